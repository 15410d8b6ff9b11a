// `creditgw mapping explain`: one record, field by field.

#include <iostream>

#include "CommandLine.h"

namespace creditgw::cli {

int explainCommand(const Arguments& args, const GatewaySettings& settings) {
    std::cerr << "creditgw mapping explain: not available in this build\n";
    (void)args;
    (void)settings;
    return kFailure;
}

}  // namespace creditgw::cli
