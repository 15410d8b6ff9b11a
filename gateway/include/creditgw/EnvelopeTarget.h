#pragma once
// The common body of target plugins whose wire format is one of the core's envelopes
// (Envelope.h), chosen by the target's profile. A plugin derives from it and adds only what
// its platform needs (xyjt: the route of each record). Lives in the core so that plugins share
// one tested implementation instead of three copies; the host still sees only TargetPlugin.

#include "creditgw/Envelope.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

/// The content hash of the mock platform's record query (docs/mock-platform.md): SM3 (hex) of
/// the kind, then of each non-empty field sorted by name as "\0name\0value". For a plugin whose
/// platform reports it and that sends the mapped fields unchanged (no decorate()).
std::string platformContentHash(const MappedRecord& record);

class EnvelopeTarget : public TargetPlugin {
public:
    /// Keeps the profile and checks its envelope settings (format, encoding, schema file).
    Status configure(const TargetProfile& profile) override;
    std::string contentType() const override;
    /// decorate(), then writeEnvelope() with the profile's settings for the batch's kind.
    Result<std::string> encodeBatch(const BatchHeader& header, const std::vector<EnvelopeColumn>& columns,
                                    const std::vector<MappedRecord>& records) const override;
    /// JSON receipts (docs/mock-platform.md) or XML ones: <Receipt><SJBBH>id</SJBBH>
    /// <JSSJ>acceptedAt</JSSJ><Record key=".." status="accepted|rejected" code=".." reason=".."/>…</Receipt>.
    Result<BatchReceipt> parseReceipt(const std::string& body) const override;
    /// The JSON answer of GET <endpoint>/records (docs/mock-platform.md):
    /// {"records":[{"key","kind","contentHash","state","decisionDate"},…]}.
    Result<std::vector<HeldRecord>> parseHoldings(const std::string& body) const override;
    /// platformContentHash of the mapped fields when the profile says the platform hashes
    /// exactly those (setting reconcile.contentHash = "fields"); "" otherwise, so that a platform
    /// that hashes another form (added columns, a route, XML text) is never seen as a version
    /// behind and sent every record again at each reconciliation.
    std::string contentHash(const MappedRecord& record) const override;

protected:
    const TargetProfile& profile() const { return _profile; }
    /// Lets a plugin add columns or per-record values before encoding. Default: nothing.
    virtual void decorate(const BatchHeader& header, std::vector<EnvelopeColumn>& columns,
                          std::vector<MappedRecord>& records) const;

private:
    TargetProfile _profile;
};


/// Receipt parsers, also for plugins that do not derive from EnvelopeTarget.
Result<BatchReceipt> parseJsonReceipt(const std::string& body);
Result<BatchReceipt> parseXmlReceipt(const std::string& body);

}  // namespace creditgw
