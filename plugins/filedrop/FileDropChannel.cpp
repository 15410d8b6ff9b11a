#include "FileDropChannel.h"

#include <sys/stat.h>

#include <Poco/ClassLibrary.h>
#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "creditgw/AtomicFile.h"
#include "creditgw/DigitalEnvelope.h"
#include "creditgw/Json.h"
#include "creditgw/PluginAbi.h"
#include "creditgw/Sm2Signer.h"

CREDITGW_DECLARE_PLUGIN("channel")

POCO_BEGIN_MANIFEST(creditgw::ChannelPlugin)
    POCO_EXPORT_CLASS(creditgw::FileDropChannel)
POCO_END_MANIFEST

namespace creditgw {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOutbox = "outbox";
constexpr const char* kInbox = "inbox";
constexpr const char* kDone = "done";
constexpr const char* kSent = "sent";            // our copy of each manifest handed over
constexpr const char* kWithdrawn = "withdrawn";  // packages taken back before going dead

/// The payload's file extension from the target plugin's Content-Type.
std::string extensionOf(const std::string& contentType) {
    for (const char* ext : {"json", "xml", "csv"})
        if (contentType.find(ext) != std::string::npos) return ext;
    if (contentType.find("spreadsheetml") != std::string::npos) return "xlsx";
    return "bin";
}

std::string readWhole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

/// One zip entry holding the payload. Entries are dated 1980-01-01 (zip's epoch), so the same
/// payload always zips to the same bytes.
Result<std::string> zipped(const std::string& entryName, const std::string& payload) {
    try {
        std::ostringstream out(std::ios::binary);
        Poco::Zip::Compress compress(out, true);
        std::istringstream in(payload, std::ios::binary);
        compress.addFile(in, Poco::DateTime(1980, 1, 1), Poco::Path(entryName), Poco::Zip::ZipCommon::CM_DEFLATE,
                         Poco::Zip::ZipCommon::CL_NORMAL);
        compress.close();
        return out.str();
    } catch (const Poco::Exception& e) {
        return Status::permanent("cannot zip the package: " + e.displayText());
    }
}

Status ensureFolder(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return Status::ok();
    if (fs::create_directory(path, ec) && ::chmod(path.c_str(), 0750) == 0) return Status::ok();
    return Status::transient("cannot create the exchange folder " + path + ": " + ec.message() +
                             " (create it, writable by creditgw)");
}

std::string field(const char* name, const std::string& value, bool last = false) {
    return jsonString(name) + ":" + jsonString(value) + (last ? "" : ",");
}

}  // namespace

Status FileDropChannel::configure(const TargetProfile& profile, const std::map<std::string, std::string>& settings) {
    auto setting = [&](const char* key) {
        auto found = settings.find(key);
        return found == settings.end() ? std::string() : found->second;
    };
    _dir = setting("dir");
    if (_dir.empty())
        return Status::invalidArgument("no exchange folder: pass --channel-dir DIR (or target." + profile.id +
                                       ".channel.dir in the configuration); it holds outbox/, inbox/ and done/");
    if (!fs::is_directory(_dir))
        return Status::invalidArgument("exchange folder " + _dir + " does not exist; create it (the 前置机 reads "
                                       "outbox/ and writes inbox/ under it)");
    std::string zip = setting("zip");
    if (!zip.empty() && zip != "true" && zip != "false")
        return Status::invalidArgument("channel.zip is \"" + zip + "\"; use true or false");
    _zip = zip == "true";
    _envelope = setting("envelope").empty() ? "none" : setting("envelope");
    if (_envelope != "none" && _envelope != "sm4")
        return Status::invalidArgument("channel.envelope is \"" + _envelope + "\"; known: none, sm4");
    _peerKeyFile = setting("peer-key");
    if (_envelope == "sm4" && _peerKeyFile.empty())
        return Status::invalidArgument("the SM4 envelope needs the platform's SM2 public key or certificate: pass "
                                       "--channel-peer-key FILE (or target." + profile.id + ".channel.peer.key)");
    if (std::string timeout = setting("receipt-timeout"); !timeout.empty()) {
        try {
            _receiptTimeout = std::chrono::seconds(std::stol(timeout));
        } catch (const std::exception&) {
            return Status::invalidArgument("receipt-timeout \"" + timeout + "\" is not a number of seconds");
        }
    }
    for (const char* sub : {kOutbox, kInbox, kDone, kSent, kWithdrawn})
        if (Status made = ensureFolder(folder(sub)); !made) return made;
    return Status::ok();
}

