#include "creditgw/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace creditgw {

namespace {

Status ioError(const std::string& what, const std::string& path) {
    return Status::transient(what + " " + path + ": " + std::strerror(errno) +
                             " (check the folder exists, is writable by creditgw and the disk has room)");
}

/// write() until all is written (a write may be short).
bool writeAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

Status syncDirectory(const std::string& directory) {
    int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ioError("cannot open folder", directory);
    int synced = ::fsync(fd);
    ::close(fd);
    if (synced != 0) return ioError("cannot fsync folder", directory);
    return Status::ok();
}

Status writeFileAtomically(const std::string& directory, const std::string& name, std::string_view bytes) {
    if (name.empty() || name[0] == '.' || name.find('/') != std::string::npos)
        return Status::invalidArgument("file name \"" + name + "\" must not be empty, start with '.' or hold '/'");
    const std::string temp = directory + "/." + name + ".part";
    const std::string final = directory + "/" + name;
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return ioError("cannot create", temp);
    bool written = writeAll(fd, bytes) && ::fsync(fd) == 0;
    Status outcome = written ? Status::ok() : ioError("cannot write", temp);
    if (::close(fd) != 0 && written) outcome = ioError("cannot close", temp);
    if (outcome) {
        if (::rename(temp.c_str(), final.c_str()) == 0) return syncDirectory(directory);
        outcome = ioError("cannot rename into place", final);
    }
    ::unlink(temp.c_str());
    return outcome;
}

Status moveFileDurably(const std::string& directory, const std::string& name, const std::string& toDirectory) {
    const std::string from = directory + "/" + name;
    const std::string to = toDirectory + "/" + name;
    if (::rename(from.c_str(), to.c_str()) != 0) {
        if (errno == ENOENT) return Status::notFound(from + ": not found");
        return ioError("cannot move to " + to + ":", from);
    }
    if (Status s = syncDirectory(toDirectory); !s) return s;
    return syncDirectory(directory);
}

}  // namespace creditgw
