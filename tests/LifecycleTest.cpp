// A record's whole life (issue 6), through the real creditgw binary, real plugins, a real
// SQLite store and the real mock platform over mutual TLS on 127.0.0.1: placeholder codes are
// never an identity, a wrong --encoding is refused, and every state change is in the history.

#include <gtest/gtest.h>

#include <regex>

#include <Poco/JSON/Parser.h>

#include "TestSupport.h"
#include "creditgw/CivilDate.h"
#include "creditgw/MockPlatform.h"

using namespace creditgw;
using creditgw::test::CommandResult;
using creditgw::test::runCommand;

namespace {

const char* kHeader =
    "CF_XDR_MC,CF_XDR_LB,CF_XDR_SHXYM,CF_XDR_GSZC,CF_FRDB,CF_XDR_ZJLX,CF_XDR_ZJHM,CF_WSH,CF_WFXW,CF_SY,CF_YJ,"
    "CF_CFLB,CF_NR,CF_NR_FK,CF_JDRQ,CF_YXQ,CF_CFJG,CF_CFJGDM,CF_SJLY,CF_SJLYDM,ZRBM\n";

struct Party {
    std::string name, category, uscc, registration, legal, idNumber;
};

std::string row(const Party& p, const std::string& docNumber) {
    std::string idType = p.idNumber.empty() ? "" : "身份证";
    return p.name + "," + p.category + "," + p.uscc + "," + p.registration + "," + p.legal + "," + idType + "," +
           p.idNumber + "," + docNumber +
           ",超限运输,车货总重超过限定标准,《公路法》第七十六条,罚款,罚款2000元,0.2,2026-11-20,2027-11-20,"
           "示范市交通运输局,11100000000019713D,示范市交通运输局,11100000000019713D,执法一大队\n";
}

const Party kCompany{"示范市顺达物流有限公司", "法人及非法人组织", "914403001922038216", "", "李明", ""};
const Party kBadCode{"示范市坏码运输有限公司", "法人及非法人组织", "914403001922038217", "", "钱亮", ""};
const Party kRejected{"测试运输有限公司", "法人及非法人组织", "914403001922038216", "", "孙丽", ""};
// Two 个体工商户 without a USCC, named in one 决定书.
const Party kTraderA{"示范市张记货运部", "个体工商户", "00000000000000000X", "370100600012345", "张三", ""};
const Party kTraderB{"示范市李记货运部", "个体工商户", "00000000000000000X", "370100600067890", "李四", ""};

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

class LifecycleTest : public ::testing::Test {
protected:
    void SetUp() override {
        certs = creditgw::test::devCertsDir();
        config = creditgw::test::devMockPlatformConfig();
        config.clockOverride = "2026-11-23T10:00:00+08:00";
        platform = std::make_unique<MockPlatform>(config);
        ASSERT_TRUE(platform->start());
    }

    CommandResult gw(const std::string& arguments) {
        return runCommand(std::string(CREDITGW_BINARY) + " " + arguments + " --store " + dir.file("store.db"));
    }

    std::string uploadArgs(const std::string& signingKey = "") {
        return "upload --unit-code 11371300MB20260018 --unit-name 示范市交通运输局 --endpoint " + platform->endpoint() +
               " --ca " + certs + "/ca.pem --cert " + certs + "/client.pem --key " + certs + "/client.key --signing-key " +
               (signingKey.empty() ? certs + "/signing.key" : signingKey);
    }

    void writeCsv(const std::string& rows) { creditgw::test::writeFile(dir.file("cf.csv"), std::string(kHeader) + rows); }

    // The events of one record of `history --format json`, as "event|detail" lines.
    static std::vector<std::string> eventsOf(const Poco::JSON::Object::Ptr& record) {
        std::vector<std::string> out;
        auto events = record->getArray("events");
        for (std::size_t i = 0; i < events->size(); ++i) {
            auto e = events->getObject(static_cast<unsigned>(i));
            out.push_back(e->getValue<std::string>("event") + "|" + e->getValue<std::string>("detail"));
        }
        return out;
    }

    static std::vector<std::string> namesOf(const std::vector<std::string>& events) {
        std::vector<std::string> out;
        for (const auto& e : events) out.push_back(e.substr(0, e.find('|')));
        return out;
    }

    creditgw::test::ScratchDir dir{"lifecycle"};
    std::string certs;
    MockPlatformConfig config;
    std::unique_ptr<MockPlatform> platform;
};

}  // namespace

