// The admin API of the host over real HTTP on port 0, with fixture modules: authentication before
// routing, the error table, health, the run endpoint and the activity log.

#include "samplehost/host.hpp"

#include "test_support.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/JSON/Array.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

using testsupport::http;

namespace {

const std::string kToken = "test-admin-token-5f1c9a7e";

struct AdminFixture {
    testsupport::TempDir dir;
    samplehost::SystemClock clock;
    Poco::AutoPtr<Poco::Util::MapConfiguration> config{new Poco::Util::MapConfiguration};
    std::unique_ptr<samplehost::Host> host;
    std::uint16_t port = 0;

    explicit AdminFixture(const std::string& beta_result = "ok") {
        testsupport::copy_fixtures(dir.file("plugins"), {"fixture_echo", "fixture_beta"});
        config->setString("host.config_dir", dir.path());
        config->setString("host.plugin_dir", "plugins");
        config->setString("host.modules", "echo, beta");
        config->setString("host.state.database", "state.db");
        config->setString("host.admin.listen", "127.0.0.1:0");
        config->setString("host.admin.token", kToken);
        config->setString("modules.beta.result", beta_result);
        host = std::make_unique<samplehost::Host>(*config, clock);
        host->load_and_configure();
        host->start(true, true);
        port = host->admin_port();
        REQUIRE(port != 0);
    }
    ~AdminFixture() { host->stop(); }

    testsupport::HttpReply get(const std::string& path) { return http(port, "GET", path, kToken); }

    /// Waits until every module has finished its first (scheduled) cycle.
    bool first_cycles_done() {
        return testsupport::eventually([&] {
            auto modules = http(port, "GET", "/api/health").json()->getArray("modules");
            for (std::size_t i = 0; i < modules->size(); ++i)
                if (modules->getObject(static_cast<unsigned>(i))->isNull("last_result")) return false;
            return true;
        });
    }
};

std::string error_code(const testsupport::HttpReply& reply) {
    return reply.json()->getObject("error")->getValue<std::string>("code");
}

}  // namespace

TEST_CASE("admin: authentication comes before routing, whatever the path", "[admin][integration]") {
    AdminFixture f;
    for (const char* path : {"/api/nope", "/api/activity", "/", "/api/modules/echo/run"}) {
        auto none = http(f.port, "GET", path);
        CHECK(none.status == 401);
        CHECK(error_code(none) == "unauthorized");
        CHECK(http(f.port, "GET", path, "wrong-token").status == 401);
        CHECK(http(f.port, "GET", path, kToken + "x").status == 401);
    }
    auto unknown = f.get("/api/nope");
    CHECK(unknown.status == 404);
    CHECK(error_code(unknown) == "not_found");
    CHECK(unknown.json()->getObject("error")->isNull("field"));
    // Health is open only for GET, and only at its own path.
    CHECK(http(f.port, "POST", "/api/health").status == 401);
    CHECK(http(f.port, "GET", "/api/%68ealth").status == 200);  // the same route, percent-encoded
    CHECK(http(f.port, "GET", "/api/%zz").status == 401);  // a path that is not valid encoding: still 401 first
    CHECK(f.get("/api/%zz").status == 404);
    CHECK(error_code(f.get("/api/echo/%zz")) == "not_found");
    CHECK(http(f.port, "GET", "/api/echo/ping").status == 401);
    CHECK(http(f.port, "GET", "/api/health/").status == 401);
}

TEST_CASE("admin: health is open and shows every module", "[admin][integration]") {
    AdminFixture f("retry");
    REQUIRE(f.first_cycles_done());
    auto reply = http(f.port, "GET", "/api/health");
    REQUIRE(reply.status == 200);
    auto root = reply.json();
    CHECK(root->getValue<std::string>("status") == "degraded");  // beta returned retry
    CHECK(root->getValue<std::string>("started_at").back() == 'Z');
    auto modules = root->getArray("modules");
    REQUIRE(modules->size() == 2);
    auto echo = modules->getObject(0);
    CHECK(echo->getValue<std::string>("name") == "echo");
    CHECK(echo->getValue<std::string>("version") == "1.2.3");
    CHECK(echo->getValue<std::string>("state") == "idle");
    CHECK(echo->getValue<std::string>("last_result") == "ok");
    CHECK(echo->getValue<std::string>("last_message") == "cycle 1");
    CHECK(echo->getValue<int>("consecutive_failures") == 0);
    CHECK(echo->getObject("counters")->getValue<int>("items") == 1);
    CHECK(echo->getObject("counters")->getValue<int>("api_calls") == 2);
    CHECK_FALSE(echo->isNull("next_run"));
    auto beta = modules->getObject(1);
    CHECK(beta->getValue<std::string>("state") == "backing_off");
    CHECK(beta->getValue<std::string>("last_result") == "retry");
    CHECK(beta->getValue<int>("consecutive_failures") == 1);
    CHECK(reply.body.find(kToken) == std::string::npos);
}

