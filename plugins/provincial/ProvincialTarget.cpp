// Target plugin for provincial platforms (信用交通·山东, 信用·山东, 信用交通·河南, 信用河南,
// 信用交通(重庆), 浙江 …). Everything that differs between provinces — field names, code tables,
// envelope, encoding, date format, endpoint — lives in the profile folder
// (mappings/<target>/), so a fifth province is a copied folder, not C++.

#include <Poco/ClassLibrary.h>

#include "creditgw/EnvelopeTarget.h"
#include "creditgw/PluginAbi.h"

namespace creditgw {

class ProvincialTarget : public EnvelopeTarget {
public:
    std::string name() const override { return "provincial"; }
};

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("target")

POCO_BEGIN_MANIFEST(creditgw::TargetPlugin)
    POCO_EXPORT_CLASS(creditgw::ProvincialTarget)
POCO_END_MANIFEST
