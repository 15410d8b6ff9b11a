#pragma once
// What `config check` asks of the TLS files before the daemon relies on them: they parse, the
// client certificate chains to the CA file, none expires within the warning period, and the
// key belongs to the certificate. OpenSSL 3; nothing here reads a key into a message.

#include <chrono>
#include <string>
#include <vector>

namespace creditgw::cli {

/// Problems of a PEM file of CA certificates (none found, expired or expiring before `soon`).
std::vector<std::string> checkCaFile(const std::string& caFile, std::chrono::system_clock::time_point now,
                                     std::chrono::hours soon);
/// Problems of a client certificate: parses, not expiring, chains to `caFile` (when given),
/// and `keyFile` (when given) is its private key.
std::vector<std::string> checkClientCertificate(const std::string& certFile, const std::string& caFile,
                                                const std::string& keyFile,
                                                std::chrono::system_clock::time_point now, std::chrono::hours soon);

}  // namespace creditgw::cli
