#pragma once
// The daemon's inbox routes: which files of the inbox are read, as which kind, with which
// source plugin, layout and sheet. INBOX/<kind>/ (any supported extension) always works; an
// INBOX/inbox.xml (or --inbox-config FILE) adds routes by folder or file pattern, e.g.
//   <inbox><route pattern="cf-county/*.xlsx" kind="cf" layout="mappings/sources/county-cf.xml"
//                 sheet="行政处罚"/>
//          <poll input="mappings/sources/county-cf.dbsource" kind="cf"/></inbox>

#include <string>
#include <vector>

#include "creditgw/Gateway.h"

namespace creditgw::cli {

struct InboxRoute {
    std::string folder;    ///< relative to the inbox ("cf-county")
    std::string glob;      ///< file-name pattern ("*.xlsx"); "*" = every supported file
    std::string kind;
    std::string source;    ///< "" = by extension
    std::string layout;    ///< resolved path, "" = none
    std::string sheet;
    std::string encoding;  ///< "" = by file name (*.gb18030.csv / *.gbk.csv) or utf-8
    /// <poll input="X.dbsource" kind="cf"/>: a source read every cycle and never moved (a
    /// database query that continues after its watermark). `input` is the resolved path.
    std::string input;
};

/// Reads inbox routes from an XML file. InvalidArgument naming the file, line and attribute
/// for anything unknown or missing. Relative layout paths are taken from `dataDir`.
Result<std::vector<InboxRoute>> readInboxRoutes(const std::string& path, const std::string& dataDir,
                                                const std::vector<std::string>& kinds);

/// True when `name` matches the route's glob and is a file the daemon may take (no *.part,
/// no hidden file, a supported extension).
bool routeTakes(const InboxRoute& route, const std::string& name);

}  // namespace creditgw::cli
