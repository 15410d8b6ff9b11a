#include "DaemonLog.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/Formatter.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Message.h>
#include <Poco/SplitterChannel.h>

#include <filesystem>
#include <iostream>

#include "creditgw/CivilDate.h"

namespace creditgw::cli {

namespace {

const char* priorityName(Poco::Message::Priority priority) {
    switch (priority) {
        case Poco::Message::PRIO_FATAL:
        case Poco::Message::PRIO_CRITICAL: return "CRITICAL";
        case Poco::Message::PRIO_ERROR: return "ERROR";
        case Poco::Message::PRIO_WARNING: return "WARNING";
        case Poco::Message::PRIO_NOTICE:
        case Poco::Message::PRIO_INFORMATION: return "INFO";
        default: return "DEBUG";
    }
}

// ISO 8601 with milliseconds and +08:00: the log reads the same on any server.
class ShanghaiFormatter : public Poco::Formatter {
public:
    void format(const Poco::Message& message, std::string& text) override {
        auto instant = std::chrono::system_clock::time_point(
            std::chrono::microseconds(message.getTime().epochMicroseconds()));
        std::string stamp = shanghaiTimestamp(instant);  // 2026-12-02T09:15:00+08:00
        auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(instant.time_since_epoch()).count() % 1000;
        char fraction[8];
        std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(millis));
        stamp.insert(stamp.size() - 6, fraction);
        text = stamp + " " + priorityName(message.getPriority()) + " " + message.getText();
    }
};

Poco::AutoPtr<Poco::SplitterChannel>& splitter() {
    static Poco::AutoPtr<Poco::SplitterChannel> channel = [] {
        Poco::AutoPtr<Poco::SplitterChannel> s = new Poco::SplitterChannel;
        Poco::AutoPtr<Poco::ConsoleChannel> console = new Poco::ConsoleChannel(std::cerr);
        s->addChannel(new Poco::FormattingChannel(new ShanghaiFormatter, console));
        return s;
    }();
    return channel;
}

}  // namespace

Poco::Logger& daemonLogger() {
    static Poco::Logger& log = [] () -> Poco::Logger& {
        Poco::Logger& l = Poco::Logger::get("creditgw.run");
        l.setChannel(splitter());
        l.setLevel("information");
        return l;
    }();
    return log;
}

Status logToFile(const std::string& path, const std::string& rotation, int keep) {
    std::error_code ec;
    auto folder = std::filesystem::absolute(path, ec).parent_path();
    if (!std::filesystem::is_directory(folder, ec))
        return Status::invalidArgument("log file " + path + ": folder " + folder.string() + " does not exist");
    try {
        Poco::AutoPtr<Poco::FileChannel> file = new Poco::FileChannel(path);
        file->setProperty("rotation", rotation);
        file->setProperty("archive", "number");
        file->setProperty("purgeCount", std::to_string(keep));
        file->setProperty("flush", "true");  // a crash must not eat the last lines
        file->open();
        splitter()->addChannel(new Poco::FormattingChannel(new ShanghaiFormatter, file));
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument("log file " + path + ": " + e.displayText());
    }
    daemonLogger();
    return Status::ok();
}

}  // namespace creditgw::cli