TEST_F(LifecycleTest, TwoSoleTradersWithThePlaceholderCodeInOneDecisionAreTwoRecords) {
    writeCsv(row(kTraderA, "示交罚〔2026〕7号") + row(kTraderB, "示交罚〔2026〕7号"));
    CommandResult ingest = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    ASSERT_EQ(ingest.exitCode, 0) << ingest.output;
    EXPECT_NE(ingest.output.find("rows 2, new 2, new versions 0"), std::string::npos) << ingest.output;

    CommandResult status = gw("status --format json");
    ASSERT_EQ(status.exitCode, 0) << status.output;
    auto health = parseObject(status.output);
    EXPECT_EQ(health->getValue<int>("records"), 2);
    EXPECT_EQ(health->getObject("by_kind")->getValue<int>("cf"), 2) << status.output;

    // Both are sent, under two keys. The mock platform's own rule 6 then refuses the second
    // 文书号 (E302, docs/mock-platform.md), as the samples' planted defect expects.
    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_NE(upload.output.find("queued 2 records"), std::string::npos) << upload.output;
    EXPECT_EQ(platform->counters().accepted + platform->counters().rejected, 2u) << upload.output;
}

TEST_F(LifecycleTest, ARecordIdentifiedByItsNameAloneKeepsItsIdentityWhenCorrected) {
    // No USCC and no 证件号码 (the database source of DatabaseSourcePluginTest): the name is not
    // part of the identity, so a changed name is a correction, not a new record.
    Party nameOnly{"示范市无码运输队", "法人及非法人组织", "", "", "周八", ""};
    writeCsv(row(nameOnly, "示交罚〔2026〕8号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    nameOnly.name = "示范市无码运输队（更名）";
    writeCsv(row(nameOnly, "示交罚〔2026〕8号"));
    CommandResult again = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    ASSERT_EQ(again.exitCode, 0) << again.output;
    EXPECT_NE(again.output.find("rows 1, new 0, new versions 1"), std::string::npos) << again.output;
}

TEST_F(LifecycleTest, AFileInAnotherEncodingIsRefusedBeforeAnythingIsStored) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kBadCode, "示交罚〔2026〕4号"));
    // Re-encoded by Python's codec, not ours.
    CommandResult converted = runCommand("python3 -c \"import sys; d=open(sys.argv[1],encoding='utf-8').read();"
                                         " open(sys.argv[2],'w',encoding='gb18030').write(d)\" " +
                                         dir.file("cf.csv") + " " + dir.file("cf-gbk.csv"));
    ASSERT_EQ(converted.exitCode, 0) << converted.output;
    CommandResult wrong = gw("ingest --kind cf --input " + dir.file("cf-gbk.csv"));
    EXPECT_EQ(wrong.exitCode, 1) << wrong.output;
    EXPECT_NE(wrong.output.find("2 of 2 rows could not be decoded as utf-8"), std::string::npos) << wrong.output;
    EXPECT_NE(wrong.output.find("--encoding gb18030"), std::string::npos) << wrong.output;
    CommandResult counted = runCommand("sqlite3 " + dir.file("store.db") + " 'SELECT count(*) FROM records'");
    EXPECT_EQ(counted.output, "0\n");

    CommandResult right = gw("ingest --kind cf --encoding gb18030 --input " + dir.file("cf-gbk.csv"));
    ASSERT_EQ(right.exitCode, 0) << right.output;
    EXPECT_NE(right.output.find("rows 2, new 2"), std::string::npos) << right.output;
}

