// The `xlsx` source plugin: the national 双公示 Excel templates and local variants, read in a
// stream (Poco::Zip + libxml2 xmlTextReader). See plugins/xlsx/README.md.

#include <Poco/ClassLibrary.h>

#include <exception>

#include "XlsxRowReader.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/SourcePlugin.h"

namespace creditgw {

/// Opens .xlsx workbooks as row streams of one sheet. Stateless; readers are independent.
class XlsxSourcePlugin : public SourcePlugin {
public:
    std::string name() const override { return "xlsx"; }

    Result<std::unique_ptr<RowReader>> open(const SourceOptions& options) override {
        try {
            return xlsx::XlsxRowReader::open(options);
        } catch (const std::exception& e) {
            return Status::invalidArgument(options.path + ": cannot read the workbook: " + e.what());
        }
    }
};

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("source")

POCO_BEGIN_MANIFEST(creditgw::SourcePlugin)
    POCO_EXPORT_CLASS(creditgw::XlsxSourcePlugin)
POCO_END_MANIFEST