std::string FileDropChannel::packageName(const ChannelBatch& batch) const {
    return batch.id + "." + extensionOf(batch.contentType) + (_zip ? ".zip" : "") + (_envelope == "sm4" ? ".sm4" : "");
}

Result<std::string> FileDropChannel::writePackage(const ChannelBatch& batch) {
    const std::string outbox = folder(kOutbox);
    const std::string entry = batch.id + "." + extensionOf(batch.contentType);
    std::string package = batch.payload;
    const std::string packageName = this->packageName(batch);
    if (_zip) {
        auto zip = zipped(entry, batch.payload);
        if (!zip) return zip.status();
        package = std::move(*zip);
    }
    std::string envelopeFields = field("envelope", _envelope);
    if (_envelope == "sm4") {
        auto sealed = sealEnvelope(_peerKeyFile, package);
        if (!sealed) return sealed.status();
        package = std::move(sealed->ciphertext);
        if (Status s = writeFileAtomically(outbox, batch.id + ".key", sealed->wrappedKey); !s) return s;
        envelopeFields += field("cipher", "SM4-CBC") + field("keyWrap", "SM2") + field("key", batch.id + ".key") +
                          field("iv", hexEncode(sealed->iv));
    }
    if (Status s = writeFileAtomically(outbox, packageName, package); !s) return s;
    if (Status s = writeFileAtomically(outbox, batch.id + ".sig", batch.signature); !s) return s;
    return "{" + field("batchId", batch.id) + field("target", batch.target) + field("kind", batch.kind) +
           field("createdAt", batch.createdAt) + field("contentType", batch.contentType) +
           field("package", packageName) + field("packageSm3", sm3Hex(package)) + field("payload", entry) +
           field("payloadSm3", sm3Hex(batch.payload)) + field("zip", _zip ? "true" : "false") + envelopeFields +
           field("signature", batch.id + ".sig") + field("signatureAlgorithm", "SM2-with-SM3") +
           field("signerId", batch.signerId, true) + "}";
}

Result<ChannelAnswer> FileDropChannel::send(const ChannelBatch& batch) {
    const std::string manifestName = batch.id + ".manifest.json";
    // The manifest is written last: once it is there the package is complete and the 前置机 may
    // take it. A second send of the same batch changes nothing.
    if (exists(folder(kOutbox) + "/" + manifestName))
        return ChannelAnswer{false, "", "already in " + folder(kOutbox)};
    auto manifest = writePackage(batch);
    if (!manifest) return manifest.status();
    // Our copy first: once the manifest is in outbox/ the 前置机 may take the package away at
    // once, and only this copy then says that it was handed over (collect, withdraw).
    if (Status s = writeFileAtomically(folder(kSent), manifestName, *manifest); !s) return s;
    if (Status s = writeFileAtomically(folder(kOutbox), manifestName, *manifest); !s) return s;
    return ChannelAnswer{false, "", "written to " + folder(kOutbox)};
}

Result<ChannelAnswer> FileDropChannel::collect(const ChannelBatch& batch) {
    for (const char* sub : {kInbox, kDone}) {
        const std::string error = folder(sub) + "/" + batch.id + ".error.json";
        if (exists(error))
            return Status::permanent("the 前置机 refused batch " + batch.id + " (" + error + "): " + readWhole(error));
        const std::string receipt = folder(sub) + "/" + batch.id + ".receipt.json";
        if (exists(receipt)) return ChannelAnswer{true, readWhole(receipt), ""};
    }
    const std::string manifestName = batch.id + ".manifest.json";
    for (const char* sub : {kOutbox, kDone}) {
        const std::string manifest = folder(sub) + "/" + manifestName;
        if (exists(manifest))
            return awaitingReceipt(batch, manifest, "the package stays in " + folder(kOutbox) +
                                                        ": check that the 前置机 is running and reads it");
    }
    if (exists(folder(kWithdrawn) + "/" + manifestName))
        return Status::notFound("batch " + batch.id + " was withdrawn to " + folder(kWithdrawn) +
                                " before the 前置机 took it");
    // Handed over (our copy says so) and gone from outbox/ with its package: the 前置机 took it.
    // A package still there without its manifest was never complete: the 前置机 never saw it.
    const std::string sent = folder(kSent) + "/" + manifestName;
    if (exists(sent) && !exists(folder(kOutbox) + "/" + packageName(batch)))
        return awaitingReceipt(batch, sent, "the 前置机 took the package from " + folder(kOutbox) +
                                                " and has not answered: ask its operator");
    return Status::notFound("batch " + batch.id + " was never completely written to " + folder(kOutbox));
}