TEST_F(LifecycleTest, HistoryShowsEachStateChangeFromIngestToTheReceipt) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kBadCode, "示交罚〔2026〕4号") +
             row(kRejected, "示交罚〔2026〕5号") + row(kTraderA, "示交罚〔2026〕7号") +
             row(kTraderB, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;

    CommandResult accepted = gw("history --wsh 示交罚〔2026〕1号 --target creditchina --format json");
    ASSERT_EQ(accepted.exitCode, 0) << accepted.output;
    auto records = parseObject(accepted.output)->getArray("records");
    ASSERT_EQ(records->size(), 1u) << accepted.output;
    auto record = records->getObject(0);
    EXPECT_EQ(record->getValue<std::string>("wsh"), "示交罚〔2026〕1号");
    EXPECT_EQ(record->getValue<std::string>("key").rfind("cf-", 0), 0u);
    auto events = eventsOf(record);
    EXPECT_EQ(namesOf(events), (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted"}))
        << accepted.output;
    EXPECT_EQ(events[0], "ingested|" + dir.file("cf.csv") + ":2");
    EXPECT_EQ(events[2].rfind("packed|batch ", 0), 0u) << events[2];
    EXPECT_EQ(events[3], "sent|attempt 1: delivered, HTTP 200");
    std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00)");
    auto first = record->getArray("events")->getObject(0);
    EXPECT_TRUE(std::regex_match(first->getValue<std::string>("at"), iso)) << first->getValue<std::string>("at");
    EXPECT_EQ(first->getValue<std::string>("target"), "");
    EXPECT_EQ(record->getArray("events")->getObject(4)->getValue<std::string>("target"), "creditchina");

    auto held = eventsOf(parseObject(gw("history --wsh 示交罚〔2026〕4号 --format json").output)
                             ->getArray("records")->getObject(0));
    ASSERT_EQ(namesOf(held), (std::vector<std::string>{"ingested", "held"}));
    EXPECT_NE(held[1].find("CF_XDR_SHXYM"), std::string::npos) << held[1];

    auto rejected = eventsOf(parseObject(gw("history --wsh 示交罚〔2026〕5号 --format json").output)
                                 ->getArray("records")->getObject(0));
    ASSERT_EQ(namesOf(rejected), (std::vector<std::string>{"ingested", "ready", "packed", "sent", "rejected"}));
    EXPECT_GT(rejected[4].size(), std::string("rejected|").size()) << "the platform's code and reason";

    auto traders = parseObject(gw("history --wsh 示交罚〔2026〕7号 --format json").output)->getArray("records");
    ASSERT_EQ(traders->size(), 2u) << "one timeline per 相对人";
    EXPECT_NE(traders->getObject(0)->getValue<std::string>("key"), traders->getObject(1)->getValue<std::string>("key"));

    std::string key = record->getValue<std::string>("key");
    CommandResult byKey = gw("history --key " + key);
    ASSERT_EQ(byKey.exitCode, 0) << byKey.output;
    EXPECT_NE(byKey.output.find("已导入"), std::string::npos) << byKey.output;
    EXPECT_NE(byKey.output.find("平台已接收"), std::string::npos) << byKey.output;

    CommandResult unknown = gw("history --wsh 示交罚〔2026〕99号");
    EXPECT_EQ(unknown.exitCode, 1) << unknown.output;
    EXPECT_NE(unknown.output.find("no record with 文书号 示交罚〔2026〕99号"), std::string::npos) << unknown.output;
}

TEST_F(LifecycleTest, HistoryShowsACorrectionAndARefusedSignatureAsDead) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    // A signing key the platform does not know, made by OpenSSL: the platform refuses the
    // signature, a permanent failure.
    CommandResult key = runCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " +
                                   dir.file("stranger.key"));
    ASSERT_EQ(key.exitCode, 0) << key.output;
    CommandResult refused = gw(uploadArgs(dir.file("stranger.key")));
    EXPECT_NE(refused.exitCode, 0) << refused.output;
    Party renamed = kCompany;
    renamed.legal = "李明华";
    writeCsv(row(renamed, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);

    CommandResult history = gw("history --wsh 示交罚〔2026〕1号 --format json");
    ASSERT_EQ(history.exitCode, 0) << history.output;
    auto events = eventsOf(parseObject(history.output)->getArray("records")->getObject(0));
    EXPECT_EQ(namesOf(events),
              (std::vector<std::string>{"ingested", "ready", "packed", "sent", "dead", "corrected"}))
        << history.output;
    EXPECT_NE(events[3].find("attempt 1: "), std::string::npos) << events[3];
    EXPECT_NE(events[3].find("given up"), std::string::npos) << events[3];
    EXPECT_EQ(events[5], "corrected|" + dir.file("cf.csv") + ":2, version 2");
}

TEST_F(LifecycleTest, ADiscardedRecordLeavesTheCountsStaysDiscardedAndKeepsItsHistory) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kBadCode, "示交罚〔2026〕4号") + row(kTraderA, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult discard = gw("discard --file " + dir.file("cf.csv") + " --line 3 --reason 误导入");
    ASSERT_EQ(discard.exitCode, 0) << discard.output;
    EXPECT_NE(discard.output.find("discarded 1 records"), std::string::npos) << discard.output;
    EXPECT_EQ(parseObject(gw("status --format json").output)->getValue<int>("records"), 2);

    CommandResult again = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    EXPECT_NE(again.output.find("new 0, new versions 0, unchanged 3"), std::string::npos) << again.output;
    EXPECT_EQ(parseObject(gw("status --format json").output)->getValue<int>("records"), 2)
        << "reading the same rows again does not bring a discarded record back";
    CommandResult upload = gw(uploadArgs());
    EXPECT_NE(upload.output.find("ready 2, held 0"), std::string::npos) << upload.output;
    EXPECT_EQ(platform->counters().accepted, 2u);

    auto events = eventsOf(parseObject(gw("history --wsh 示交罚〔2026〕4号 --format json").output)
                               ->getArray("records")->getObject(0));
    EXPECT_EQ(events, (std::vector<std::string>{"ingested|" + dir.file("cf.csv") + ":3", "discarded|误导入"}));
}

