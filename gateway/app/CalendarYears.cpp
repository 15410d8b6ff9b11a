#include "CalendarYears.h"

#include <filesystem>
#include <iostream>

#include "CommandLine.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw::cli {

namespace fs = std::filesystem;

namespace {

std::string originOf(const std::string& file, const std::string& shipped, const std::string& local, int year) {
    if (fs::path(file).parent_path() != fs::path(local)) return "shipped";
    return fs::exists(shipped + "/" + std::to_string(year) + ".json") ? "local, replaces the shipped file" : "local";
}

}  // namespace

int calendarYearsCommand(const GatewaySettings& settings) {
    std::string shipped = settings.dataDir + "/data/holidays";
    auto calendar = WorkingDayCalendar::loadWithLocal(shipped);
    if (!calendar) return reportFailure(calendar.status());
    std::string local = WorkingDayCalendar::localDirectory();
    for (const auto& [year, file] : calendar->knownYears())
        std::cout << year << "  " << file << "  (" << originOf(file, shipped, local, year) << ")\n";
    std::cout << "local holiday folder: " << local
              << (fs::is_directory(local) ? "" : " (not present)") << "  [CREDITGW_HOLIDAYS_DIR overrides]\n";
    int next = CivilDate::todayInShanghai().year + 1;
    if (!calendar->knowsYear(next))
        std::cout << "note: " << next << " is not known: deadlines that run into it are provisional (暂定, earliest "
                  << "possible date) in warnings and not judged in statistics; when the State Council notice is "
                  << "out, add " << local << "/" << next << ".json (same format as data/holidays/)\n";
    return kOk;
}

}  // namespace creditgw::cli
