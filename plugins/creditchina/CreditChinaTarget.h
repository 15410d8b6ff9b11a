#pragma once
// Target plugin for 信用中国 (national 双公示). The wire format is the core's JSON envelope
// (docs/envelopes.md); older field generations (v1, v2-early) are separate target folders with
// their own mappings, served by this same plugin.

#include "creditgw/EnvelopeTarget.h"

namespace creditgw {

class CreditChinaTarget : public EnvelopeTarget {
public:
    std::string name() const override { return "creditchina"; }
    /// The national platform takes JSON only; anything else in the profile is refused.
    Status configure(const TargetProfile& profile) override;
    /// The platform's hash of a held record (reconciliation): the mapped fields go out unchanged.
    std::string contentHash(const MappedRecord& record) const override { return platformContentHash(record); }
};

}  // namespace creditgw