TEST_F(LifecycleTest, DiscardRefusesAcceptedRecordsUnlessForced) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kBadCode, "示交罚〔2026〕4号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    CommandResult refused = gw("discard --source " + dir.file("cf.csv"));
    EXPECT_EQ(refused.exitCode, 1) << refused.output;
    EXPECT_NE(refused.output.find("nothing discarded"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("cf.csv:2 cf-"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("creditchina accepted"), std::string::npos) << refused.output;
    EXPECT_EQ(parseObject(gw("status --format json").output)->getValue<int>("records"), 2);

    CommandResult forced = gw("discard --source " + dir.file("cf.csv") + " --force --reason 测试文件");
    ASSERT_EQ(forced.exitCode, 0) << forced.output;
    EXPECT_NE(forced.output.find("discarded 2 records"), std::string::npos) << forced.output;
    EXPECT_EQ(parseObject(gw("status --format json").output)->getValue<int>("records"), 0);
    auto stats = parseObject(gw("stats --format json --as-of 2026-11-23").output);
    EXPECT_EQ(stats->getObject("counts")->getValue<int>("must_report"), 0);
    auto events = eventsOf(parseObject(gw("history --wsh 示交罚〔2026〕1号 --format json").output)
                               ->getArray("records")->getObject(0));
    EXPECT_EQ(namesOf(events), (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted", "discarded"}));
    EXPECT_NE(events.back().find("a platform still holds it"), std::string::npos) << events.back();

    EXPECT_EQ(gw("discard --source " + dir.file("other.csv")).exitCode, 1);
    EXPECT_EQ(gw("discard --file " + dir.file("cf.csv")).exitCode, 2) << "--file needs --line";
}

TEST_F(LifecycleTest, ARevokedRecordIsWithdrawnFromThePlatformOnceAndNeverSentAgain) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kTraderA, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(platform->counters().accepted, 2u);
    auto timeline = [&](const std::string& wsh) {
        return parseObject(gw("history --wsh " + wsh + " --format json").output)->getArray("records")->getObject(0);
    };
    std::string revokedKey = timeline("示交罚〔2026〕1号")->getValue<std::string>("key");
    std::string keptKey = timeline("示交罚〔2026〕7号")->getValue<std::string>("key");
    ASSERT_TRUE(platform->holds(revokedKey));

    std::string revoke = "revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 行政复议撤销 --basis 示复决〔2026〕3号";
    CommandResult revoked = gw(revoke);
    ASSERT_EQ(revoked.exitCode, 0) << revoked.output;
    EXPECT_NE(revoked.output.find("revoked 1 records (0 already revoked); withdrawals queued 1"), std::string::npos)
        << revoked.output;
    CommandResult again = gw(revoke);
    EXPECT_NE(again.output.find("revoked 0 records (1 already revoked); withdrawals queued 0"), std::string::npos)
        << again.output;

    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_EQ(platform->counters().withdrawn, 1u) << upload.output;
    EXPECT_FALSE(platform->holds(revokedKey)) << "the platform no longer publishes it";
    EXPECT_TRUE(platform->holds(keptKey));
    EXPECT_EQ(namesOf(eventsOf(timeline("示交罚〔2026〕1号"))),
              (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted", "revoke_queued", "sent",
                                        "revoked"}));

    // A later version of the revoked decision is never sent as 新增.
    Party corrected = kCompany;
    corrected.legal = "李明华";
    writeCsv(row(corrected, "示交罚〔2026〕1号") + row(kTraderA, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult later = gw(uploadArgs());
    ASSERT_EQ(later.exitCode, 0) << later.output;
    EXPECT_NE(later.output.find("ready 0, held 1"), std::string::npos) << later.output;
    EXPECT_FALSE(platform->holds(revokedKey));
    auto events = eventsOf(timeline("示交罚〔2026〕1号"));
    EXPECT_NE(events.back().find("held|revoked"), std::string::npos) << events.back();

    auto counts = parseObject(gw("stats --format json --as-of 2026-11-23").output)->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 2) << "revoked after publication: still counted";
    EXPECT_EQ(counts->getValue<int>("accepted"), 2);

    EXPECT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕99号 --reason x").exitCode, 1);
    EXPECT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕1号").exitCode, 2) << "--reason is required";
}

TEST_F(LifecycleTest, ARecordRevokedBeforeItWasSentIsNeverSent) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    CommandResult revoked = gw("revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 录入错误");
    EXPECT_NE(revoked.output.find("withdrawals queued 0"), std::string::npos) << revoked.output;
    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_EQ(platform->counters().batches, 0u) << upload.output;
    auto events = eventsOf(parseObject(gw("history --wsh 示交罚〔2026〕1号 --format json").output)
                               ->getArray("records")->getObject(0));
    ASSERT_EQ(namesOf(events), (std::vector<std::string>{"ingested", "held"}));
    EXPECT_NE(events[1].find("revoked"), std::string::npos) << events[1];
    auto counts = parseObject(gw("stats --format json --as-of 2026-11-23").output)->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 0) << "revoked before it was ever published";
    EXPECT_EQ(counts->getValue<int>("held"), 0);
}

