#include "creditgw/WorkingDayCalendar.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace creditgw {

namespace fs = std::filesystem;

std::string WorkingDayCalendar::localDirectory() {
    const char* configured = std::getenv("CREDITGW_HOLIDAYS_DIR");
    return configured && *configured ? configured : "/etc/creditgw/holidays";
}

Result<WorkingDayCalendar> WorkingDayCalendar::loadDirectory(const std::string& directory) {
    WorkingDayCalendar calendar;
    Status added = calendar.addDirectory(directory);
    if (!added) return added;
    if (calendar._years.empty()) return Status::notFound(directory + ": no <year>.json holiday files found");
    return calendar;
}

Result<WorkingDayCalendar> WorkingDayCalendar::loadWithLocal(const std::string& shippedDirectory) {
    auto calendar = loadDirectory(shippedDirectory);
    if (!calendar) return calendar;
    std::string local = localDirectory();
    if (!fs::is_directory(local)) return calendar;
    Status added = calendar->addDirectory(local);
    if (!added) return added;
    return calendar;
}

Status WorkingDayCalendar::addDirectory(const std::string& directory) {
    if (!fs::is_directory(directory)) return Status::notFound(directory + ": holiday data directory not found");
    static const std::regex yearFile(R"(\d{4}\.json)");
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(directory))
        if (std::regex_match(entry.path().filename().string(), yearFile)) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        Status added = addYearFile(file);
        if (!added) return added;
    }
    return Status::ok();
}

Status WorkingDayCalendar::addYearFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::notFound(path + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    try {
        Poco::JSON::Parser parser;
        auto root = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
        int year = root->getValue<int>("year");
        auto days = root->getArray("days");
        if (!days) return Status::invalidArgument(path + ": no \"days\" array");
        YearData data{path, {}};
        for (std::size_t i = 0; i < days->size(); ++i) {
            auto day = days->getObject(static_cast<unsigned>(i));
            if (!day) return Status::invalidArgument(path + ": days[" + std::to_string(i) + "] is not an object");
            std::string dateText = day->getValue<std::string>("date");
            auto date = CivilDate::parseWithPattern(dateText, "yyyy-MM-dd");
            if (!date)
                return Status::invalidArgument(path + ": days[" + std::to_string(i) +
                                               "]: date \"" + dateText + "\" is not a date");
            if (date->year != year && !(date->year == year - 1 && date->month == 12))
                return Status::invalidArgument(path + ": days[" + std::to_string(i) + "]: date " + dateText +
                                               " is neither in " + std::to_string(year) + " nor in the December before");
            data.listed[date->daysSinceEpoch()] = day->getValue<bool>("isOffDay");
        }
        _years[year] = std::move(data);
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument(path + ": not a holiday file: " + e.displayText());
    }
    return Status::ok();
}

std::vector<std::pair<int, std::string>> WorkingDayCalendar::knownYears() const {
    std::vector<std::pair<int, std::string>> years;
    for (const auto& [year, data] : _years) years.emplace_back(year, data.source);
    return years;
}

bool WorkingDayCalendar::workingOrAssumed(const CivilDate& date, bool unknownIsWorking) const {
    if (!knowsYear(date.year)) return unknownIsWorking;
    long long day = date.daysSinceEpoch();
    // The date's own year decides; a December day may also be listed by the next year's notice.
    for (int year : {date.year, date.year + 1}) {
        auto data = _years.find(year);
        if (data == _years.end()) continue;
        auto listed = data->second.listed.find(day);
        if (listed != data->second.listed.end()) return !listed->second;
    }
    return date.isoWeekday() <= 5;
}

Result<bool> WorkingDayCalendar::isWorkingDay(const CivilDate& date) const {
    if (!knowsYear(date.year))
        return Status::undecidable("no holiday data for " + std::to_string(date.year) + ": put the State Council notice's days in " +
                                   localDirectory() + "/" + std::to_string(date.year) +
                                   ".json (same format as data/holidays/) before counting working days");
    return workingOrAssumed(date, false);
}

Result<CivilDate> WorkingDayCalendar::deadline(const CivilDate& decision, int workingDays) const {
    if (!decision.isValid()) return Status::invalidArgument("not a valid date");
    if (workingDays < 0) return Status::invalidArgument("working days must be >= 0");
    CivilDate day = decision;
    for (int counted = 0; counted < workingDays;) {
        day = day.addDays(1);
        Result<bool> working = isWorkingDay(day);
        if (!working) return working.status();
        if (*working) ++counted;
    }
    return day;
}

EarliestDeadline WorkingDayCalendar::earliestDeadline(const CivilDate& decision, int workingDays) const {
    EarliestDeadline earliest{decision, false, {}};
    for (int counted = 0; counted < workingDays;) {
        earliest.date = earliest.date.addDays(1);
        if (!knowsYear(earliest.date.year) &&
            (earliest.unknownYears.empty() || earliest.unknownYears.back() != earliest.date.year)) {
            earliest.provisional = true;
            earliest.unknownYears.push_back(earliest.date.year);
        }
        if (workingOrAssumed(earliest.date, true)) ++counted;
    }
    return earliest;
}

Result<int> WorkingDayCalendar::workingDaysBetween(const CivilDate& from, const CivilDate& to) const {
    int count = 0;
    for (CivilDate day = from.addDays(1); day <= to; day = day.addDays(1)) {
        Result<bool> working = isWorkingDay(day);
        if (!working) return working.status();
        if (*working) ++count;
    }
    return count;
}

int WorkingDayCalendar::fewestWorkingDaysBetween(const CivilDate& from, const CivilDate& to) const {
    int count = 0;
    for (CivilDate day = from.addDays(1); day <= to; day = day.addDays(1)) count += workingOrAssumed(day, true);
    return count;
}

}  // namespace creditgw
