#pragma once
// Finds, checks and loads plugins (.so files) from one directory. Every library is opened
// first with Poco::SharedLibrary to compare its creditgwPluginAbi() with the host's and to read
// its kind; only then is it handed to Poco::ClassLoader. A missing, broken or mismatched
// plugin yields one clear error naming the file, and the host goes on with the others.
// Libraries are never unloaded while the host lives: instances may still point into them.

#include <memory>
#include <string>
#include <vector>

#include <Poco/ClassLoader.h>

#include "creditgw/ChannelPlugin.h"
#include "creditgw/SourcePlugin.h"
#include "creditgw/TargetPlugin.h"

namespace creditgw {

struct PluginLoadError {
    std::string file;
    std::string reason;
};

class PluginHost {
public:
    PluginHost();
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    /// Loads every *.so in `directory`. Returns the number loaded; failures are collected in
    /// errors(). NotFound when the directory does not exist.
    Result<std::size_t> loadDirectory(const std::string& directory);
    /// Loads one library; the error (also appended to errors()) names the file and reason.
    Status loadLibrary(const std::string& path);

    /// A new instance of the named plugin, or nullptr. The host must outlive it.
    std::unique_ptr<SourcePlugin> createSource(const std::string& name) const;
    std::unique_ptr<TargetPlugin> createTarget(const std::string& name) const;
    std::unique_ptr<ChannelPlugin> createChannel(const std::string& name) const;
    std::vector<std::string> sourceNames() const;
    std::vector<std::string> targetNames() const;
    std::vector<std::string> channelNames() const;
    const std::vector<PluginLoadError>& errors() const { return _errors; }

private:
    Status fail(const std::string& path, const std::string& reason);

    Poco::ClassLoader<SourcePlugin> _sources;
    Poco::ClassLoader<TargetPlugin> _targets;
    Poco::ClassLoader<ChannelPlugin> _channels;
    std::vector<PluginLoadError> _errors;
};

}  // namespace creditgw