TEST_F(LifecycleTest, AWithdrawalInterruptedAfterTheSendIsSettledByItsReceiptNotSentTwice) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 行政复议撤销").exitCode, 0);
    CommandResult crashed = runCommand("CREDITGW_FAULT_POINT=after-send " + std::string(CREDITGW_BINARY) + " " +
                                       uploadArgs() + " --timeout 1 --lease-seconds 1 --store " + dir.file("store.db"));
    EXPECT_NE(crashed.exitCode, 0) << crashed.output;
    EXPECT_EQ(platform->counters().withdrawn, 1u) << "the platform had it when the gateway died";
    CommandResult resumed = gw(uploadArgs());  // waits for the crashed sender's 2 s lease, then asks
    ASSERT_EQ(resumed.exitCode, 0) << resumed.output;
    EXPECT_EQ(platform->counters().withdrawn, 1u);
    EXPECT_EQ(platform->counters().batches, 2u) << "the add and the withdrawal, each once";
    auto events = eventsOf(parseObject(gw("history --wsh 示交罚〔2026〕1号 --format json").output)
                               ->getArray("records")->getObject(0));
    EXPECT_EQ(namesOf(events), (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted",
                                                         "revoke_queued", "sent", "revoked"}));
    EXPECT_NE(events[6].find("receipt fetched by query"), std::string::npos) << events[6];
}

TEST_F(LifecycleTest, AStatusFieldSayingRevokedWithdrawsThePublishedRecord) {
    // The v1 export column CF_ZT (0 正常 / 1 撤销), read through the kind's <revocation>.
    auto withStatus = [](const std::string& rows, const std::string& status) {
        std::string out;
        std::size_t start = 0;
        while (start < rows.size()) {
            auto end = rows.find('\n', start);
            out += rows.substr(start, end - start) + "," + status + "\n";
            start = end + 1;
        }
        return out;
    };
    std::string header = std::string(kHeader);
    header.insert(header.size() - 1, ",CF_ZT");
    auto write = [&](const std::string& status) {
        creditgw::test::writeFile(dir.file("cf.csv"),
                                  header + withStatus(row(kCompany, "示交罚〔2026〕1号"), status));
    };
    write("0");
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(platform->counters().accepted, 1u);
    write("1");
    CommandResult ingest = gw("ingest --kind cf --input " + dir.file("cf.csv"));
    EXPECT_NE(ingest.output.find("new versions 1"), std::string::npos) << ingest.output;
    EXPECT_EQ(ingest.output.find("CF_ZT"), std::string::npos) << "the column is read, not ignored: " << ingest.output;
    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_EQ(platform->counters().withdrawn, 1u) << upload.output;
    EXPECT_EQ(platform->counters().accepted, 2u) << "the add and its withdrawal; no second 新增";

    auto record = parseObject(gw("history --wsh 示交罚〔2026〕1号 --format json").output)->getArray("records")->getObject(0);
    EXPECT_FALSE(platform->holds(record->getValue<std::string>("key")));
    auto events = eventsOf(record);
    EXPECT_EQ(namesOf(events), (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted", "corrected",
                                                         "held", "revoke_queued", "sent", "revoked"}))
        << gw("history --wsh 示交罚〔2026〕1号").output;
    EXPECT_NE(events[6].find("revoked"), std::string::npos) << events[6];

    CommandResult again = gw(uploadArgs());
    EXPECT_EQ(platform->counters().withdrawn, 1u) << "idempotent: " << again.output;
}

TEST_F(LifecycleTest, ARevokedRecordWhoseSendWasGivenUpCannotBeRequeued) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(runCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.file("stranger.key"))
                  .exitCode,
              0);
    gw(uploadArgs(dir.file("stranger.key")));  // the platform refuses the signature: dead
    CommandResult revoked = gw("revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 录入错误");
    EXPECT_NE(revoked.output.find("withdrawals queued 0, unsent deliveries held 1"), std::string::npos)
        << revoked.output;
    CommandResult requeue = gw("requeue --target creditchina");
    EXPECT_NE(requeue.output.find("0 dead records are ready"), std::string::npos) << requeue.output;
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    EXPECT_EQ(platform->counters().accepted, 0u);
}