TEST_CASE("admin: the run endpoint runs one cycle now and reports it", "[admin][integration]") {
    AdminFixture f("failed");
    REQUIRE(f.first_cycles_done());
    auto ran = http(f.port, "POST", "/api/modules/echo/run", kToken);
    REQUIRE(ran.status == 200);
    auto body = ran.json();
    CHECK(body->getValue<std::string>("name") == "echo");
    CHECK(body->getValue<std::string>("result") == "ok");
    CHECK(body->getValue<std::string>("message") == "cycle 2");
    CHECK(body->getObject("counters")->getValue<int>("items") == 2);

    auto failed = http(f.port, "POST", "/api/modules/beta/run", kToken);
    CHECK(failed.status == 200);  // whatever the result
    CHECK(failed.json()->getValue<std::string>("result") == "failed");

    auto missing = http(f.port, "POST", "/api/modules/ticketing/run", kToken);
    CHECK(missing.status == 404);
    CHECK(error_code(missing) == "not_found");
    auto wrong_method = http(f.port, "GET", "/api/modules/echo/run", kToken);
    CHECK(wrong_method.status == 405);
    CHECK(error_code(wrong_method) == "method_not_allowed");
}

TEST_CASE("admin: the activity log lists module actions newest first, filtered and paged", "[admin][integration]") {
    AdminFixture f;
    REQUIRE(f.first_cycles_done());
    REQUIRE(http(f.port, "POST", "/api/modules/echo/run", kToken).status == 200);

    auto all = f.get("/api/activity?module=echo");
    REQUIRE(all.status == 200);
    auto root = all.json();
    CHECK(root->getValue<int>("total") == 2);
    auto first = root->getArray("items")->getObject(0);
    CHECK(first->getValue<std::string>("module") == "echo");
    CHECK(first->getValue<std::string>("action") == "fixture_ran");
    CHECK(first->getValue<std::string>("outcome") == "ok");
    CHECK(first->getValue<std::string>("message") == "cycle 2");
    CHECK(first->getValue<std::string>("at").back() == 'Z');
    CHECK(first->get("id").isString());
    CHECK(first->getObject("subjects")->getValue<std::string>("run") == "2");

    CHECK(f.get("/api/activity?subject=33a7e16f-abcd").json()->getValue<int>("total") == 3);  // echo x2 + beta
    CHECK(f.get("/api/activity?action=FIXTURE_RAN&module=beta").json()->getValue<int>("total") == 1);
    auto page = f.get("/api/activity?limit=1&offset=1").json();
    CHECK(page->getValue<int>("total") == 3);
    CHECK(page->getArray("items")->size() == 1);
    CHECK(f.get("/api/activity?since=2200-01-01T00:00:00Z").json()->getValue<int>("total") == 0);

    auto bad_limit = f.get("/api/activity?limit=0");
    CHECK(bad_limit.status == 422);
    CHECK(bad_limit.json()->getObject("error")->getValue<std::string>("field") == "limit");
    auto bad_since = f.get("/api/activity?since=yesterday");
    CHECK(bad_since.status == 422);
    CHECK(bad_since.json()->getObject("error")->getValue<std::string>("field") == "since");
}

TEST_CASE("admin: module routes get the error table's statuses", "[admin][integration]") {
    AdminFixture f;
    auto ok = http(f.port, "PUT", "/api/echo/items/a%20b", kToken, R"({"count": 3})");
    REQUIRE(ok.status == 200);
    CHECK(ok.json()->getValue<std::string>("item_id") == "a b");

    auto malformed = http(f.port, "PUT", "/api/echo/items/1", kToken, "{not json");
    CHECK(malformed.status == 400);
    CHECK(error_code(malformed) == "malformed_json");
    auto not_object = http(f.port, "PUT", "/api/echo/items/1", kToken, "[1]");
    CHECK(not_object.status == 400);
    CHECK(error_code(not_object) == "malformed_json");
    auto wrong_type = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": "3"})");
    CHECK(wrong_type.status == 400);
    CHECK(error_code(wrong_type) == "invalid_type");
    CHECK(wrong_type.json()->getObject("error")->getValue<std::string>("field") == "count");
    auto refused = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": -1})");
    CHECK(refused.status == 422);
    CHECK(error_code(refused) == "invalid_value");
    auto conflict = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": 13})");
    CHECK(conflict.status == 409);
    CHECK(error_code(conflict) == "conflict");
    auto bug = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": 99})");
    CHECK(bug.status == 500);
    CHECK(error_code(bug) == "internal");
    CHECK(bug.body.find("K1") == std::string::npos);  // the exception text stays in the log
    auto upstream = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": 502})");
    CHECK(upstream.status == 502);
    CHECK(error_code(upstream) == "upstream_error");
    auto unavailable = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": 503})");
    CHECK(unavailable.status == 503);
    CHECK(error_code(unavailable) == "unavailable");
    auto unmanageable = http(f.port, "PUT", "/api/echo/items/1", kToken, R"({"count": 422})");
    CHECK(unmanageable.status == 422);
    CHECK(error_code(unmanageable) == "not_manageable");
    CHECK(unmanageable.json()->getObject("error")->getValue<std::string>("field") == "item_id");
    auto bad_query = f.get("/api/activity?subject=%zz");
    CHECK(bad_query.status == 422);
    CHECK(error_code(bad_query) == "invalid_value");

    auto huge = http(f.port, "PUT", "/api/echo/items/1", kToken, std::string(1024 * 1024 + 1, ' '));
    CHECK(huge.status == 413);
    CHECK(error_code(huge) == "too_large");
    // Exactly 1 MiB is still read (and here refused as not JSON, not as too large).
    auto limit = http(f.port, "PUT", "/api/echo/items/1", kToken, std::string(1024 * 1024, ' '));
    CHECK(limit.status == 400);

    auto ping = f.get("/api/echo/ping");
    CHECK(ping.status == 200);
    CHECK(ping.json()->getValue<bool>("pong"));
}
