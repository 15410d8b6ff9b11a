#include "creditgw/MappingReloader.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace creditgw {

namespace fs = std::filesystem;

std::string directorySignature(const std::string& dir) {
    std::vector<std::string> entries;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        auto size = it->file_size(ec);
        auto time = it->last_write_time(ec).time_since_epoch().count();
        entries.push_back(it->path().string() + "|" + std::to_string(size) + "|" + std::to_string(time));
    }
    std::sort(entries.begin(), entries.end());
    std::string signature;
    for (const auto& entry : entries) signature += entry + "\n";
    return signature;
}

MappingReloader::MappingReloader(std::string dir, std::shared_ptr<const MappingCatalog> catalog,
                                 std::string signature)
    : _dir(std::move(dir)), _catalog(std::move(catalog)), _signature(std::move(signature)) {}

Result<std::unique_ptr<MappingReloader>> MappingReloader::create(const std::string& mappingsDir) {
    std::string signature = directorySignature(mappingsDir);
    auto catalog = MappingCatalog::load(mappingsDir);
    if (!catalog) return catalog.status();
    return std::unique_ptr<MappingReloader>(new MappingReloader(mappingsDir, *catalog, signature));
}

std::shared_ptr<const MappingCatalog> MappingReloader::current() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _catalog;
}

MappingReloader::Outcome MappingReloader::reloadIfChanged() {
    Outcome outcome;
    std::string signature = directorySignature(_dir);
    if (signature == _signature) return outcome;
    outcome.changed = true;
    // Remember what we looked at even when it is bad: the same bad files are reported once,
    // and the next edit (a fix) is noticed.
    _signature = signature;
    auto catalog = MappingCatalog::load(_dir);
    if (!catalog) {
        outcome.status = Status::invalidArgument("mapping change refused, the last good mappings stay in force:\n" +
                                                 catalog.status().message());
        return outcome;
    }
    std::lock_guard<std::mutex> lock(_mutex);
    _catalog = *catalog;
    outcome.reloaded = true;
    return outcome;
}

}  // namespace creditgw