TEST_F(LifecycleTest, AWithdrawalNotMadeWithinThreeWorkingDaysIsListedAsOverdue) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 行政复议撤销").exitCode, 0);
    // Not sent yet. Its deadline is 3 working days after today by the State Council calendar,
    // computed here by the same calendar data through `creditgw calendar`.
    std::string today = CivilDate::todayInShanghai().toIso();
    CommandResult deadline = runCommand(std::string(CREDITGW_BINARY) + " calendar deadline " + today + " --days 3");
    ASSERT_EQ(deadline.exitCode, 0) << deadline.output;
    std::string due = deadline.output.substr(0, 10);

    CommandResult atRisk = gw("report --at-risk-days 3 --as-of " + today);
    EXPECT_NE(atRisk.output.find("撤销临期（即将到期，平台尚未撤下）：1 条"), std::string::npos) << atRisk.output;
    EXPECT_NE(atRisk.output.find("示交罚〔2026〕1号  撤销登记 " + today + "  期限 " + due), std::string::npos)
        << atRisk.output;
    CivilDate after = CivilDate::parse(due)->addDays(1);
    CommandResult overdue = gw("report --as-of " + after.toIso());
    EXPECT_NE(overdue.output.find("撤销逾期（已过撤销期限，平台尚未撤下）：1 条"), std::string::npos) << overdue.output;
    EXPECT_NE(overdue.output.find("撤销：1 条\n  示交罚〔2026〕1号  撤销登记 " + today + "  待打包"), std::string::npos)
        << overdue.output;
    auto withdrawals = [&](const std::string& asOf) {
        auto stats = parseObject(gw("stats --format json --as-of " + asOf).output);
        return std::make_pair(stats->get("withdrawal_timeliness_rate"), stats->getObject("withdrawals"));
    };
    auto [pendingRate, pending] = withdrawals(today);
    EXPECT_TRUE(pendingRate.isEmpty()) << "nothing due yet: the rate is undefined";
    EXPECT_EQ(pending->getValue<int>("pending_within_deadline"), 1);
    auto [lateRate, late] = withdrawals(after.toIso());
    EXPECT_EQ(lateRate.convert<double>(), 0.0);
    EXPECT_EQ(late->getValue<int>("late"), 1);
    EXPECT_EQ(late->getValue<int>("due"), 1);

    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    CommandResult done = gw("report --as-of " + after.toIso());
    EXPECT_NE(done.output.find("没有逾期或临期的撤销。"), std::string::npos) << done.output;
    EXPECT_NE(done.output.find("撤销：1 条\n  示交罚〔2026〕1号  撤销登记 " + today + "  平台已确认"), std::string::npos)
        << done.output;
    auto [doneRate, accepted] = withdrawals(after.toIso());
    EXPECT_EQ(doneRate.convert<double>(), 1.0) << "accepted by the mock platform before its deadline";
    EXPECT_EQ(accepted->getValue<int>("on_time"), 1);
    CommandResult text = gw("stats --as-of " + after.toIso());
    EXPECT_NE(text.output.find("撤销及时率 100.0%（按期撤下 1 / 应完成撤销 1"), std::string::npos) << text.output;
}

TEST_F(LifecycleTest, ARecordIsTakenDownTheDayAfterItsPublicityPeriodEndsNotBefore) {
    // Decided 2026-11-20, 一般 (no 失信严重程度 given): published for at most 12 months under the
    // rules in force that day (mappings/publicity-periods.xml), so 公示截止期 is 2027-11-20.
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kTraderA, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(platform->counters().accepted, 2u);
    auto timeline = [&](const std::string& wsh) {
        return parseObject(gw("history --wsh " + wsh + " --format json").output)->getArray("records")->getObject(0);
    };
    std::string key = timeline("示交罚〔2026〕1号")->getValue<std::string>("key");

    CommandResult lastDay = gw(uploadArgs() + " --as-of 2027-11-20");
    ASSERT_EQ(lastDay.exitCode, 0) << lastDay.output;
    EXPECT_EQ(lastDay.output.find("下线 queued"), std::string::npos) << lastDay.output;
    EXPECT_EQ(platform->counters().takenDown, 0u);
    EXPECT_TRUE(platform->holds(key)) << "still published on its last day";

    CommandResult dayAfter = gw(uploadArgs() + " --as-of 2027-11-21");
    ASSERT_EQ(dayAfter.exitCode, 0) << dayAfter.output;
    EXPECT_NE(dayAfter.output.find("下线 queued 2 (公示截止期 before 2027-11-21)"), std::string::npos) << dayAfter.output;
    EXPECT_EQ(platform->counters().takenDown, 2u) << dayAfter.output;
    EXPECT_EQ(platform->counters().withdrawn, 0u) << "a 下线 is not a 撤销";
    EXPECT_FALSE(platform->holds(key));
    CommandResult report = gw("report --as-of 2027-11-21");
    EXPECT_NE(report.output.find("下线（公示期满）：2 条\n  示交罚〔2026〕1号  应下线日 2027-11-21  平台已确认"),
              std::string::npos) << report.output;
    auto events = eventsOf(timeline("示交罚〔2026〕1号"));
    EXPECT_EQ(namesOf(events), (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted",
                                                         "takedown_queued", "sent", "taken_down"}))
        << gw("history --wsh 示交罚〔2026〕1号").output;

    CommandResult again = gw(uploadArgs() + " --as-of 2027-12-01");
    ASSERT_EQ(again.exitCode, 0) << again.output;
    EXPECT_EQ(platform->counters().takenDown, 2u) << "one 下线 per record and target: " << again.output;
    EXPECT_EQ(gw(uploadArgs() + " --as-of 2027-13-01").exitCode, 2) << "not a date";
}

