#include "InboxRoutes.h"

#include <fnmatch.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace creditgw::cli {

namespace {

std::string attribute(xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    if (!value) return {};
    std::string out(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return out;
}

bool supported(const std::string& name) {
    for (const char* ext : {".csv", ".xlsx", ".xlsm", ".json", ".jsonl", ".ndjson"})
        if (name.size() > std::string(ext).size() && name.ends_with(ext)) return true;
    return false;
}

std::string resolved(const std::string& path, const std::string& dataDir) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return dataDir + "/" + path;
}

Result<InboxRoute> readPoll(xmlNode* node, const std::string& where, const std::string& dataDir,
                            const std::vector<std::string>& kinds) {
    static const std::set<std::string> known = {"input", "kind", "source", "layout"};
    for (xmlAttr* a = node->properties; a; a = a->next)
        if (!known.count(reinterpret_cast<const char*>(a->name)))
            return Status::invalidArgument(where + "unknown attribute " + reinterpret_cast<const char*>(a->name) +
                                           " of <poll>; known: input, kind, source, layout");
    InboxRoute poll;
    poll.input = resolved(attribute(node, "input"), dataDir);
    poll.kind = attribute(node, "kind");
    poll.source = attribute(node, "source");
    poll.layout = resolved(attribute(node, "layout"), dataDir);
    if (poll.input.empty() || poll.kind.empty())
        return Status::invalidArgument(where + "<poll> needs input=\"X.dbsource\" and kind=\"cf\"");
    if (std::find(kinds.begin(), kinds.end(), poll.kind) == kinds.end())
        return Status::invalidArgument(where + "unknown kind \"" + poll.kind + "\"");
    return poll;
}

}  // namespace

bool routeTakes(const InboxRoute& route, const std::string& name) {
    if (name.empty() || name[0] == '.' || name.ends_with(".part") || !supported(name)) return false;
    return ::fnmatch(route.glob.c_str(), name.c_str(), FNM_PERIOD) == 0;
}

Result<std::vector<InboxRoute>> readInboxRoutes(const std::string& path, const std::string& dataDir,
                                                const std::vector<std::string>& kinds) {
    std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc(
        xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING), xmlFreeDoc);
    if (!doc) return Status::invalidArgument(path + ": not well-formed XML; expected <inbox><route .../></inbox>");
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (!root || std::string(reinterpret_cast<const char*>(root->name)) != "inbox")
        return Status::invalidArgument(path + ": the root element must be <inbox>");
    static const std::set<std::string> known = {"pattern", "kind", "source", "layout", "sheet", "encoding"};
    std::vector<InboxRoute> routes;
    for (xmlNode* node = root->children; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE) continue;
        std::string where = path + ":" + std::to_string(xmlGetLineNo(node)) + ": ";
        std::string element = reinterpret_cast<const char*>(node->name);
        if (element == "poll") {
            auto poll = readPoll(node, where, dataDir, kinds);
            if (!poll) return poll.status();
            routes.push_back(std::move(*poll));
            continue;
        }
        if (element != "route")
            return Status::invalidArgument(where + "unknown element <" + element + ">; only <route> and <poll> are allowed");
        for (xmlAttr* a = node->properties; a; a = a->next)
            if (!known.count(reinterpret_cast<const char*>(a->name)))
                return Status::invalidArgument(where + "unknown attribute " + reinterpret_cast<const char*>(a->name) +
                                               "; known: pattern, kind, source, layout, sheet, encoding");
        InboxRoute route;
        std::string pattern = attribute(node, "pattern");
        route.kind = attribute(node, "kind");
        if (pattern.empty() || route.kind.empty())
            return Status::invalidArgument(where + "a route needs pattern=\"folder/*.xlsx\" and kind=\"cf\"");
        if (std::find(kinds.begin(), kinds.end(), route.kind) == kinds.end())
            return Status::invalidArgument(where + "unknown kind \"" + route.kind + "\"");
        if (pattern.find("..") != std::string::npos || pattern[0] == '/')
            return Status::invalidArgument(where + "pattern must stay inside the inbox (no '..', not absolute)");
        if (pattern.back() == '/') pattern += "*";
        std::size_t slash = pattern.rfind('/');
        route.folder = slash == std::string::npos ? "" : pattern.substr(0, slash);
        route.glob = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
        if (route.folder.find_first_of("*?[") != std::string::npos)
            return Status::invalidArgument(where + "wildcards are allowed in the file name only, not in the folder");
        route.source = attribute(node, "source");
        route.sheet = attribute(node, "sheet");
        route.encoding = attribute(node, "encoding");
        std::string layout = attribute(node, "layout");
        if (!layout.empty())
            route.layout = std::filesystem::path(layout).is_absolute() ? layout : dataDir + "/" + layout;
        routes.push_back(std::move(route));
    }
    return routes;
}

}  // namespace creditgw::cli
