#include "creditgw/MockFrontMachine.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "creditgw/AtomicFile.h"
#include "creditgw/DigitalEnvelope.h"
#include "creditgw/Json.h"
#include "creditgw/Sm2Signer.h"

namespace creditgw {

namespace fs = std::filesystem;

namespace {

Result<std::string> readWhole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::notFound(path + ": missing from the package");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Result<std::string> unzipOnly(const std::string& zip, const std::string& entry) {
    try {
        std::istringstream in(zip, std::ios::binary);
        Poco::Zip::ZipArchive archive(in);
        auto header = archive.findHeader(entry);
        if (header == archive.headerEnd()) return Status::permanent("zip has no entry " + entry);
        in.clear();
        Poco::Zip::ZipInputStream stream(in, header->second, true);
        std::ostringstream out;
        out << stream.rdbuf();
        return out.str();
    } catch (const Poco::Exception& e) {
        return Status::permanent("cannot unzip the package: " + e.displayText());
    }
}

bool answered(const std::string& exchange, const std::string& id) {
    for (const char* sub : {"inbox", "done"})
        for (const char* suffix : {".receipt.json", ".error.json"})
            if (fs::exists(exchange + "/" + sub + "/" + id + suffix)) return true;
    return false;
}

}  // namespace

MockFrontMachine::MockFrontMachine(MockFrontMachineConfig config, MockPlatform& platform)
    : _config(std::move(config)), _platform(platform) {}

Result<std::string> MockFrontMachine::answer(const std::string& manifestPath) {
    auto text = readWhole(manifestPath);
    if (!text) return text.status();
    Poco::JSON::Object::Ptr manifest;
    try {
        manifest = Poco::JSON::Parser().parse(*text).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        return Status::permanent("manifest is not JSON: " + e.displayText());
    }
    const std::string outbox = _config.exchangeDir + "/outbox/";
    auto value = [&](const char* key) { return manifest->optValue<std::string>(key, ""); };
    auto package = readWhole(outbox + value("package"));
    if (!package) return package.status();
    if (sm3Hex(*package) != value("packageSm3")) return Status::permanent("package SM3 differs from the manifest");
    std::string content = *package;
    if (value("envelope") == "sm4") {
        ++_counters.enveloped;
        auto wrapped = readWhole(outbox + value("key"));
        auto iv = hexDecode(value("iv"));
        if (!wrapped || !iv) return Status::permanent("envelope key or IV missing");
        auto opened = openEnvelope(_config.envelopeKeyFile, {*wrapped, *iv, content});
        if (!opened) return Status::permanent("cannot open the SM4 envelope: " + opened.status().message());
        content = std::move(*opened);
    }
    if (value("zip") == "true") {
        ++_counters.zipped;
        auto unzipped = unzipOnly(content, value("payload"));
        if (!unzipped) return unzipped.status();
        content = std::move(*unzipped);
    }
    if (sm3Hex(content) != value("payloadSm3")) return Status::permanent("payload SM3 differs from the manifest");
    auto signature = readWhole(outbox + value("signature"));
    if (!signature) return signature.status();
    return _platform.acceptPackage(value("batchId"), content, *signature, value("signerId"));
}

Result<std::size_t> MockFrontMachine::processOutbox() {
    std::size_t done = 0;
    std::error_code ec;
    const std::string inbox = _config.exchangeDir + "/inbox";
    for (const auto& entry : fs::directory_iterator(_config.exchangeDir + "/outbox", ec)) {
        const std::string name = entry.path().filename().string();
        const std::string suffix = ".manifest.json";
        if (name[0] == '.' || name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix))
            continue;
        const std::string id = name.substr(0, name.size() - suffix.size());
        if (answered(_config.exchangeDir, id)) continue;
        auto receipt = answer(entry.path().string());
        Status written = receipt ? writeFileAtomically(inbox, id + ".receipt.json", *receipt)
                                 : writeFileAtomically(inbox, id + ".error.json",
                                                       "{\"batchId\":" + jsonString(id) + ",\"error\":" +
                                                           jsonString(receipt.status().message()) + "}");
        if (!written) return written;
        ++(receipt ? _counters.receipts : _counters.refused);
        ++done;
    }
    if (ec) return Status::transient(_config.exchangeDir + "/outbox: " + ec.message());
    return done;
}

}  // namespace creditgw
