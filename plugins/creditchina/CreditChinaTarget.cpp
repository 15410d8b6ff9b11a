#include "CreditChinaTarget.h"

#include <Poco/ClassLibrary.h>

#include "creditgw/PluginAbi.h"

namespace creditgw {

Status CreditChinaTarget::configure(const TargetProfile& profile) {
    if (profile.envelopeFormat != "json")
        return Status::invalidArgument(profile.directory + "/profile.xml: the creditchina plugin speaks the "
                                       "json envelope only, not \"" + profile.envelopeFormat + "\"");
    return EnvelopeTarget::configure(profile);
}

}  // namespace creditgw

CREDITGW_DECLARE_PLUGIN("target")

POCO_BEGIN_MANIFEST(creditgw::TargetPlugin)
    POCO_EXPORT_CLASS(creditgw::CreditChinaTarget)
POCO_END_MANIFEST
