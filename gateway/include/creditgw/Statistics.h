#pragma once
// The four rates an authority is judged on (domain.md §5), each with the counts it is made of.
//   上报率 reporting   = accepted / must report
//   合规率 compliance  = accepted without a validation rejection / submitted (had a receipt)
//   及时率 timeliness  = accepted by the deadline / (must report − still within deadline)
//   完整率 completeness = submitted with ≥ threshold of the indicators filled / submitted
// Periods select records by decision date. A rate whose denominator is 0 is undefined (null).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "creditgw/CivilDate.h"
#include "creditgw/RecordStore.h"
#include "creditgw/WithdrawalDeadlines.h"
#include "creditgw/WorkingDayCalendar.h"

namespace creditgw {

struct StatisticsQuery {
    std::optional<CivilDate> from, to;  ///< inclusive decision-date range
    std::string kind;                   ///< "" = all
    std::string department;             ///< "" = all
    int deadlineDays = 7;
    double completenessThreshold = 0.6;  ///< "60%以上" includes 60%
    CivilDate today;                     ///< Asia/Shanghai, decides which deadlines have passed
};

struct RateCounts {
    std::size_t mustReport = 0;   ///< decided in the period (held ones included)
    std::size_t accepted = 0;
    std::size_t rejected = 0;
    std::size_t held = 0;         ///< failed the gateway's validation; not sent
    std::size_t inProgress = 0;   ///< ready, queued or unmapped
    std::size_t dead = 0;         ///< gave up sending; needs an operator
    std::size_t submitted = 0;    ///< accepted + rejected
    std::size_t compliant = 0;    ///< accepted and never rejected
    std::size_t onTime = 0;
    std::size_t late = 0;         ///< accepted after the deadline, or not accepted and past it
    std::size_t pendingWithinDeadline = 0;
    std::size_t deadlineUnknown = 0;  ///< the calendar lacks the year; excluded, never guessed
    std::size_t complete = 0;

    std::optional<double> reportingRate() const;
    std::optional<double> complianceRate() const;
    std::optional<double> timelinessRate() const;
    std::optional<double> completenessRate() const;
    std::size_t timelinessDenominator() const { return onTime + late; }
};

struct StatisticsReport {
    std::string target;
    StatisticsQuery query;
    RateCounts total;
    std::map<std::string, RateCounts> byDepartment;
    std::map<std::string, RateCounts> byKind;
    std::size_t undated = 0;  ///< records without a valid decision date (cannot be placed)
    std::vector<std::string> missingYears;  ///< calendar years that made deadlines unknown
    /// 撤销及时率, when the caller counted it (withdrawalsFor): selected by revocation day.
    std::optional<WithdrawalCounts> withdrawals;
};

/// The query's selection applied to operations: its range picks revocation days.
OperationSelection operationSelection(const StatisticsQuery& query);

/// {"target", "records", "by_state", "batches", "oldest_waiting_batch_seconds", "last_error"}.
std::string targetHealthJson(const TargetHealth& health);

/// A delivery state as compliance officers read it: held → 暂存（校验未通过，未报送）, …
std::string deliveryStateInChinese(const std::string& state);

/// A record the compliance officer should look at for the 7-working-day rule.
struct DeadlineItem {
    enum class Status { Overdue, AcceptedLate, AtRisk };
    Status status;
    DeliveryFact fact;
    CivilDate deadline;
    int workingDaysLeft = 0;  ///< AtRisk: working days after today up to the deadline
    /// 暂定: the count runs into a year without holiday data, so `deadline` is the earliest it
    /// could be (those days all counted as working days) and `workingDaysLeft` the fewest left.
    /// Such a record is only ever AtRisk (0 days left once the earliest date has passed): its
    /// lateness is unknown, and the statistics leave it out (deadline_unknown).
    bool provisional = false;
};

/// Overdue (not accepted, deadline passed), accepted late, and at risk (not accepted, due within
/// `atRiskWorkingDays` working days of query.today, or with a provisional deadline), in the
/// query's period; by deadline.
std::vector<DeadlineItem> deadlineWatch(const std::vector<DeliveryFact>& facts, const WorkingDayCalendar& calendar,
                                        const StatisticsQuery& query, int atRiskWorkingDays = 2);
/// The list in Chinese, for `creditgw report`. Each section's title counts all its items; at
/// most `limitPerSection` are listed, with a line saying how many were left out.
std::string deadlineWatchToChineseText(const std::vector<DeadlineItem>& items,
                                       std::size_t limitPerSection = static_cast<std::size_t>(-1));

StatisticsReport computeStatistics(const std::string& target, const std::vector<DeliveryFact>& facts,
                                   const WorkingDayCalendar& calendar, const StatisticsQuery& query);

namespace statistics_detail {
enum class Timeliness { OnTime, AcceptedLate, Overdue, Pending, Unknown };
struct TimelinessVerdict {
    Timeliness timeliness = Timeliness::Unknown;
    CivilDate deadline;
    std::string unknownReason;  ///< e.g. the calendar's "no holiday data for 2027"
};
}  // namespace statistics_detail

/// computeStatistics one fact at a time, for the store's statistics summary
/// (RecordStore::statisticsFacts), whose groups are read as a stream rather than held. A fact
/// counts fact.records times; its part says which counts it is for. The calendar must outlive it.
class StatisticsAccumulator {
public:
    StatisticsAccumulator(const std::string& target, const WorkingDayCalendar& calendar, const StatisticsQuery& query);
    void add(const DeliveryFact& fact);
    /// The report of everything added; call once.
    StatisticsReport finish();

private:
    RateCounts& departmentCounts(const std::string& department);
    RateCounts& kindCounts(const std::string& kind);

    const WorkingDayCalendar& _calendar;
    StatisticsReport _report;
    std::set<std::string> _missingYears;
    // The last decision day and verdict, reused while they repeat (the summary's order).
    std::string _lastDate;
    std::optional<CivilDate> _lastDecided;
    std::optional<std::string> _verdictFor;
    bool _verdictAccepted = false;
    statistics_detail::TimelinessVerdict _verdict;
    std::pair<const std::string, RateCounts>* _lastDepartment = nullptr;
    std::pair<const std::string, RateCounts>* _lastKind = nullptr;
};

/// computeStatistics over the store's statistics summary (RecordStore::statisticsFacts) for
/// the records of `kinds`: the same report as over deliveryFacts, read in time that depends on
/// the number of groups (days × departments × kinds × outcomes), not of records.
Result<StatisticsReport> summaryStatistics(RecordStore& store, const std::string& target,
                                           const std::vector<std::string>& kinds, const WorkingDayCalendar& calendar,
                                           const StatisticsQuery& query);

/// JSON with reporting_rate, compliance_rate, timeliness_rate, completeness_rate and counts, and
/// withdrawal_timeliness_rate with "withdrawals" when report.withdrawals is set.
std::string statisticsToJson(const StatisticsReport& report);
/// The summary compliance officers read, in Chinese, with numerators and denominators.
std::string statisticsToChineseText(const StatisticsReport& report);

}  // namespace creditgw
