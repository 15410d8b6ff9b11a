// The `database` source plugin: a query against the business database (Poco::Data), read
// incrementally after a watermark. See plugins/database/README.md.

#include <Poco/ClassLibrary.h>

#include <exception>

#include "DatabaseRowReader.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/SourcePlugin.h"

namespace creditgw {

/// Opens .dbsource files as row streams. Stateless; readers are independent.
class DatabaseSourcePlugin : public SourcePlugin {
public:
    std::string name() const override { return "database"; }

    Result<std::unique_ptr<RowReader>> open(const SourceOptions& options) override {
        try {
            return database::DatabaseRowReader::open(options);
        } catch (const std::exception& e) {
            return Status::invalidArgument(options.path + ": cannot read the database source: " + e.what());
        }
    }
};

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("source")

POCO_BEGIN_MANIFEST(creditgw::SourcePlugin)
    POCO_EXPORT_CLASS(creditgw::DatabaseSourcePlugin)
POCO_END_MANIFEST