Result<ChannelAnswer> FileDropChannel::awaitingReceipt(const ChannelBatch& batch, const std::string& since,
                                                       const std::string& where) const {
    std::error_code ec;
    auto written = fs::last_write_time(since, ec);
    auto waited = std::chrono::duration_cast<std::chrono::seconds>(fs::file_time_type::clock::now() - written);
    if (!ec && waited > _receiptTimeout)
        return Status::unknown("no receipt for batch " + batch.id + " in " + folder(kInbox) + " after " +
                               std::to_string(waited.count()) + " s (receipt timeout " +
                               std::to_string(_receiptTimeout.count()) + " s); " + where);
    return ChannelAnswer{false, "", "waiting for the 前置机's receipt since " + std::to_string(waited.count()) + " s"};
}

Status FileDropChannel::acknowledge(const ChannelBatch& batch) {
    // Manifest first (the package no longer looks complete in outbox/), receipt last.
    std::string names[] = {batch.id + ".manifest.json", batch.id + ".sig", batch.id + ".key",
                           batch.id + "." + extensionOf(batch.contentType),
                           batch.id + "." + extensionOf(batch.contentType) + ".zip",
                           batch.id + "." + extensionOf(batch.contentType) + ".sm4",
                           batch.id + "." + extensionOf(batch.contentType) + ".zip.sm4"};
    for (const auto& name : names) {
        Status moved = moveFileDurably(folder(kOutbox), name, folder(kDone));
        if (!moved && moved.code() != StatusCode::NotFound) return moved;
    }
    Status moved = moveFileDurably(folder(kInbox), batch.id + ".receipt.json", folder(kDone));
    if (!moved && moved.code() != StatusCode::NotFound) return moved;
    // Our copy of the manifest has served: the receipt is committed, nothing asks for it again.
    std::error_code ec;
    fs::remove(folder(kSent) + "/" + batch.id + ".manifest.json", ec);
    return Status::ok();
}

Status FileDropChannel::withdraw(const ChannelBatch& batch) {
    const std::string manifestName = batch.id + ".manifest.json";
    const std::string handedOver = folder(kSent) + "/" + manifestName;
    // The manifest goes first: without it the package is incomplete, and the 前置机 leaves it.
    // The rename is atomic: either the 前置机 took the manifest, or we did.
    Status moved = moveFileDurably(folder(kOutbox), manifestName, folder(kWithdrawn));
    if (moved.code() == StatusCode::NotFound) {
        bool refused = exists(folder(kInbox) + "/" + batch.id + ".error.json") ||
                       exists(folder(kDone) + "/" + batch.id + ".error.json");
        if (exists(handedOver) && !refused && !exists(folder(kWithdrawn) + "/" + manifestName))
            return Status::unknown("the 前置机 already took the package of batch " + batch.id + " from " +
                                   folder(kOutbox) + ": it cannot be withdrawn, so the batch stays in doubt until "
                                   "its receipt comes (ask the 前置机's operator)");
        // Never handed over, refused by the 前置机, or withdrawn before: nothing to take back.
    } else if (!moved) {
        return moved;
    }
    const std::string ext = extensionOf(batch.contentType);
    for (const std::string& name : {packageName(batch), batch.id + "." + ext, batch.id + "." + ext + ".zip",
                                    batch.id + "." + ext + ".sm4", batch.id + "." + ext + ".zip.sm4",
                                    batch.id + ".sig", batch.id + ".key"}) {
        Status rest = moveFileDurably(folder(kOutbox), name, folder(kWithdrawn));
        if (!rest && rest.code() != StatusCode::NotFound) return rest;
    }
    return Status::ok();
}

}  // namespace creditgw
