// The real sample-host binary, as a user runs it: the command line, exit statuses, the admin
// listener on port 0, and a clean stop on SIGTERM.

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <regex>

using testsupport::ChildProcess;

namespace {

const std::string kBinary = std::string(ACPSA_BIN_DIR) + "/sample-host";
const std::string kToken = "process-test-token-83c1d0";

struct ProcessFixture {
    testsupport::TempDir dir;
    std::string config = dir.file("host.properties");

    explicit ProcessFixture(const std::string& extra = "") {
        testsupport::copy_fixtures(dir.file("plugins"), {"fixture_echo", "fixture_beta"});
        testsupport::write_file(config,
                                "# relative paths resolve against this file's directory\n"
                                "host.plugin_dir = plugins\n"
                                "host.modules = echo, beta\n"
                                "host.state.database = var/state.db\n"
                                "host.admin.listen = 127.0.0.1:0\n"
                                "host.admin.token = ${system.env.TEST_ADMIN_TOKEN}\n"
                                "modules.beta.result = retry\n" +
                                    extra);
    }

    int run(const std::vector<std::string>& args, std::string* output = nullptr,
            std::map<std::string, std::string> env = {{"TEST_ADMIN_TOKEN", kToken}}) {
        ChildProcess child(kBinary, args, env);
        const int status = child.wait();
        child.wait_for_line("\x01never");  // drain the output up to EOF
        if (output) *output = child.output();
        return status;
    }
};

}  // namespace

TEST_CASE("sample-host: serves the admin API on port 0 and stops on SIGTERM with status 0", "[process][integration]") {
    ProcessFixture f;
    ChildProcess host(kBinary, {"--config", f.config}, {{"TEST_ADMIN_TOKEN", kToken}});
    const std::string line = host.wait_for_line("admin listening on 127.0.0.1:");
    REQUIRE_FALSE(line.empty());
    std::smatch match;
    REQUIRE(std::regex_search(line, match, std::regex("admin listening on 127\\.0\\.0\\.1:([0-9]+)")));
    const auto port = static_cast<std::uint16_t>(std::stoi(match[1]));

    auto health = testsupport::http(port, "GET", "/api/health");
    CHECK(health.status == 200);
    CHECK(health.json()->getArray("modules")->size() == 2);
    auto ran = testsupport::http(port, "POST", "/api/modules/echo/run", kToken);
    CHECK(ran.status == 200);
    CHECK(ran.json()->getValue<std::string>("result") == "ok");
    CHECK(testsupport::http(port, "GET", "/api/activity", "nope").status == 401);

    host.signal(SIGTERM);
    CHECK(host.wait() == 0);
    CHECK(host.output().find(kToken) == std::string::npos);
}

TEST_CASE("sample-host: --check-config validates without a database", "[process][integration]") {
    ProcessFixture f;
    std::string out;
    CHECK(f.run({"--config", f.config, "--check-config"}, &out) == 0);
    CHECK(out.find("configuration OK (2 module(s) echo beta)") != std::string::npos);
    CHECK_FALSE(std::ifstream(f.dir.file("var/state.db")).good());

    // A listener without a token: the key is named, the exit status is not 0.
    CHECK(f.run({"--config", f.config, "--check-config"}, &out, {}) != 0);
    CHECK(out.find("host.admin.token") != std::string::npos);

    // --set overrides a key of the file.
    CHECK(f.run({"--config", f.config, "--set", "modules.echo.result=sometimes", "--check-config"}, &out) != 0);
    CHECK(out.find("modules.echo.result") != std::string::npos);
    CHECK(f.run({"--config", f.config, "--set", "host.admin.listen=", "--check-config"}, &out, {}) == 0);
}

TEST_CASE("sample-host: fatal load problems print one clear line and exit non-zero", "[process][integration]") {
    ProcessFixture f;
    std::string out;
    CHECK(f.run({"--config", f.config, "--set", "host.modules=echo, ticketing", "--check-config"}, &out) != 0);
    CHECK(out.find("module 'ticketing' is enabled in host.modules but no library") != std::string::npos);
    CHECK(f.run({"--config", f.dir.file("missing.properties"), "--check-config"}, &out) != 0);
    CHECK(out.find("missing.properties") != std::string::npos);
    CHECK(f.run({"--check-config"}, &out) != 0);
    CHECK(out.find("--config") != std::string::npos);
}

TEST_CASE("sample-host: --run-once runs the named cycles and exits 0 only if all were ok", "[process][integration]") {
    ProcessFixture f;
    std::string out;
    CHECK(f.run({"--config", f.config, "--run-once", "echo"}, &out) == 0);
    CHECK(out.find("echo: ok: cycle 1") != std::string::npos);
    CHECK(out.find("admin listening") == std::string::npos);  // no listener in this mode
    CHECK(f.run({"--config", f.config, "--run-once", "echo,beta"}, &out) == 1);
    CHECK(out.find("beta: retry") != std::string::npos);
    CHECK(f.run({"--config", f.config, "--run-once", "gamma"}, &out) != 0);
    CHECK(out.find("'gamma' is not enabled") != std::string::npos);
    // --run-once starts the modules, so the state database exists now.
    CHECK(std::ifstream(f.dir.file("var/state.db")).good());
}

TEST_CASE("sample-host: --help documents every option", "[process][integration]") {
    ProcessFixture f;
    std::string out;
    CHECK(f.run({"--help"}, &out) == 0);
    for (const char* option : {"--config", "--set", "--check-config", "--run-once", "--daemon", "--pidfile"})
        CHECK(out.find(option) != std::string::npos);
}

TEST_CASE("sample-host: SIGTERM exits 0 within host.shutdown_timeout_s even when a cycle ignores its stop token",
          "[process][integration]") {
    ProcessFixture f("modules.echo.cycle_delay_ms = 600000\nmodules.echo.ignore_stop = true\nhost.shutdown_timeout_s = 1\n");
    ChildProcess host(kBinary, {"--config", f.config}, {{"TEST_ADMIN_TOKEN", kToken}});
    const std::string line = host.wait_for_line("admin listening on 127.0.0.1:");
    REQUIRE_FALSE(line.empty());
    // The first scheduled cycle of echo is stuck for ten minutes; health still answers.
    const auto port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
    REQUIRE(testsupport::eventually([&] {
        return testsupport::http(port, "GET", "/api/health").body.find("\"running\"") != std::string::npos;
    }));
    host.signal(SIGTERM);
    CHECK(host.wait() == 0);
    CHECK(host.output().find("did not end within host.shutdown_timeout_s") != std::string::npos);
}
