#pragma once
// A local stand-in for a platform's 前置机 (front-end machine), for development and tests of the
// filedrop channel (plugins/filedrop/README.md): it reads complete packages (those with a
// manifest) from EXCHANGE/outbox/, opens the SM4 envelope with the platform's SM2 private key,
// unzips, checks the SM2 signature and judges the records through a MockPlatform, and writes
// one receipt per batch to EXCHANGE/inbox/ (<id>.receipt.json, or <id>.error.json when the
// package is refused), atomically. It never removes anything from outbox/.

#include <cstddef>
#include <string>

#include "creditgw/MockPlatform.h"
#include "creditgw/Status.h"

namespace creditgw {

struct MockFrontMachineConfig {
    std::string exchangeDir;      ///< holds outbox/, inbox/, done/
    std::string envelopeKeyFile;  ///< the platform's SM2 private key (0600), for SM4 envelopes
};

class MockFrontMachine {
    /// Not thread-safe; one polling thread. The MockPlatform must outlive it.
public:
    MockFrontMachine(MockFrontMachineConfig config, MockPlatform& platform);
    /// Answers every complete package in outbox/ that has no answer yet in inbox/ or done/.
    /// Returns how many it answered. A package it cannot open or verify gets an error file,
    /// never silence.
    Result<std::size_t> processOutbox();

    struct Counters {
        std::size_t receipts = 0;  ///< receipt files written
        std::size_t refused = 0;   ///< error files written
        std::size_t enveloped = 0; ///< packages that came in an SM4 envelope
        std::size_t zipped = 0;    ///< packages that came zipped
    };
    const Counters& counters() const { return _counters; }

private:
    /// The receipt for one manifest, or why the package is refused.
    Result<std::string> answer(const std::string& manifestPath);

    MockFrontMachineConfig _config;
    MockPlatform& _platform;
    Counters _counters;
};

}  // namespace creditgw
