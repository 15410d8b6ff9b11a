#pragma once
// Target plugin for 信用中国 (national 双公示, "2.0" fields). Wire format: see
// docs/mock-platform.md and plugins/creditchina/README.md.

#include "creditgw/TargetPlugin.h"

namespace creditgw {

class CreditChinaTarget : public TargetPlugin {
public:
    std::string name() const override { return "creditchina"; }
    Status configure(const TargetProfile& profile) override;
    std::string contentType() const override { return "application/json; charset=utf-8"; }
    std::string encodeBatch(const BatchHeader& header,
                            const std::vector<MappedRecord>& records) const override;
    Result<BatchReceipt> parseReceipt(const std::string& body) const override;
};

}  // namespace creditgw
