// `creditgw check …` and `creditgw calendar …`: answers that need no store.

#include <iostream>

#include "CalendarYears.h"
#include "CommandLine.h"
#include "creditgw/CodeChecks.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw::cli {

int checkCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    if (args.flag("help") || args.positional().size() != 2) {
        (args.flag("help") ? std::cout : std::cerr)
            << "Usage: creditgw check uscc|id|orgcode CODE\n"
               "  uscc     统一社会信用代码 (GB 32100-2015)\n"
               "  id       居民身份证号 (GB 11643)\n"
               "  orgcode  组织机构代码 (GB 11714)\n"
               "Prints \"valid\" and exits 0, or prints why and exits 1.\n";
        return args.flag("help") ? kOk : kUsage;
    }
    const std::string& what = args.positional()[0];
    const std::string& code = args.positional()[1];
    CodeCheck check;
    if (what == "uscc") check = checkUscc(code);
    else if (what == "id") check = checkIdCard(code);
    else if (what == "orgcode") check = checkOrgCode(code);
    else {
        std::cerr << "creditgw check: unknown code type \"" << what << "\"; use uscc, id or orgcode\n";
        return kUsage;
    }
    if (check.valid) {
        std::cout << "valid\n";
        return kOk;
    }
    std::cout << "invalid: " << check.reason << "\n";
    return kInvalid;
}

int calendarCommand(int argc, char** argv) {
    Arguments args(argc, argv, 2, {"help"});
    if (!args.flag("help") && args.positional().size() == 1 && args.positional()[0] == "years")
        return calendarYearsCommand(gatewaySettings(args));
    if (args.flag("help") || args.positional().size() != 2 || args.positional()[0] != "deadline") {
        (args.flag("help") ? std::cout : std::cerr)
            << "Usage: creditgw calendar deadline DATE [--days N] [--data-dir DIR]\n"
               "       creditgw calendar years [--data-dir DIR]\n"
               "deadline: prints the N-th working day after DATE (default N = 7; DATE is day 0) as\n"
               "YYYY-MM-DD, by the State Council holiday and 调休 calendar in DATA_DIR/data/holidays\n"
               "and the local folder (/etc/creditgw/holidays, or $CREDITGW_HOLIDAYS_DIR), whose\n"
               "<year>.json files add years or replace shipped ones.\n"
               "Exits 3 when the calendar has no data for a year the count runs into.\n"
               "years: lists the known years and the file each comes from.\n";
        return args.flag("help") ? kOk : kUsage;
    }
    auto date = CivilDate::parse(args.positional()[1]);
    if (!date) {
        std::cerr << "creditgw calendar: \"" << args.positional()[1] << "\" is not a date (use YYYY-MM-DD)\n";
        return kInvalid;
    }
    int days = 0;
    try {
        days = std::stoi(args.option("days", "7"));
    } catch (const std::exception&) {
        std::cerr << "creditgw calendar: --days needs a whole number\n";
        return kUsage;
    }
    GatewaySettings settings = gatewaySettings(args);
    auto calendar = WorkingDayCalendar::loadWithLocal(settings.dataDir + "/data/holidays");
    if (!calendar) return reportFailure(calendar.status());
    auto deadline = calendar->deadline(*date, days);
    if (!deadline) return reportFailure(deadline.status());
    std::cout << deadline->toIso() << "\n";
    return kOk;
}

}  // namespace creditgw::cli
