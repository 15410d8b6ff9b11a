#pragma once
// Private-key files: read only when no one but the owner can read or write them, the way ssh
// treats its identity files. The gateway runs unattended for years; a key that slipped to 0644
// during a copy must stop the start-up loudly rather than keep signing with a leaked key.

#include <string>

#include "creditgw/Status.h"

namespace creditgw {

/// Reads a private-key file. Fails with Permanent when the path is not a regular file, or is
/// readable or writable by group/others (message: "<path>: permissions 0644 are too open; a
/// private key must be 0600: run chmod 600 <path>"), NotFound when missing. Never puts the
/// file's contents in any message.
///
/// Any group/other bit (mode & 077, execute included) counts as too open. Symbolic links are
/// followed (secret stores mount keys as links) and the checks apply to the file they reach; the
/// checks and the read use the same open descriptor, so the file cannot be swapped in between.
/// Files over 1 MiB are refused as Permanent: no key is that large, and reading one whole would
/// be a mistake. The caller owns the returned bytes and should wipe them (OPENSSL_cleanse) once
/// parsed. Thread-safe.
Result<std::string> readSecretFile(const std::string& path);

/// The permission check alone (for keys handed to other libraries, e.g. TLS).
/// Same rules and messages as readSecretFile; does not read the contents. Thread-safe.
Status checkSecretFilePermissions(const std::string& path);

}  // namespace creditgw
