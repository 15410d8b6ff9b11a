#include "OptionTable.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace creditgw::cli {

namespace fs = std::filesystem;

namespace {

using Options = std::vector<OptionSpec>;

OptionSpec flag(std::string name, std::string help) { return {std::move(name), "", std::move(help), OptionValues::Any, {}}; }

OptionSpec value(std::string name, std::string valueName, std::string help,
                 OptionValues values = OptionValues::Any, std::vector<std::string> choices = {}) {
    return {std::move(name), std::move(valueName), std::move(help), values, std::move(choices)};
}

Options joined(std::initializer_list<Options> groups) {
    Options all;
    for (const auto& group : groups) all.insert(all.end(), group.begin(), group.end());
    return all;
}

// Where the data, plugins and store are (gatewaySettings), with their environment fallbacks.
const Options kPlaces = {
    value("data-dir", "DIR", "mappings/ and data/holidays/ (env CREDITGW_DATA_DIR; default: the source tree)"),
    value("plugin-dir", "DIR", "plugin .so files (env CREDITGW_PLUGIN_DIR; default: the build tree)"),
    value("store", "FILE", "the SQLite store (env CREDITGW_STORE; default: ./creditgw.db)"),
};

// The reporting authority named in every package head.
const Options kUnit = {
    value("unit-code", "USCC", "统一社会信用代码 of the reporting authority (env CREDITGW_UNIT_CODE)"),
    value("unit-name", "NAME", "name of the reporting authority (env CREDITGW_UNIT_NAME)"),
};

// targetSettings(): how one target is reached.
const Options kDelivery = {
    value("target", "NAME", "the target (default: creditchina)", OptionValues::Targets),
    value("endpoint", "URL", "the platform's upload URL (default: the target profile's)"),
    value("ca", "FILE", "CA certificates that sign the platform's TLS certificate"),
    value("cert", "FILE", "client certificate for mutual TLS"),
    value("key", "FILE", "client certificate's private key (0600)"),
    value("signing-key", "FILE", "SM2 key that signs every batch (0600)"),
    value("signer-id", "ID", "SM2 signer ID (default: 1234567812345678)"),
    value("batch-size", "N", "records per batch (default: 500)"),
    value("max-attempts", "N", "give a batch up after N attempts (default: 0, no limit)"),
    value("retry-hours", "N", "give a batch up after N hours of failures (default: 72)"),
    value("wait", "SECONDS", "how long to wait out retries (default: 600)"),
    value("lease-seconds", "N", "how long a sender holds a batch it is sending (default: 180)"),
    value("timeout", "SECONDS", "bound on one exchange with the platform (default: 60)"),
    value("kinds", "A,B", "only send these kinds (default: every kind the target maps)", OptionValues::KindList),
    value("retry-after-cap", "SECONDS", "longest Retry-After honoured (default: 3600)"),
    value("rate-limit", "N", "at most N batches a minute, evenly spaced; the backlog drains oldest first (default: 0, no limit)"),
    value("channel-dir", "DIR", "filedrop: the 前置机 exchange folder (outbox/, inbox/, done/)"),
    value("channel-peer-key", "FILE", "filedrop: the platform's SM2 public key or certificate (SM4 envelope)"),
    value("channel-db", "CONNECTION", "frontdb: the 前置库 (PostgreSQL connection string, no password)"),
    value("channel-db-password-file", "FILE", "frontdb: the 前置库 password (0600)"),
    value("receipt-timeout", "SECONDS", "filedrop/frontdb: no receipt this long leaves a batch in doubt (default: 3600)"),
    value("receipt-poll", "SECONDS", "filedrop/frontdb: how often a receipt is looked for (default: 2)"),
};

// How a file is read (IngestRequest).
const Options kReading = {
    value("kind", "KIND", "record kind (xk, cf, ...)", OptionValues::Kinds),
    value("input", "FILE", "the file to read (or a .dbsource file)"),
    value("encoding", "ENCODING", "text encoding of a CSV file (utf-8 or gb18030; default utf-8)"),
    value("layout", "FILE", "a source layout, mappings/sources/X.xml"),
    value("source", "NAME", "source plugin (default by extension: .xlsx, .json/.jsonl, .dbsource, else csv)"),
    value("sheet", "NAME|INDEX", "the xlsx sheet (default: the first)"),
};

// statisticsQuery(): which records the figures cover.
const Options kPeriod = {
    value("from", "DATE", "first decision date counted (YYYY-MM-DD)"),
    value("to", "DATE", "last decision date counted (YYYY-MM-DD)"),
    value("as-of", "DATE", "count as if today were DATE (default: today in Asia/Shanghai)"),
    value("kind", "KIND", "only this record kind", OptionValues::Kinds),
    value("department", "NAME", "only this 责任部门"),
    value("days", "N", "working days allowed for 及时率 (default: 7)"),
    value("completeness-threshold", "RATIO", "share of indicators filled for 完整率 (default: 0.6)"),
    value("month", "YYYY-MM", "the records decided in that month (instead of --from/--to)"),
};

const OptionSpec kTargetOption = value("target", "NAME", "the target (default: creditchina)", OptionValues::Targets);

std::vector<CommandOptions> makeTable() {
    std::vector<CommandOptions> table;
    table.push_back({"demo", "",
                     "Runs the whole exchange with no configuration: makes a development PKI in\n"
                     "WORK_DIR/certs, starts the mock platform on 127.0.0.1 (mutual TLS), ingests the\n"
                     "shipped sample records, maps, signs, queues and uploads them, and prints the\n"
                     "上报率 / 合规率 / 及时率 / 完整率 summary and the held records with reasons.\n"
                     "The store stays in WORK_DIR/creditgw.db for `creditgw stats --store ...`.",
                     0,
                     joined({{value("work-dir", "DIR", "where the demo works (default: creditgw-demo)"),
                              value("samples", "DIR", "the sample records (default: DATA_DIR/samples)"),
                              value("as-of", "DATE", "run the demo as if today were DATE")},
                             {kPlaces[0], kPlaces[1]}})});
    table.push_back(
        {"run", "",
         "The daemon. Each cycle: reload changed mapping files (a bad edit keeps the last good\n"
         "mappings and is logged), ingest INBOX/<kind>/*.csv (*.gb18030.csv / *.gbk.csv for GB18030;\n"
         "also *.xlsx, *.json, *.jsonl) once a file has not changed for --settle-seconds, and the\n"
         "routes of INBOX/inbox.xml (or --inbox-config FILE), then map, sign, queue and upload for\n"
         "each target. Stops on SIGTERM/SIGINT; --once runs one cycle. --admin-port serves, on\n"
         "http://127.0.0.1:N/, /health without a token (503 with the reason when a target has dead\n"
         "batches or an old backlog) and, behind the token of --admin-token-file (0600), /status,\n"
         "/metrics (Prometheus), /stats and a Chinese /dashboard. --config FILE takes all of this\n"
         "from one file (docs/creditgw.properties.example; check it with `creditgw config check`).",
         0,
         joined({{value("config", "FILE", "the configuration file (flags and CREDITGW_* override it)"),
                  value("inbox", "DIR", "the inbox folder (required)"),
                  value("targets", "A,B", "targets served (default: --target)", OptionValues::TargetList),
                  flag("once", "run one cycle and exit"),
                  value("interval", "SECONDS", "time between cycles (default: 60)"),
                  value("settle-seconds", "SECONDS", "a file is taken once unchanged this long (default: 10)"),
                  value("admin-port", "N", "serve the admin interface on 127.0.0.1:N"),
                  value("admin-token-file", "FILE", "bearer token of the admin interface (0600)"),
                  value("backlog-alert-seconds", "N", "/health fails once a batch has waited N s (default: 14400)"),
                  value("inbox-config", "FILE", "inbox routes (default: INBOX/inbox.xml)"),
                  value("source", "NAME", "source plugin for INBOX/<kind>/ files (default by extension)"),
                  value("sheet", "NAME|INDEX", "xlsx sheet for INBOX/<kind>/ files"),
                  value("breaker-failures", "N", "stop trying a target after N failed cycles in a row (default: 5)"),
                  value("breaker-open-seconds", "N", "then wait N s before one probe (default: 300)"),
                  value("reports-dir", "DIR", "write last month's workbook per target from the first working day"),
                  value("as-of", "DATE", "today for the monthly reports and reconciliation (default: today in Asia/Shanghai)"),
                  value("reconcile-schedule", "daily|off", "reconcile each target once a day (default: daily)",
                        OptionValues::Choices, {"daily", "off"}),
                  value("log-file", "FILE", "also log to FILE (SIGHUP does not reopen it; it rotates itself)"),
                  value("log-rotation", "SIZE", "rotate the log file at SIZE (default: \"10 M\")"),
                  value("log-keep", "N", "rotated log files kept (default: 10)")},
                 kDelivery, kPlaces, kUnit})});
    table.push_back({"config", "check FILE",
                     "Validates the daemon's configuration file (docs/creditgw.properties.example).\n"
                     "See `creditgw config check --help`.",
                     2, {}});
    table.push_back({"config check", "FILE",
                     "Validates the daemon's configuration file: every key known (did-you-mean otherwise),\n"
                     "files present, keys 0600, certificates parse, chain to the CA and do not expire within\n"
                     "--expiry-days, each key matches its certificate, endpoints are https URLs, schedules\n"
                     "parse, folders exist, numbers in range. CREDITGW_* environment variables override the\n"
                     "file. Prints each problem as FILE:LINE: message (exit 1) or ok (exit 0), then the\n"
                     "effective configuration with secrets masked.",
                     1,
                     {value("as-of", "DATE", "check expiry as if today were DATE (default: today)"),
                      value("expiry-days", "N", "a certificate expiring within N days is a problem (default: 30)")}});
    table.push_back({"check", "uscc|id|orgcode CODE",
                     "Checks a 统一社会信用代码 (uscc, GB 32100-2015), 居民身份证号 (id, GB 11643) or\n"
                     "组织机构代码 (orgcode, GB 11714). Prints \"valid\" and exits 0, or prints why and exits 1.",
                     2, {}});
    table.push_back({"calendar", "deadline DATE | years",
                     "Prints the N-th working day after DATE (DATE is day 0) as YYYY-MM-DD, by the State\n"
                     "Council holiday and 调休 calendar in DATA_DIR/data/holidays. Exits 3 when the calendar\n"
                     "has no data for a year the count runs into. `calendar years` lists the years it knows.",
                     2, {value("days", "N", "working days to count (default: 7)"), kPlaces[0]}});
    table.push_back({"map", "",
                     "Dry run: nothing is stored, queued or sent. Writes DIR/payload.json (the exact bytes\n"
                     "that would be signed, valid records only) and DIR/report.json (counts and every failed\n"
                     "rule of every held record: line, key, field, rule, message). --kind, --input and --out\n"
                     "are required.",
                     0,
                     joined({{kTargetOption, value("out", "DIR", "where payload.json and report.json go")},
                             kReading, kPlaces, kUnit})});
    table.push_back({"ingest", "",
                     "Reads a local export into the record store. Identical records change nothing; changed\n"
                     "ones become new versions. Rows with problems are stored and held with their reasons.\n"
                     "--kind and --input are required.",
                     0, joined({kReading, kPlaces, kUnit})});
    table.push_back({"upload", "",
                     "Maps and validates new records, packs valid ones into batches, signs each batch once\n"
                     "(SM2-with-SM3), commits it to the queue, then sends due batches over mutual TLS and\n"
                     "stores the per-record receipts. Without --once it waits out retries for up to --wait\n"
                     "seconds. --signing-key is required; --endpoint and --ca for https targets, --channel-dir for\n"
                     "filedrop ones, --channel-db for frontdb ones (plugins/filedrop/README.md). Exits 4 when anything failed.",
                     0, joined({{flag("once", "one attempt per due batch, no waiting"),
                                 value("as-of", "DATE", "today for 下线 (default: today in Asia/Shanghai)")},
                                kDelivery, kPlaces, kUnit})});
    table.push_back({"stats", "",
                     "上报率, 合规率, 及时率 and 完整率 by decision date, each with its numerator and\n"
                     "denominator; also per 责任部门 and per kind. --by groups the rates (csv: one row per\n"
                     "group after the \"all\" row); --by field lists each indicator's fill rate, emptiest first.",
                     0,
                     joined({{value("format", "FORMAT", "text, json or csv (default: text)", OptionValues::Choices,
                                    {"text", "json", "csv"}),
                              value("by", "GROUP", "group the rates by department, kind, target, month or field",
                                    OptionValues::Choices, {"department", "kind", "target", "month", "field"}),
                              flag("rebuild", "recount the store's statistics summary from the records, then exit"),
                              kTargetOption},
                             kPeriod, kPlaces})});
    table.push_back({"mapping", "check|test|explain ...",
                     "Tools for the IT staff who edit mappings/:\n"
                     "  check    lints every mapping, code table, profile and layout; exits 1 on any problem\n"
                     "  test     runs the golden cases beside each target; exits 1 on a difference\n"
                     "  explain  shows one record, field by field, with the rule that produced each value\n"
                     "See `creditgw mapping SUBCOMMAND --help`.",
                     -1, joined({kPlaces, kUnit})});
    table.push_back({"mapping check", "[DIR|FILE ...]",
                     "Lints every mapping, code table, profile and layout (default: DATA_DIR/mappings);\n"
                     "each problem as file:line: message; exits 1 on any problem.",
                     -1, joined({kPlaces, kUnit})});
    table.push_back({"mapping test", "",
                     "Runs the golden cases beside each target (mappings/<target>/golden/); exits 1 on a\n"
                     "difference.",
                     0,
                     joined({{kTargetOption, flag("update", "rewrite the expected files after a deliberate change")},
                             kPlaces, kUnit})});
    table.push_back({"mapping explain", "",
                     "Shows, for the record at line N of FILE, each output field with its value, the rule\n"
                     "that produced it and the source value. --target, --kind, --input and --line are required.",
                     0,
                     joined({{kTargetOption, value("line", "N", "the record's line (or xlsx row)")}, kReading,
                             kPlaces, kUnit})});
    table.push_back({"status", "",
                     "Health of the store for one target: records per state (they always add up to the\n"
                     "records ingested), batches per state, and how long the oldest waiting batch has waited.\n"
                     "Exits 1 when any record or batch is dead, so monitoring can alert on it.",
                     0,
                     joined({{kTargetOption, value("format", "FORMAT", "text or json (default: text)",
                                                   OptionValues::Choices, {"text", "json"}),
                              value("config", "FILE", "the daemon's configuration: also print the next run")},
                             kPlaces, kUnit})});
    table.push_back({"requeue", "",
                     "Puts the target's dead records back to ready, to be packed, signed and sent again by\n"
                     "the next `upload` or daemon cycle, once the cause shown by `creditgw report` is fixed.",
                     0, joined({{kTargetOption}, kPlaces, kUnit})});
    table.push_back({"history", "",
                     "The timeline of a record: ingested (file, line), corrected, held (reasons) or ready,\n"
                     "packed (batch), each send attempt (outcome, HTTP status), accepted / rejected (code),\n"
                     "revoked, withdrawn, discarded. --wsh lists every record of the 决定书 (one per 相对人).\n"
                     "Exits 1 when no record matches.",
                     0,
                     joined({{value("wsh", "文书号", "the decision's 文书号"),
                              value("key", "KEY", "the record key a platform knows it by"),
                              value("target", "NAME", "only that target's events (and those before any target)",
                                    OptionValues::Targets),
                              value("format", "FORMAT", "text or json (default: text)", OptionValues::Choices,
                                    {"text", "json"})},
                             kPlaces, kUnit})});
    table.push_back({"revoke", "",
                     "撤销: each target that accepted the decision's records gets a withdrawal, signed and\n"
                     "queued like a 新增 and sent by the next `upload` or daemon cycle, after any batch still\n"
                     "carrying the record. A revoked record is never sent as 新增 again. Idempotent.\n"
                     "--kind, --wsh and --reason are required.",
                     0,
                     joined({{value("kind", "KIND", "record kind (cf, xk, ...)", OptionValues::Kinds),
                              value("wsh", "文书号", "the revoked decision's 文书号"),
                              value("xdr", "CODE", "only the 相对人 with this 代码 (default: every one)"),
                              value("reason", "TEXT", "why the decision was revoked (kept in history)"),
                              value("basis", "文书号", "the decision that revoked it")},
                             kPlaces, kUnit})});
    table.push_back({"repair", "",
                     "信用修复: each target that accepted the decision's records gets a 终止公示, signed and\n"
                     "queued like a 新增 and sent by the next `upload` or daemon cycle. Refused, with the first\n"
                     "possible day, before the minimum publicity period. Idempotent.\n"
                     "--kind, --wsh, --decided and --basis are required, or --from-platform: the 信用修复\n"
                     "decisions the target's platform announces (GET <endpoint>/repair-notices, mutual TLS).",
                     0,
                     joined({{value("kind", "KIND", "record kind (cf)", OptionValues::Kinds),
                              value("wsh", "文书号", "the penalty decision's 文书号"),
                              value("xdr", "CODE", "only the 相对人 with this 代码 (default: every one)"),
                              value("decided", "DATE", "the day the repair was decided (YYYY-MM-DD)"),
                              value("basis", "文书号", "修复决定文号"),
                              value("as-of", "DATE", "today (default: today in Asia/Shanghai); --decided may not be later"),
                              flag("from-platform", "record the repairs the target's platform announces instead"),
                              value("config", "FILE", "the daemon's configuration: the target's endpoint, CA and keys")},
                             kDelivery, kPlaces, kUnit})});
    table.push_back({"reconcile", "",
                     "对账: asks the platform (GET <endpoint>/records, over the same mutual TLS as uploads) what\n"
                     "it holds of the records decided from --from to --to, and compares it with the store:\n"
                     "  missing               accepted here, not there: the latest version is queued again\n"
                     "  behind                there in another (older) version: the latest version is queued again\n"
                     "  withdrawn_still_held  撤销/下线/终止公示 accepted here, still published there: queued again\n"
                     "  ended_on_platform     published here, ended there by no operation of ours: listed only\n"
                     "  unknown               there, unknown here: listed only, nothing is sent\n"
                     "Re-sends go through the ordinary queue: the next `creditgw upload` (or daemon cycle) packs,\n"
                     "signs and sends them. Running it again before then queues nothing. Each finding is a\n"
                     "`reconciled` history event; the report is kept for `creditgw status`. 身份证号 are masked.\n"
                     "Exits 0 when the platform and the store agree, 1 when anything was found.",
                     0,
                     joined({{value("from", "DATE", "first decision date compared (YYYY-MM-DD; default: open)"),
                              value("to", "DATE", "last decision date compared (YYYY-MM-DD; default: open)"),
                              value("format", "FORMAT", "text or json (default: text)", OptionValues::Choices,
                                    {"text", "json"}),
                              value("limit", "N", "at most N records per list; counts stay whole (default: 0, all)"),
                              value("as-of", "DATE", "the day the run counts for (default: today in Asia/Shanghai)"),
                              value("config", "FILE", "the daemon's configuration: the target's endpoint, CA and keys")},
                             kDelivery, kPlaces, kUnit})});
    table.push_back({"discard", "",
                     "Retires records that should never have existed: they leave every count and are never\n"
                     "sent; history keeps them with the reason. Records a platform accepted or that are\n"
                     "queued are refused unless --force. Discard never withdraws anything from a platform.",
                     0,
                     joined({{value("file", "FILE", "the source file the record was read from"),
                              value("line", "N", "only the record starting at line N of --file"),
                              value("source", "FILE", "every current record read from FILE"),
                              value("reason", "TEXT", "why (kept in history)"),
                              flag("force", "also discard accepted or queued records")},
                             kPlaces, kUnit})});
    table.push_back({"report", "",
                     "Lists, in Chinese: held records (failed validation, never sent), records the platform\n"
                     "rejected and records whose batch was given up, each with file, line and reason; then the\n"
                     "records overdue, accepted late, or at risk of missing the deadline. Totals count every\n"
                     "record; --limit only shortens each list. --format xlsx --month YYYY-MM --out FILE writes\n"
                     "the monthly workbook (sheets 汇总, 逾期, 临期, 不合规).",
                     0,
                     joined({{kTargetOption, value("limit", "N", "at most N records per list (default: 1000)"),
                              value("at-risk-days", "N", "working days left that count as at risk (default: 2)"),
                              value("format", "FORMAT", "text, or xlsx for the monthly workbook (with --month, --out)",
                                    OptionValues::Choices, {"text", "xlsx"}),
                              value("out", "FILE", "the workbook to write (--format xlsx)")},
                             kPeriod, kPlaces, kUnit})});
    table.push_back({"export", "",
                     "Writes the valid records of one kind in the target's template layout (Chinese column\n"
                     "titles), for uploading by hand when the interface is down. Changes no state.\n"
                     "--kind and --out are required.",
                     0,
                     joined({{value("kind", "KIND", "record kind", OptionValues::Kinds),
                              value("format", "FORMAT", "xlsx, csv, xml or json (default: xlsx)",
                                    OptionValues::Choices, {"xlsx", "csv", "xml", "json"}),
                              value("out", "FILE", "the file to write"), kTargetOption,
                              flag("unsent", "only records not yet queued for upload")},
                             kPlaces, kUnit})});
    table.push_back({"mark-submitted", "",
                     "Counts a file made by `creditgw export`, which an officer uploaded by hand, as accepted by\n"
                     "the platform at --accepted-at (Asia/Shanghai time), so 上报率 and 及时率 include it. Only\n"
                     "records still ready or dead are marked; accepted and queued ones are left as they are.\n"
                     "--file and --accepted-at are required.",
                     0,
                     joined({{value("file", "EXPORT", "the file as `creditgw export` wrote it"),
                              value("accepted-at", "YYYY-MM-DDTHH:MM[:SS]", "when the platform accepted the upload")},
                             kPlaces})});
    table.push_back({"batch", "export BATCH_ID",
                     "Writes DIR/payload.bin (the exact signed bytes) and DIR/signature.der of a queued\n"
                     "batch, so the signature can be checked with the stock openssl command (docs/signing.md).",
                     2, joined({{value("out", "DIR", "where the two files go")}, kPlaces, kUnit})});
    table.push_back({"plugins", "", "Lists the plugins found and why any failed to load.", 0,
                     joined({kPlaces, kUnit})});
    table.push_back({"mock-platform", "",
                     "Runs the local stand-in for 信用中国 on 127.0.0.1 until interrupted (Ctrl-C). See\n"
                     "docs/mock-platform.md for the protocol and its checks. --cert, --key, --ca and\n"
                     "--signer-cert are required.",
                     0,
                     {value("cert", "FILE", "server certificate"), value("key", "FILE", "server key"),
                      value("ca", "FILE", "CA that signs client certificates"),
                      value("signer-cert", "FILE", "the gateway's SM2 signing certificate"),
                      value("port", "N", "port on 127.0.0.1 (default: 8443)"),
                      value("state", "FILE", "keep accepted batches in FILE across restarts"),
                      value("lose-share", "RATIO", "test mode: accept this share of records but keep none of them "
                                                   "(0 to 1, default 0), for `creditgw reconcile`"),
                      flag("no-client-cert", "do not require a client certificate")}});
    for (auto& command : table) command.options.push_back(flag("help", "this text"));
    return table;
}

// Folders of DATA_DIR/mappings that hold a profile.xml (targets), or files of mappings/kinds.
std::vector<std::string> knownNames(const std::string& dataDir, OptionValues values) {
    std::vector<std::string> names;
    std::error_code ec;
    bool kinds = values == OptionValues::Kinds || values == OptionValues::KindList;
    fs::path dir = fs::path(dataDir) / "mappings" / (kinds ? "kinds" : "");
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (kinds && entry.path().extension() == ".xml") names.push_back(entry.path().stem().string());
        if (!kinds && fs::exists(entry.path() / "profile.xml", ec)) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string listed(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

// One value of a closed option; the known values are listed when it is not one of them.
Status checkOneValue(const OptionSpec& spec, const std::string& text, const std::string& dataDir) {
    std::vector<std::string> known =
        spec.values == OptionValues::Choices ? spec.choices : knownNames(dataDir, spec.values);
    // Without a readable mappings folder the command itself says what is wrong with --data-dir.
    if (known.empty() || std::find(known.begin(), known.end(), text) != known.end()) return Status::ok();
    const char* what = spec.values == OptionValues::Kinds ? "kind"
                       : spec.values == OptionValues::Choices ? "value"
                                                              : "target";
    std::string message = "--" + spec.name + ": unknown " + what + " \"" + text + "\"";
    std::string suggestion = closestMatch(text, known);
    if (!suggestion.empty()) message += "; did you mean " + suggestion + "?";
    return Status::invalidArgument(message + " (known: " + listed(known) + ")");
}

Status checkValue(const OptionSpec& spec, const std::string& text, const std::string& dataDir) {
    if (spec.values == OptionValues::Any) return Status::ok();
    if (spec.values != OptionValues::TargetList && spec.values != OptionValues::KindList)
        return checkOneValue(spec, text, dataDir);
    OptionSpec one = spec;
    one.values = spec.values == OptionValues::KindList ? OptionValues::Kinds : OptionValues::Targets;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = std::min(text.find(',', start), text.size());
        std::string name = text.substr(start, comma - start);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!name.empty()) {
            Status checked = checkOneValue(one, name, dataDir);
            if (!checked) return checked;
        }
        start = comma + 1;
    }
    return Status::ok();
}

Status unknownOption(const CommandOptions& command, const std::string& option) {
    std::vector<std::string> names;
    for (const auto& spec : command.options) names.push_back(spec.name);
    std::string message = "unknown option " + option;
    std::string name = option.substr(option.find_first_not_of('-'));
    std::string suggestion = closestMatch(name, names);
    if (!suggestion.empty()) return Status::invalidArgument(message + "; did you mean --" + suggestion + "?");
    std::string known;
    for (const auto& spec : command.options) known += (known.empty() ? "--" : ", --") + spec.name;
    return Status::invalidArgument(message + "; creditgw " + command.name + " takes " + known);
}

}  // namespace

