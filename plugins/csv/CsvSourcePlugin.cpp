// The `csv` source plugin: reads the CSV exports of local systems (UTF-8 or GBK/GB18030).
// See plugins/csv/README.md for what it accepts and the problems it reports.

#include <Poco/ClassLibrary.h>

#include <exception>

#include "CsvRowReader.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/SourcePlugin.h"

namespace creditgw {

/// Opens CSV files as row streams. Stateless: one instance can open any number of files;
/// each reader it returns is independent.
class CsvSourcePlugin : public SourcePlugin {
public:
    std::string name() const override { return "csv"; }

    Result<std::unique_ptr<RowReader>> open(const SourceOptions& options) override {
        try {
            return csv::CsvRowReader::open(options);
        } catch (const std::exception& e) {
            return Status::permanent(options.path + ": cannot read: " + e.what());
        }
    }
};

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("source")

POCO_BEGIN_MANIFEST(creditgw::SourcePlugin)
    POCO_EXPORT_CLASS(creditgw::CsvSourcePlugin)
POCO_END_MANIFEST
