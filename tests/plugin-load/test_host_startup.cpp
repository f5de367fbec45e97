#include "samplehost/host.hpp"

#include "test_support.hpp"

#include <hostsdk/config_error.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <future>

namespace {

struct HostFixture {
    testsupport::TempDir dir;
    samplehost::ManualClock clock;
    Poco::AutoPtr<Poco::Util::MapConfiguration> config{new Poco::Util::MapConfiguration};

    explicit HostFixture(const std::vector<std::string>& fixtures, const std::string& modules) {
        testsupport::copy_fixtures(dir.file("plugins"), fixtures);
        config->setString("host.config_dir", dir.path());
        config->setString("host.plugin_dir", "plugins");
        config->setString("host.modules", modules);
        config->setString("host.state.database", "var/state.db");
        config->setString("host.admin.listen", "");
    }
};

}  // namespace

TEST_CASE("host: a configure that throws stops start-up with the module's key", "[host-startup]") {
    HostFixture f({"fixture_throw_configure", "fixture_echo"}, "echo, throwcfg");
    samplehost::Host host(*f.config, f.clock);
    try {
        host.load_and_configure();
        FAIL("configure should have thrown");
    } catch (const hostsdk::ConfigError& e) {
        CHECK(e.key() == "modules.throwcfg.anything");
    }
}

TEST_CASE("host: a module's own bad key is reported by configure, before any database exists", "[host-startup]") {
    HostFixture f({"fixture_echo"}, "echo");
    f.config->setString("modules.echo.result", "sometimes");
    samplehost::Host host(*f.config, f.clock);
    CHECK_THROWS_WITH(host.load_and_configure(), Catch::Contains("modules.echo.result"));
    CHECK_FALSE(std::filesystem::exists(f.dir.file("var")));
}

TEST_CASE("host: a bad modules.<name>.interval is refused at configure", "[host-startup]") {
    HostFixture f({"fixture_echo"}, "echo");
    f.config->setString("modules.echo.interval", "0");
    samplehost::Host host(*f.config, f.clock);
    CHECK_THROWS_WITH(host.load_and_configure(), Catch::Contains("modules.echo.interval"));
}

TEST_CASE("host: a start that throws stops start-up with its message, started modules are stopped", "[host-startup]") {
    HostFixture f({"fixture_echo", "fixture_throw_start"}, "echo, throwstart");
    f.config->setString("modules.echo.stop_marker", f.dir.file("echo-stopped"));
    samplehost::Host host(*f.config, f.clock);
    host.load_and_configure();
    CHECK_THROWS_WITH(host.start(false, false), Catch::Contains("throwstart") && Catch::Contains("database unreachable"));
    CHECK_FALSE(std::filesystem::exists(f.dir.file("echo-stopped")));
    CHECK(host.stop());
    CHECK(testsupport::read_file(f.dir.file("echo-stopped")) == "stopped after 0 runs\n");
}

TEST_CASE("host: stop signals a running cycle's stop token and ends within the shutdown timeout", "[host-startup]") {
    HostFixture f({"fixture_echo"}, "echo");
    f.config->setString("modules.echo.cycle_delay_ms", "600000");  // waits on its stop token
    f.config->setString("modules.echo.stop_marker", f.dir.file("echo-stopped"));
    f.config->setString("host.shutdown_timeout_s", "30");
    samplehost::Host host(*f.config, f.clock);
    host.load_and_configure();
    host.start(false, false);
    auto cycle = std::async(std::launch::async, [&] { return host.run_once("echo"); });
    REQUIRE(testsupport::eventually([&] { return host.statuses().at(0).state == "running"; }));
    CHECK(host.stop());
    const auto result = cycle.get();
    CHECK(result.status == hostsdk::RunResult::Status::retry);
    CHECK(result.message == "interrupted by stop");
    CHECK(std::filesystem::exists(f.dir.file("echo-stopped")));
}

TEST_CASE("host: an empty module list starts and stops cleanly", "[host-startup]") {
    HostFixture f({}, "");
    samplehost::Host host(*f.config, f.clock);
    host.load_and_configure();
    host.start(true, false);
    CHECK(host.module_names().empty());
    CHECK(host.stop());
}

TEST_CASE("host: run_once runs the named module and refuses one not enabled", "[host-startup]") {
    HostFixture f({"fixture_echo", "fixture_beta"}, "echo, beta");
    f.config->setString("modules.beta.result", "retry");
    samplehost::Host host(*f.config, f.clock);
    host.load_and_configure();
    host.start(false, false);
    CHECK(host.run_once("echo").status == hostsdk::RunResult::Status::ok);
    CHECK(host.run_once("beta").status == hostsdk::RunResult::Status::retry);
    CHECK_THROWS_AS(host.run_once("gamma"), samplehost::StartupError);
    CHECK(host.stop());
}