const OptionSpec* CommandOptions::find(const std::string& option) const {
    for (const auto& spec : options)
        if (spec.name == option) return &spec;
    return nullptr;
}

const std::vector<CommandOptions>& allCommandOptions() {
    static const std::vector<CommandOptions> table = makeTable();
    return table;
}

const CommandOptions* commandOptions(const std::string& command, const std::string& subcommand) {
    const CommandOptions* plain = nullptr;
    for (const auto& entry : allCommandOptions()) {
        if (!subcommand.empty() && entry.name == command + " " + subcommand) return &entry;
        if (entry.name == command) plain = &entry;
    }
    return plain;
}

const CommandOptions* commandOptionsFor(int argc, char** argv) {
    if (argc < 2) return nullptr;
    std::string subcommand = argc > 2 && argv[2][0] != '-' ? argv[2] : "";
    return commandOptions(argv[1], subcommand);
}

std::string helpText(const CommandOptions& command) {
    std::string text = "Usage: creditgw " + command.name + (command.synopsis.empty() ? "" : " " + command.synopsis) +
                       " [OPTIONS]\n" + command.description + "\n\nOptions:\n";
    for (const auto& spec : command.options) {
        std::string left = "  --" + spec.name + (spec.isFlag() ? "" : " " + spec.valueName);
        text += left + std::string(left.size() < 30 ? 30 - left.size() : 1, ' ') + spec.help + "\n";
    }
    return text;
}