TEST_F(LifecycleTest, ARevokedRecordIsNotTakenDownAgainAndATakedownWaitsForItsAdd) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 行政复议撤销").exitCode, 0);
    CommandResult later = gw(uploadArgs() + " --as-of 2027-11-21");
    ASSERT_EQ(later.exitCode, 0) << later.output;
    EXPECT_EQ(platform->counters().withdrawn, 1u);
    EXPECT_EQ(platform->counters().takenDown, 0u) << later.output;
}

TEST_F(LifecycleTest, CreditRepairIsRefusedBeforeTheMinimumPeriodAndEndsPublicationAfterIt) {
    // Decided 2026-11-20, 一般: at least 3 months (publicity-periods.xml), so from 2027-02-20.
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kTraderA, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    auto timeline = [&](const std::string& wsh) {
        return parseObject(gw("history --wsh " + wsh + " --format json").output)->getArray("records")->getObject(0);
    };
    std::string key = timeline("示交罚〔2026〕1号")->getValue<std::string>("key");
    std::string repair = "repair --kind cf --wsh 示交罚〔2026〕1号 --basis 示信修〔2027〕1号 --as-of 2027-02-20 --decided ";
    CommandResult future = gw("repair --kind cf --wsh 示交罚〔2026〕1号 --basis 示信修〔2027〕1号 --as-of 2027-02-19"
                              " --decided 2027-02-20");
    EXPECT_EQ(future.exitCode, 2) << future.output;
    EXPECT_NE(future.output.find("is after today"), std::string::npos) << future.output;

    CommandResult early = gw(repair + "2027-02-19");
    EXPECT_EQ(early.exitCode, 1) << early.output;
    EXPECT_NE(early.output.find("信用修复 is possible from 2027-02-20"), std::string::npos) << early.output;
    EXPECT_NE(early.output.find("nothing repaired"), std::string::npos) << early.output;

    CommandResult accepted = gw(repair + "2027-02-20");
    ASSERT_EQ(accepted.exitCode, 0) << accepted.output;
    EXPECT_NE(accepted.output.find("repaired 1 records (0 already repaired); 终止公示 queued 1"), std::string::npos)
        << accepted.output;
    CommandResult again = gw(repair + "2027-02-20");
    EXPECT_NE(again.output.find("repaired 0 records (1 already repaired); 终止公示 queued 0"), std::string::npos)
        << again.output;

    CommandResult upload = gw(uploadArgs() + " --as-of 2027-02-21");
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_EQ(platform->counters().repaired, 1u) << upload.output;
    EXPECT_FALSE(platform->holds(key));
    EXPECT_EQ(namesOf(eventsOf(timeline("示交罚〔2026〕1号"))),
              (std::vector<std::string>{"ingested", "ready", "packed", "sent", "accepted", "repair_queued", "sent",
                                        "repaired"}));

    // No 下线 follows a repair; the other record is taken down at its end as usual.
    CommandResult end = gw(uploadArgs() + " --as-of 2027-11-21");
    ASSERT_EQ(end.exitCode, 0) << end.output;
    EXPECT_EQ(platform->counters().takenDown, 1u) << end.output;
    auto counts = parseObject(gw("stats --format json --as-of 2026-11-23").output)->getObject("counts");
    EXPECT_EQ(counts->getValue<int>("must_report"), 2) << "a repaired record stays in its month's statistics";

    EXPECT_EQ(gw("repair --kind cf --wsh 示交罚〔2026〕99号 --basis x --as-of 2027-03-01 --decided 2027-03-01").exitCode, 1);
    EXPECT_EQ(gw("repair --kind cf --wsh 示交罚〔2026〕1号 --decided 2027-03-01").exitCode, 2) << "--basis is required";
    EXPECT_EQ(gw("repair --kind cf --wsh 示交罚〔2026〕1号 --basis x --decided 2027-03-01 --bogus 1").exitCode, 2);
}

