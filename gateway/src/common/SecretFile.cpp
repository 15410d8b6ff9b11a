#include "creditgw/SecretFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace creditgw {

namespace {

constexpr off_t kMaxSecretFileBytes = 1 << 20;

/// Closes a descriptor on every return path.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : _fd(fd) {}
    ~FileDescriptor() {
        if (_fd >= 0) ::close(_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return _fd; }

private:
    int _fd;
};

std::string octalMode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

const char* fileKind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a named pipe";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

/// Turns a failed open/stat into the Status the contract promises.
Status systemError(const std::string& path, int error) {
    if (error == ENOENT || error == ENOTDIR)
        return Status::notFound(path + ": private key file not found; check the path in the "
                                       "configuration");
    if (error == EACCES)
        return Status::permanent(path + ": permission denied; the key must be owned by the user "
                                        "the gateway runs as, with mode 0600");
    return Status::permanent(path + ": cannot open private key file: " + std::strerror(error));
}

/// The rules shared by both entry points, applied to an already obtained stat.
Status checkStat(const std::string& path, const struct stat& info) {
    if (!S_ISREG(info.st_mode))
        return Status::permanent(path + ": " + fileKind(info.st_mode) +
                                 "; a private key must be a regular file with mode 0600");
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return Status::permanent(path + ": permissions " + octalMode(info.st_mode) +
                                 " are too open; a private key must be 0600: run chmod 600 " +
                                 path);
    if (info.st_size > kMaxSecretFileBytes)
        return Status::permanent(path + ": " + std::to_string(info.st_size) +
                                 " bytes is too large for a private key file (limit 1 MiB); "
                                 "check that the path names the key, not another file");
    return Status::ok();
}

}  // namespace

Status checkSecretFilePermissions(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return systemError(path, errno);
    return checkStat(path, info);
}

Result<std::string> readSecretFile(const std::string& path) {
    // O_NONBLOCK so that a named pipe put in place of the key cannot hang start-up before the
    // fstat below refuses it; it changes nothing for regular files.
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) return systemError(path, errno);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return systemError(path, errno);
    if (Status checked = checkStat(path, info); !checked) return checked;

    std::string bytes;
    bytes.resize(static_cast<size_t>(info.st_size));
    size_t filled = 0;
    while (filled < bytes.size()) {
        ssize_t n = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return Status::permanent(path + ": cannot read private key file: " +
                                     std::strerror(errno));
        if (n == 0) break;  // shrank since fstat: keep what is there, the parser will judge it
        filled += static_cast<size_t>(n);
    }
    bytes.resize(filled);
    return bytes;
}

}  // namespace creditgw
