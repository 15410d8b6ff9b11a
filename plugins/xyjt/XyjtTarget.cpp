// Target plugin for 信用交通 (交通运输部, 全国交通运输信用信息共享平台). The ministry forwards
// 双公示 records to the national platform ("总对总"), so each record carries its route: who
// reported it, along which path, whether the ministry forwards it, and the key the national
// platform knows it by — so a decision reported both directly and through the ministry is
// counted once. Route values come from the profile's settings (mappings/xyjt/profile.xml).

#include <Poco/ClassLibrary.h>
#include <Poco/StringTokenizer.h>

#include <set>

#include "creditgw/EnvelopeTarget.h"
#include "creditgw/PluginAbi.h"

namespace creditgw {

class XyjtTarget : public EnvelopeTarget {
public:
    std::string name() const override { return "xyjt"; }

    Status configure(const TargetProfile& profile) override {
        Status base = EnvelopeTarget::configure(profile);
        if (!base) return base;
        auto path = profile.settings.find("route.path");
        if (path == profile.settings.end() || path->second.empty())
            return Status::invalidArgument(profile.directory +
                                           "/profile.xml: setting route.path is required (e.g. 市级→省级→部级)");
        _routePath = path->second;
        auto forwarded = profile.settings.find("route.forwardKinds");
        std::string kinds = forwarded == profile.settings.end() ? "xk cf" : forwarded->second;
        Poco::StringTokenizer words(kinds, " ,", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        _forwardedKinds = std::set<std::string>(words.begin(), words.end());
        return Status::ok();
    }

protected:
    void decorate(const BatchHeader& header, std::vector<EnvelopeColumn>& columns,
                  std::vector<MappedRecord>& records) const override {
        columns.push_back({"BSDWDM", "报送单位统一社会信用代码"});
        columns.push_back({"BSLJ", "报送路径"});
        columns.push_back({"ZFBZ", "转发信用中国标志"});
        columns.push_back({"GJJLBS", "国家平台记录标识"});
        bool forwarded = _forwardedKinds.count(header.kind) > 0;
        for (auto& record : records) {
            record.fields.emplace_back("BSDWDM", header.unitCode);
            record.fields.emplace_back("BSLJ", _routePath);
            record.fields.emplace_back("ZFBZ", forwarded ? "1" : "0");
            // The national platform knows a record by the same stable key creditgw uses there.
            record.fields.emplace_back("GJJLBS", forwarded ? record.key : "");
        }
    }

private:
    std::string _routePath;
    std::set<std::string> _forwardedKinds;
};

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("target")

POCO_BEGIN_MANIFEST(creditgw::TargetPlugin)
    POCO_EXPORT_CLASS(creditgw::XyjtTarget)
POCO_END_MANIFEST