// A store written by issue 6 part 1 (operations allow only 'revoke', no due_on, no
// publicity_end) is migrated when opened: its queued withdrawal survives and is sent, and its
// accepted records gain their 公示截止期 so they can be taken down.
TEST_F(LifecycleTest, AStoreFromBeforeTakedownsIsMigratedKeepingItsQueuedWithdrawal) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号") + row(kTraderA, "示交罚〔2026〕7号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    ASSERT_EQ(gw("revoke --kind cf --wsh 示交罚〔2026〕1号 --reason 行政复议撤销").exitCode, 0);

    // Downgraded by SQLite's own shell to the part-1 schema.
    creditgw::test::writeFile(dir.file("downgrade.sql"), R"SQL(
DROP INDEX IF EXISTS deliveries_publicity;
ALTER TABLE deliveries DROP COLUMN publicity_end;
ALTER TABLE operations RENAME TO operations_new;
CREATE TABLE operations (
    id INTEGER PRIMARY KEY, identity TEXT NOT NULL, kind TEXT NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records(id), target TEXT NOT NULL, record_key TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('revoke')),
    state TEXT NOT NULL CHECK (state IN ('ready','queued','accepted','rejected','dead')),
    mapped_fields TEXT NOT NULL, mapping_version TEXT NOT NULL, batch_id TEXT REFERENCES batches(id),
    accepted_at TEXT NOT NULL DEFAULT '', reason_code TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (identity, target, operation));
INSERT INTO operations SELECT id, identity, kind, record_id, target, record_key, operation, state, mapped_fields,
    mapping_version, batch_id, accepted_at, reason_code, reason, created_at, updated_at FROM operations_new;
DROP TABLE operations_new;
)SQL");
    std::string store = dir.file("store.db");
    CommandResult downgraded = runCommand("sqlite3 " + store + " < " + dir.file("downgrade.sql"));
    ASSERT_EQ(downgraded.exitCode, 0) << downgraded.output;
    ASSERT_EQ(runCommand("sqlite3 " + store + " \"SELECT count(*) FROM operations\"").output, "1\n");

    CommandResult reopened = gw("ingest --kind cf --input " + dir.file("cf.csv"));  // opening migrates the store
    ASSERT_EQ(reopened.exitCode, 0) << reopened.output;
    std::string schema = runCommand("sqlite3 " + store + " \"SELECT sql FROM sqlite_master WHERE name='operations'\"").output;
    EXPECT_NE(schema.find("'takedown'"), std::string::npos) << schema;
    EXPECT_EQ(runCommand("sqlite3 " + store + " \"SELECT operation||'|'||state FROM operations\"").output,
              "revoke|ready\n");
    EXPECT_EQ(runCommand("sqlite3 " + store + " \"SELECT count(*) FROM deliveries WHERE state='accepted'"
                                              " AND publicity_end<>''\"").output,
              "1\n")
        << "the kept record gains its 公示截止期; the revoked one is never taken down";

    CommandResult upload = gw(uploadArgs());
    ASSERT_EQ(upload.exitCode, 0) << upload.output;
    EXPECT_EQ(platform->counters().withdrawn, 1u) << upload.output;
}

// A correction that moves the decision date (and so 公示截止期) waits to be sent when the old
// end passes: the record stays published until the corrected end, not the stale one.
TEST_F(LifecycleTest, ACorrectionWaitingToBeSentKeepsTheRecordUpUntilItsOwnPublicityEnd) {
    writeCsv(row(kCompany, "示交罚〔2026〕1号"));
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);
    ASSERT_EQ(gw(uploadArgs()).exitCode, 0);
    std::string corrected = row(kCompany, "示交罚〔2026〕1号");
    corrected.replace(corrected.find("2026-11-20,"), 11, "2026-12-01,");
    writeCsv(corrected);
    ASSERT_EQ(gw("ingest --kind cf --input " + dir.file("cf.csv")).exitCode, 0);

    CommandResult oldEndPassed = gw(uploadArgs() + " --as-of 2027-11-21");
    ASSERT_EQ(oldEndPassed.exitCode, 0) << oldEndPassed.output;
    EXPECT_EQ(platform->counters().takenDown, 0u) << oldEndPassed.output;
    EXPECT_EQ(platform->counters().accepted, 2u) << "the correction was sent";

    CommandResult beforeNewEnd = gw(uploadArgs() + " --as-of 2027-11-25");
    ASSERT_EQ(beforeNewEnd.exitCode, 0) << beforeNewEnd.output;
    EXPECT_EQ(platform->counters().takenDown, 0u) << "corrected 公示截止期 is 2027-12-01: " << beforeNewEnd.output;

    CommandResult newEndPassed = gw(uploadArgs() + " --as-of 2027-12-31");
    ASSERT_EQ(newEndPassed.exitCode, 0) << newEndPassed.output;
    EXPECT_EQ(platform->counters().takenDown, 1u) << newEndPassed.output;
}
