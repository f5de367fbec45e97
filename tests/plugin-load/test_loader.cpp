#include "samplehost/plugin_loader.hpp"

#include <hostsdk/abi.hpp>

#include "test_support.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>

#include <catch2/catch.hpp>

using samplehost::LoadError;
using samplehost::load_modules;

namespace {

struct LoaderFixture {
    testsupport::TempDir dir;
    Poco::AutoPtr<testsupport::CapturingChannel> channel{new testsupport::CapturingChannel};
    Poco::Logger& log = Poco::Logger::get("test.loader");
    std::string plugins = dir.file("plugins");

    LoaderFixture() { log.setChannel(channel); }

    std::string load_error(const std::vector<std::string>& enabled) {
        try {
            load_modules(plugins, enabled, log);
        } catch (const LoadError& e) {
            return e.what();
        }
        return "<no error>";
    }
};

bool mapped(const std::string& path) {
    return testsupport::read_file("/proc/self/maps").find(path) != std::string::npos;
}

}  // namespace

TEST_CASE("loader: creates the enabled modules in order, skips the rest with a warning", "[loader]") {
    LoaderFixture f;
    testsupport::copy_fixtures(f.plugins, {"fixture_echo", "fixture_beta", "fixture_not_a_module", "fixture_bad_abi"});
    testsupport::write_file(f.plugins + "/README.txt", "not a library");

    const auto loaded = load_modules(f.plugins, {"beta", "echo"}, f.log);
    REQUIRE(loaded.size() == 2);
    CHECK(loaded[0].name == "beta");
    CHECK(loaded[1].name == "echo");
    CHECK(loaded[1].module->info().version == "1.2.3");
    CHECK(loaded[1].abi_version == hostsdk::kAbiVersion);
    CHECK(f.channel->has({"fixture_not_a_module.so", "not a module"}));
    CHECK(f.channel->has({"badabi", "not enabled"}));
}

TEST_CASE("loader: an enabled module nobody provides is fatal and named", "[loader]") {
    LoaderFixture f;
    testsupport::copy_fixtures(f.plugins, {"fixture_echo"});
    const auto error = f.load_error({"echo", "ticketing"});
    CHECK(error.find("'ticketing'") != std::string::npos);
    CHECK(error.find(f.plugins) != std::string::npos);
}

TEST_CASE("loader: an ABI mismatch on an enabled module is fatal with both versions", "[loader]") {
    LoaderFixture f;
    testsupport::copy_fixtures(f.plugins, {"fixture_bad_abi", "fixture_newer_minor"});
    const auto major = f.load_error({"badabi"});
    CHECK(major.find("built for host interface 2.0") != std::string::npos);
    CHECK(major.find("this host provides 1.1") != std::string::npos);
    const auto minor = f.load_error({"newerminor"});
    CHECK(minor.find("built for host interface 1.99") != std::string::npos);
}

TEST_CASE("loader: a module built against another Poco major is fatal, naming both", "[loader]") {
    LoaderFixture f;
    testsupport::copy_fixtures(f.plugins, {"fixture_other_poco", "fixture_echo"});
    const auto error = f.load_error({"otherpoco"});
    CHECK(error.find("built against Poco 99.x") != std::string::npos);
    CHECK(error.find("this host uses Poco " + std::to_string(hostsdk::kPocoMajor) + ".x") != std::string::npos);
    CHECK(load_modules(f.plugins, {"echo"}, f.log).size() == 1);  // one built with this host's Poco loads
}

TEST_CASE("loader: two libraries with one module name are fatal, naming both files", "[loader]") {
    LoaderFixture f;
    testsupport::copy_fixtures(f.plugins, {"fixture_echo", "fixture_echo_twin"});
    const auto error = f.load_error({"echo"});
    CHECK(error.find("fixture_echo.so") != std::string::npos);
    CHECK(error.find("fixture_echo_twin.so") != std::string::npos);
}

TEST_CASE("loader: an empty module list loads nothing, even without a plugin directory", "[loader]") {
    LoaderFixture f;
    CHECK(load_modules(f.dir.file("does-not-exist"), {}, f.log).empty());
    CHECK(f.load_error({"echo"}).find("is not a directory") != std::string::npos);
}

TEST_CASE("loader: the library stays mapped while a module exists and is unloaded after", "[loader][lifetime]") {
    LoaderFixture f;
    testsupport::copy_fixtures(f.plugins, {"fixture_echo", "fixture_beta"});
    const std::string echo_path = f.plugins + "/fixture_echo.so";
    const std::string beta_path = f.plugins + "/fixture_beta.so";
    std::shared_ptr<hostsdk::Module> module;
    {
        auto loaded = load_modules(f.plugins, {"echo"}, f.log);
        REQUIRE(loaded.size() == 1);
        module = loaded[0].module;
    }
    // The loader dropped everything but the module's own hold on its library.
    CHECK(mapped(echo_path));
    CHECK_FALSE(mapped(beta_path));  // inspected, not enabled: unloaded again
    CHECK(module->info().name == "echo");  // code still callable
    module.reset();
    CHECK_FALSE(mapped(echo_path));
}
