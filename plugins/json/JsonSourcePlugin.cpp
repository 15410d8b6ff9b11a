// The `json` source plugin: JSON arrays of records or JSON Lines from 执法/审批 systems,
// UTF-8 or GB18030, streamed. See plugins/json/README.md.

#include <Poco/ClassLibrary.h>

#include <exception>

#include "JsonRowReader.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/SourcePlugin.h"

namespace creditgw {

/// Opens JSON exports as row streams. Stateless; readers are independent.
class JsonSourcePlugin : public SourcePlugin {
public:
    std::string name() const override { return "json"; }

    Result<std::unique_ptr<RowReader>> open(const SourceOptions& options) override {
        try {
            return json::JsonRowReader::open(options);
        } catch (const std::exception& e) {
            return Status::invalidArgument(options.path + ": cannot read: " + e.what());
        }
    }
};

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("source")

POCO_BEGIN_MANIFEST(creditgw::SourcePlugin)
    POCO_EXPORT_CLASS(creditgw::JsonSourcePlugin)
POCO_END_MANIFEST
