#include "creditgw/PluginHost.h"

#include <sys/stat.h>
#include <unistd.h>

#include <Poco/SharedLibrary.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "creditgw/PluginAbi.h"

namespace creditgw {

namespace fs = std::filesystem;

namespace {

using AbiFunction = int (*)();
using KindFunction = const char* (*)();

// The plugin's short name is its file name without ".so": plugins/csv → csv.so → "csv".
std::string pluginName(const std::string& path) { return fs::path(path).stem().string(); }

/// A plugin runs as creditgw with its keys: whoever can replace the file, or add one to its
/// folder, owns the gateway. "" when only its owner (root or the user running creditgw) can
/// write `path`; otherwise why not, with the command that fixes it.
std::string writableByOthers(const std::string& path, const char* what) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return {};  // the load itself reports a missing file
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    if (info.st_mode & (S_IWGRP | S_IWOTH))
        return std::string(what) + " " + path + " is writable by its group or by others (mode " + mode +
               "): refused, as anyone who can write there runs code as creditgw; chmod go-w " + path;
    if (info.st_uid != 0 && info.st_uid != ::geteuid())
        return std::string(what) + " " + path + " belongs to another user (uid " + std::to_string(info.st_uid) +
               "), who could replace it: refused; chown it to root or to the user running creditgw";
    return {};
}

}  // namespace

PluginHost::PluginHost() = default;

// Instances created by the plugins are owned by callers, who must be gone by now; the class
// loaders unload the libraries here.
PluginHost::~PluginHost() = default;

Status PluginHost::fail(const std::string& path, const std::string& reason) {
    _errors.push_back({path, reason});
    return Status::permanent(path + ": " + reason);
}

Result<std::size_t> PluginHost::loadDirectory(const std::string& directory) {
    if (!fs::is_directory(directory))
        return Status::notFound(directory + ": plugin directory not found (set --plugin-dir)");
    if (std::string unsafe = writableByOthers(directory, "plugin directory"); !unsafe.empty())
        return Status::permanent(unsafe);
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(directory))
        if (entry.path().extension() == ".so") paths.push_back(entry.path().string());
    std::sort(paths.begin(), paths.end());
    std::size_t loaded = 0;
    for (const auto& path : paths)
        if (loadLibrary(path)) ++loaded;
    return loaded;
}

Status PluginHost::loadLibrary(const std::string& path) {
    if (std::string unsafe = writableByOthers(path, "plugin"); !unsafe.empty()) return fail(path, unsafe);
    std::string kind;
    try {
        // Check the ABI before Poco::ClassLoader sees the library: its only check is a type
        // name, so a plugin built against an older interface would load and then crash.
        Poco::SharedLibrary probe(path);
        if (!probe.hasSymbol("creditgwPluginAbi") || !probe.hasSymbol("creditgwPluginKind")) {
            probe.unload();
            return fail(path, "not a creditgw plugin (no creditgwPluginAbi/creditgwPluginKind)");
        }
        int abi = reinterpret_cast<AbiFunction>(probe.getSymbol("creditgwPluginAbi"))();
        kind = reinterpret_cast<KindFunction>(probe.getSymbol("creditgwPluginKind"))();
        probe.unload();
        if (abi != kPluginAbiVersion)
            return fail(path, "plugin ABI " + std::to_string(abi) + " does not match gateway ABI " +
                                  std::to_string(kPluginAbiVersion) +
                                  ": rebuild the plugin against this gateway's headers");
    } catch (const Poco::Exception& e) {
        return fail(path, "cannot open library: " + e.displayText());
    }
    try {
        if (kind == "source") {
            _sources.loadLibrary(path);
        } else if (kind == "target") {
            _targets.loadLibrary(path);
        } else if (kind == "channel") {
            _channels.loadLibrary(path);
        } else {
            return fail(path, "unknown plugin kind \"" + kind + "\" (expected source, target or channel)");
        }
    } catch (const Poco::Exception& e) {
        return fail(path, "cannot load plugin: " + e.displayText());
    }
    return Status::ok();
}

namespace {

// Plugins are looked up by short name ("csv") or by class name ("creditgw::CsvSourcePlugin").
template <class Base>
std::unique_ptr<Base> createByName(const Poco::ClassLoader<Base>& loader, const std::string& name) {
    for (auto it = loader.begin(); it != loader.end(); ++it) {
        if (pluginName(it->first) != name) continue;
        for (const auto* meta : *it->second) return std::unique_ptr<Base>(meta->create());
    }
    if (const auto* meta = loader.findClass(name)) return std::unique_ptr<Base>(meta->create());
    return nullptr;
}

template <class Base>
std::vector<std::string> shortNames(const Poco::ClassLoader<Base>& loader) {
    std::vector<std::string> names;
    for (auto it = loader.begin(); it != loader.end(); ++it) names.push_back(pluginName(it->first));
    return names;
}

}  // namespace

std::unique_ptr<SourcePlugin> PluginHost::createSource(const std::string& name) const {
    return createByName(_sources, name);
}

std::unique_ptr<TargetPlugin> PluginHost::createTarget(const std::string& name) const {
    return createByName(_targets, name);
}

std::unique_ptr<ChannelPlugin> PluginHost::createChannel(const std::string& name) const {
    return createByName(_channels, name);
}

std::vector<std::string> PluginHost::sourceNames() const { return shortNames(_sources); }
std::vector<std::string> PluginHost::targetNames() const { return shortNames(_targets); }
std::vector<std::string> PluginHost::channelNames() const { return shortNames(_channels); }

}  // namespace creditgw