Result<CommandLineCheck> checkCommandLine(const CommandOptions& command, int argc, char** argv, int first,
                                          const std::string& dataDir) {
    CommandLineCheck check;
    int positional = 0;
    // The subcommand word itself is not one of the subcommand's plain arguments.
    if (command.name.find(' ') != std::string::npos) ++first;
    std::vector<std::pair<const OptionSpec*, std::string>> values;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            check.help = true;
            continue;
        }
        if (arg.size() < 2 || arg[0] != '-' || arg == "--") {
            ++positional;
            continue;
        }
        std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
        auto equals = name.find('=');
        std::string key = name.substr(0, equals);
        const OptionSpec* spec = arg[1] == '-' ? command.find(key) : nullptr;
        if (!spec) return unknownOption(command, arg.substr(0, arg.find('=')));
        // Given twice, the last one counts (as Arguments reads it): scripts override a default
        // by appending, the common convention.
        if (spec->isFlag()) {
            if (equals != std::string::npos) return Status::invalidArgument("--" + key + " takes no value");
            continue;
        }
        if (equals != std::string::npos) values.emplace_back(spec, name.substr(equals + 1));
        else if (i + 1 < argc) values.emplace_back(spec, argv[++i]);
        else return Status::invalidArgument("option --" + key + " needs a value (" + spec->valueName + ")");
    }
    if (check.help) return check;
    if (command.maxPositional >= 0 && positional > command.maxPositional)
        return Status::invalidArgument("creditgw " + command.name + " takes " +
                                       (command.maxPositional == 0 ? std::string("no plain arguments")
                                                                   : "at most " + std::to_string(command.maxPositional) +
                                                                         " plain arguments (" + command.synopsis + ")") +
                                       ", got " + std::to_string(positional));
    for (const auto& [spec, text] : values) {
        Status checked = checkValue(*spec, text, dataDir);
        if (!checked) return checked;
    }
    return check;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
    // Optimal string alignment: insertions, deletions, substitutions, adjacent swaps.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t bestDistance = 0;
    for (const auto& candidate : candidates) {
        std::size_t distance = editDistance(word, candidate);
        if (best.empty() || distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    // A likely typo: at most a third of the longer word wrong, and never more than 3 edits.
    std::size_t longer = std::max(word.size(), best.size());
    return !best.empty() && bestDistance <= std::min<std::size_t>(3, std::max<std::size_t>(1, longer / 3)) ? best
                                                                                                            : "";
}

}  // namespace creditgw::cli
