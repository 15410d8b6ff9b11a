#pragma once
// The binary contract between the gateway and its plugins. Poco::ClassLoader only compares a
// type name, so a plugin built against an older interface would load and then crash. Every
// plugin exports creditgwPluginAbi() and creditgwPluginKind(); the host checks both before it
// hands the library to Poco::ClassLoader. Bump kPluginAbiVersion whenever SourcePlugin.h,
// TargetPlugin.h, ChannelPlugin.h, Record.h or Status.h change in a way that alters layout or vtables.

namespace creditgw {

inline constexpr int kPluginAbiVersion = 6;  // 5: channel plugins; 6: ChannelPlugin::withdraw

}  // namespace creditgw

#define CREDITGW_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

/// Put once in each plugin: CREDITGW_DECLARE_PLUGIN("source"), ("target") or ("channel").
#define CREDITGW_DECLARE_PLUGIN(kind)                                                       \
    CREDITGW_PLUGIN_EXPORT int creditgwPluginAbi() { return ::creditgw::kPluginAbiVersion; } \
    CREDITGW_PLUGIN_EXPORT const char* creditgwPluginKind() { return kind; }
