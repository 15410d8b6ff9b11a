// The tests' PostgreSQL server (ctest fixture "postgres", env CREDITGW_TEST_POSTGRES) is real and
// reachable through Poco::Data's PostgreSQL connector, the way the store and channels use it.

#include <gtest/gtest.h>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/URI.h>

#include "TestSupport.h"

using namespace Poco::Data::Keywords;

namespace {

std::string connectorString(const std::string& url) {
    Poco::URI uri(url);
    return "host=" + uri.getHost() + " port=" + std::to_string(uri.getPort()) + " user=" + uri.getUserInfo() +
           " dbname=" + uri.getPath().substr(1);
}

TEST(PostgresFixtureTest, TheServerAnswersOnLoopbackAndKeepsWhatIsWritten) {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    std::string url = creditgw::test::testPostgresUrl();
    ASSERT_NE(url.find("@127.0.0.1:"), std::string::npos) << url;
    Poco::Data::Session session("postgresql", connectorString(url));
    session << "DROP TABLE IF EXISTS fixture_probe", now;
    session << "CREATE TABLE fixture_probe (word TEXT)", now;
    session << "INSERT INTO fixture_probe VALUES ('信用')", now;
    std::string word;
    session << "SELECT word FROM fixture_probe", into(word), now;
    EXPECT_EQ(word, "信用");
    session << "DROP TABLE fixture_probe", now;
}

}  // namespace
