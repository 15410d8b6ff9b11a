#include "creditgw/WorkingDayCalendar.h"

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace creditgw {

namespace fs = std::filesystem;

Result<WorkingDayCalendar> WorkingDayCalendar::loadDirectory(const std::string& directory) {
    if (!fs::is_directory(directory))
        return Status::notFound(directory + ": holiday data directory not found");
    WorkingDayCalendar calendar;
    static const std::regex yearFile(R"(\d{4}\.json)");
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (!std::regex_match(entry.path().filename().string(), yearFile)) continue;
        Status added = calendar.addYearFile(entry.path().string());
        if (!added) return added;
    }
    if (calendar._knownYears.empty())
        return Status::notFound(directory + ": no <year>.json holiday files found");
    return calendar;
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
        for (std::size_t i = 0; i < days->size(); ++i) {
            auto day = days->getObject(static_cast<unsigned>(i));
            std::string dateText = day->getValue<std::string>("date");
            auto date = CivilDate::parseWithPattern(dateText, "yyyy-MM-dd");
            if (!date)
                return Status::invalidArgument(path + ": days[" + std::to_string(i) +
                                               "]: date \"" + dateText + "\" is not a date");
            _listedDays[date->daysSinceEpoch()] = day->getValue<bool>("isOffDay");
        }
        _knownYears.insert(year);
    } catch (const Poco::Exception& e) {
        return Status::invalidArgument(path + ": not a holiday file: " + e.displayText());
    }
    return Status::ok();
}

Result<bool> WorkingDayCalendar::isWorkingDay(const CivilDate& date) const {
    if (!knowsYear(date.year))
        return Status::undecidable("no holiday data for " + std::to_string(date.year) +
                                   ": add data/holidays/" + std::to_string(date.year) +
                                   ".json (State Council notice) before counting working days");
    auto listed = _listedDays.find(date.daysSinceEpoch());
    if (listed != _listedDays.end()) return !listed->second;
    return date.isoWeekday() <= 5;
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

Result<int> WorkingDayCalendar::workingDaysBetween(const CivilDate& from, const CivilDate& to) const {
    int count = 0;
    for (CivilDate day = from.addDays(1); day <= to; day = day.addDays(1)) {
        Result<bool> working = isWorkingDay(day);
        if (!working) return working.status();
        if (*working) ++count;
    }
    return count;
}

}  // namespace creditgw
