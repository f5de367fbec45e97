#include <hostsdk/abi.hpp>
#include <hostsdk/config.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/SystemConfiguration.h>
#include <Poco/Util/LayeredConfiguration.h>

#include <catch2/catch.hpp>

#include <cstdlib>

namespace {

Poco::AutoPtr<Poco::Util::LayeredConfiguration> layered(const std::map<std::string, std::string>& values) {
    Poco::AutoPtr<Poco::Util::LayeredConfiguration> config(new Poco::Util::LayeredConfiguration);
    Poco::AutoPtr<Poco::Util::MapConfiguration> map(new Poco::Util::MapConfiguration);
    for (const auto& [k, v] : values) map->setString(k, v);
    config->add(map, 0, true);
    config->add(new Poco::Util::SystemConfiguration, "system", 100, false);
    return config;
}

}  // namespace

TEST_CASE("an unset environment variable counts as missing, a set one is expanded", "[config]") {
    ::unsetenv("ACPSA_TEST_UNSET_VAR");
    ::setenv("ACPSA_TEST_SET_VAR", "s3cret-value", 1);
    auto config = layered({{"a.unset", "${system.env.ACPSA_TEST_UNSET_VAR}"},
                           {"a.set", "${system.env.ACPSA_TEST_SET_VAR}"},
                           {"a.empty", ""}});
    CHECK_FALSE(hostsdk::config_value(*config, "a.unset").has_value());
    CHECK(hostsdk::config_value(*config, "a.set") == std::optional<std::string>("s3cret-value"));
    CHECK(hostsdk::config_value(*config, "a.empty") == std::optional<std::string>(""));
    CHECK_FALSE(hostsdk::config_value(*config, "a.absent").has_value());

    try {
        hostsdk::config_required(*config, "a.unset");
        FAIL("expected a ConfigError");
    } catch (const hostsdk::ConfigError& e) {
        CHECK(e.key() == "a.unset");
        CHECK(std::string(e.what()).find("missing") != std::string::npos);
    }
    CHECK_THROWS_AS(hostsdk::config_required(*config, "a.empty"), hostsdk::ConfigError);
    CHECK(hostsdk::config_required(*config, "a.set") == "s3cret-value");
}

TEST_CASE("an error about a secret key never repeats its value", "[config]") {
    auto config = layered({{"acpsa.psa.api_key", "${system.env.ACPSA_TEST_NEVER_SET}"}});
    try {
        hostsdk::config_required(*config, "acpsa.psa.api_key");
        FAIL("expected a ConfigError");
    } catch (const hostsdk::ConfigError& e) {
        CHECK(std::string(e.what()).find("ACPSA_TEST_NEVER_SET") == std::string::npos);
    }
}

TEST_CASE("integers and booleans are range-checked and name the key", "[config]") {
    auto config = layered({{"m.interval", "30"}, {"m.bad", "3O"}, {"m.big", "99999"}, {"m.flag", "Yes"}, {"m.nope", "maybe"}});
    CHECK(hostsdk::config_int(*config, "m.interval", 60, 1, 3600) == 30);
    CHECK(hostsdk::config_int(*config, "m.absent", 60, 1, 3600) == 60);
    CHECK_THROWS_WITH(hostsdk::config_int(*config, "m.bad", 60, 1, 3600), Catch::Contains("m.bad") && Catch::Contains("3O"));
    CHECK_THROWS_WITH(hostsdk::config_int(*config, "m.big", 60, 1, 3600), Catch::Contains("from 1 to 3600"));
    CHECK(hostsdk::config_bool(*config, "m.flag", false));
    CHECK_FALSE(hostsdk::config_bool(*config, "m.absent", false));
    CHECK_THROWS_AS(hostsdk::config_bool(*config, "m.nope", false), hostsdk::ConfigError);
}

TEST_CASE("relative paths resolve against the config file's directory", "[config]") {
    auto config = layered({{hostsdk::kConfigDirKey, "/etc/acpsa"}});
    CHECK(hostsdk::resolve_config_path(*config, "plugins") == "/etc/acpsa/plugins");
    CHECK(hostsdk::resolve_config_path(*config, "../var/state.db") == "/etc/var/state.db");
    CHECK(hostsdk::resolve_config_path(*config, "/var/lib/acpsa/state.db") == "/var/lib/acpsa/state.db");
}

TEST_CASE("the ABI check accepts the same major and an older or equal minor only", "[abi]") {
    using hostsdk::abi_compatible;
    CHECK(abi_compatible(0x10002, 0x10000));
    CHECK(abi_compatible(0x10002, 0x10002));
    CHECK_FALSE(abi_compatible(0x10002, 0x10003));
    CHECK_FALSE(abi_compatible(0x10002, 0x20000));
    CHECK_FALSE(abi_compatible(0x20000, 0x10000));
    CHECK(hostsdk::abi_major(hostsdk::kAbiVersion) == hostsdk::kAbiMajor);
}
