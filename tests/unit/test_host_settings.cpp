#include "samplehost/host_settings.hpp"

#include <hostsdk/config_error.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

namespace {

Poco::AutoPtr<Poco::Util::MapConfiguration> config(std::map<std::string, std::string> values) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> map(new Poco::Util::MapConfiguration);
    std::map<std::string, std::string> base = {{"host.config_dir", "/etc/acpsa"},
                                               {"host.plugin_dir", "plugins"},
                                               {"host.state.database", "/var/lib/acpsa/state.db"},
                                               {"host.admin.token", "a-long-enough-admin-token"}};
    for (auto& [k, v] : values) base[k] = v;
    for (const auto& [k, v] : base)
        if (v != "<absent>") map->setString(k, v);
    return map;
}

std::string error_key(const std::map<std::string, std::string>& values) {
    try {
        samplehost::parse_host_settings(*config(values));
    } catch (const hostsdk::ConfigError& e) {
        return e.key();
    }
    return "<no error>";
}

}  // namespace

TEST_CASE("host settings: defaults and relative paths", "[settings]") {
    const auto settings = samplehost::parse_host_settings(*config({{"host.modules", " mapping , ticketing,"}}));
    CHECK(settings.plugin_dir == "/etc/acpsa/plugins");
    CHECK(settings.state_database == "/var/lib/acpsa/state.db");
    CHECK(settings.modules == std::vector<std::string>{"mapping", "ticketing"});
    REQUIRE(settings.admin_listen.has_value());
    CHECK(settings.admin_listen->host == "127.0.0.1");
    CHECK(settings.admin_listen->port == 8480);
    CHECK(settings.max_backoff == std::chrono::seconds(900));
    CHECK(settings.shutdown_timeout == std::chrono::seconds(10));
}

TEST_CASE("host settings: an empty module list is valid", "[settings]") {
    CHECK(samplehost::parse_host_settings(*config({{"host.modules", ""}})).modules.empty());
    CHECK(samplehost::parse_host_settings(*config({})).modules.empty());
}

TEST_CASE("host settings: a listener without a token is refused, no listener needs none", "[settings]") {
    CHECK(error_key({{"host.admin.token", "<absent>"}}) == "host.admin.token");
    CHECK(error_key({{"host.admin.token", "${system.env.ACPSA_TEST_NEVER_SET}"}}) == "host.admin.token");
    // An unset variable in host.admin.listen counts as missing: the default listener.
    const auto unset = samplehost::parse_host_settings(*config({{"host.admin.listen", "${system.env.ACPSA_TEST_NEVER_SET}"}}));
    REQUIRE(unset.admin_listen.has_value());
    CHECK(unset.admin_listen->port == 8480);
    const auto off = samplehost::parse_host_settings(*config({{"host.admin.listen", ""}, {"host.admin.token", "<absent>"}}));
    CHECK_FALSE(off.admin_listen.has_value());
}

TEST_CASE("host settings: each bad value names its key", "[settings]") {
    CHECK(error_key({{"host.plugin_dir", "<absent>"}}) == "host.plugin_dir");
    CHECK(error_key({{"host.state.database", ""}}) == "host.state.database");
    CHECK(error_key({{"host.admin.listen", "8480"}}) == "host.admin.listen");
    CHECK(error_key({{"host.admin.listen", "127.0.0.1:99999"}}) == "host.admin.listen");
    CHECK(error_key({{"host.max_backoff_s", "0"}}) == "host.max_backoff_s");
    CHECK(error_key({{"host.shutdown_timeout_s", "ten"}}) == "host.shutdown_timeout_s");
    CHECK(error_key({{"host.modules", "mapping, mapping"}}) == "host.modules");
}

TEST_CASE("host settings: listen addresses", "[settings]") {
    CHECK(samplehost::parse_listen_address("k", "0.0.0.0:0").port == 0);
    const auto v6 = samplehost::parse_listen_address("k", "[::1]:8480");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8480);
    CHECK_THROWS_AS(samplehost::parse_listen_address("k", ":8480"), hostsdk::ConfigError);
    CHECK_THROWS_AS(samplehost::parse_listen_address("k", "[::1]8480"), hostsdk::ConfigError);
}

TEST_CASE("module intervals come from modules.<name>.interval or the module's default", "[settings]") {
    auto c = config({{"modules.ticketing.interval", "15"}, {"modules.clearing.interval", "-1"}});
    CHECK(samplehost::module_interval(*c, "ticketing", std::chrono::seconds(60)) == std::chrono::seconds(15));
    CHECK(samplehost::module_interval(*c, "mapping", std::chrono::seconds(300)) == std::chrono::seconds(300));
    CHECK_THROWS_WITH(samplehost::module_interval(*c, "clearing", std::chrono::seconds(60)),
                      Catch::Contains("modules.clearing.interval"));
}
