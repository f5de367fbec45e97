// The emulator's control surface, fault injection, request counts, seed validation and process.

#include "emulator_fixture.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <future>
#include <set>

using emutest::Emu;
using testsupport::http_raw;

namespace {

void add_fault(Emu& e, std::uint16_t port, const std::string& body) {
    auto reply = e.control(port, "POST", "/_emulator/faults", body);
    REQUIRE(reply.status == 201);
}

const std::string kCreate = R"({"Title": "t [AC-00000000-1]", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug"})";

}  // namespace

TEST_CASE("control: request counts per route template, control calls never counted", "[emulator][control]") {
    Emu e;  // the fixture took one token
    e.acronis("GET", "/api/2/tenants/" + emutest::kCust1);
    e.acronis("GET", "/api/2/tenants/" + emutest::kCust2);
    e.psa("GET", "v1.3/tickets/getticketsreport");
    e.psa("POST", "v1/tickets/createticket", "", kCreate);
    e.psa_state();
    auto acronis = e.control(e.emu.acronis_port(), "GET", "/_emulator/stats").json()->getObject("requests");
    CHECK(acronis->getValue<int>("GET /api/2/tenants/{id}") == 2);
    CHECK(acronis->getValue<int>("POST /api/2/idp/token") == 1);
    auto psa = e.control(e.emu.psa_port(), "GET", "/_emulator/stats").json()->getObject("requests");
    CHECK(psa->getValue<int>("GET /webapi/{ver}/tickets/getticketsreport") == 1);
    CHECK(psa->getValue<int>("POST /webapi/{ver}/tickets/createticket") == 1);
    CHECK(psa->size() == 2);
    REQUIRE(e.control(e.emu.psa_port(), "POST", "/_emulator/stats/reset").status == 200);
    CHECK(e.control(e.emu.psa_port(), "GET", "/_emulator/stats").json()->getObject("requests")->size() == 0);
}

TEST_CASE("faults: 401, 429 with Retry-After, 500 and 503, counted down", "[emulator][faults]") {
    Emu e;
    const auto psa = e.emu.psa_port();
    add_fault(e, psa, R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "429", "retry_after": 7, "count": 2})");
    add_fault(e, psa, R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "503"})");
    auto faults = e.control(psa, "GET", "/_emulator/faults").json()->getArray("faults");
    REQUIRE(faults->size() == 2);
    CHECK(faults->getObject(0)->getValue<int>("remaining") == 2);
    auto throttled = e.psa("GET", "v1/teams/getteams");
    CHECK(throttled.status == 429);
    CHECK(throttled.headers["Retry-After"] == "7");
    CHECK(e.psa("GET", "v1/teams/getteams").status == 429);
    CHECK(e.psa("GET", "v1/teams/getteams").status == 503);
    CHECK(e.psa("GET", "v1/teams/getteams").status == 200);
    CHECK(e.control(psa, "GET", "/_emulator/faults").json()->getArray("faults")->size() == 0);

    const auto acronis = e.emu.acronis_port();
    add_fault(e, acronis, R"({"route": "GET /api/2/tenants/{id}", "kind": "500"})");
    add_fault(e, acronis, R"({"route": "GET /api/alert_manager/v1/alerts", "kind": "401"})");
    auto failed = e.acronis("GET", "/api/2/tenants/" + emutest::kCust1);
    CHECK(failed.status == 500);
    CHECK(failed.json()->has("error"));
    auto unauthorized = e.acronis("GET", "/api/alert_manager/v1/alerts");
    CHECK(unauthorized.status == 401);
    CHECK(unauthorized.headers["Content-Type"].find("text/plain") == 0);
    CHECK(e.acronis("GET", "/api/alert_manager/v1/alerts").status == 200);
}

TEST_CASE("faults: drop closes without answering and changes nothing", "[emulator][faults]") {
    Emu e;
    add_fault(e, e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "drop"})");
    CHECK_THROWS_AS(e.psa("POST", "v1/tickets/createticket", "", kCreate), Poco::Exception);
    CHECK(e.psa_state()->getArray("tickets")->size() == 0);
    CHECK(e.psa("POST", "v1/tickets/createticket", "", kCreate).status == 200);
}

TEST_CASE("faults: apply_then_drop carries the call out, then closes without answering", "[emulator][faults]") {
    Emu e;
    add_fault(e, e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "apply_then_drop"})");
    CHECK_THROWS_AS(e.psa("POST", "v1/tickets/createticket", "", kCreate), Poco::Exception);
    CHECK(e.psa_state()->getArray("tickets")->size() == 1);
    add_fault(e, e.emu.acronis_port(), R"({"route": "POST /api/2/tenants", "kind": "apply_then_drop"})");
    CHECK_THROWS_AS(e.acronis("POST", "/api/2/tenants",
                              R"({"name": "Late", "kind": "customer", "parent_id": ")" + emutest::kPartner + R"("})"),
                    Poco::Exception);
    auto tenants = e.acronis_state()->getArray("tenants");
    CHECK(tenants->getObject(static_cast<unsigned>(tenants->size() - 1))->getValue<std::string>("name") == "Late");
}

TEST_CASE("faults: malformed answers 200 with a body that is not JSON", "[emulator][faults]") {
    Emu e;
    add_fault(e, e.emu.acronis_port(), R"({"route": "GET /api/alert_manager/v1/alerts", "kind": "malformed"})");
    auto reply = e.acronis("GET", "/api/alert_manager/v1/alerts");
    CHECK(reply.status == 200);
    CHECK_THROWS(reply.json());
}

TEST_CASE("faults: slow delays the answer past a short client timeout", "[emulator][faults]") {
    Emu e;
    add_fault(e, e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "slow", "delay_ms": 3000})");
    const std::string uri = "/webapi/v1/teams/getteams?api_key=" + emutest::kApiKey;
    CHECK_THROWS_AS(http_raw(e.emu.psa_port(), "GET", uri, {}, "", std::chrono::milliseconds(300)), Poco::TimeoutException);
    // Without the fault the same call answers within that timeout.
    CHECK(http_raw(e.emu.psa_port(), "GET", uri, {}, "", std::chrono::milliseconds(2000)).status == 200);
}

TEST_CASE("faults: expired_token makes the next call's token expired for good", "[emulator][faults]") {
    Emu e;
    add_fault(e, e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "expired_token"})");
    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust1).status == 401);
    CHECK(e.acronis("GET", "/api/alert_manager/v1/types").status == 401);  // the same token, elsewhere
    e.token = e.new_token();
    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust1).status == 200);
    // Only on the Acronis port, and only known routes and kinds.
    CHECK(e.control(e.emu.psa_port(), "POST", "/_emulator/faults",
                    R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "expired_token"})")
              .status == 400);
    CHECK(e.control(e.emu.psa_port(), "POST", "/_emulator/faults", R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "explode"})")
              .status == 400);
    CHECK(e.control(e.emu.psa_port(), "POST", "/_emulator/faults", R"({"route": "GET /nowhere", "kind": "500"})").status == 400);
    CHECK(e.control(e.emu.psa_port(), "POST", "/_emulator/faults", R"({"kind": "500"})").status == 400);
    add_fault(e, e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "500", "count": 3})");
    REQUIRE(e.control(e.emu.psa_port(), "DELETE", "/_emulator/faults").status == 200);
    CHECK(e.psa("GET", "v1/teams/getteams").status == 200);
}

TEST_CASE("control: tenants change state, technicians change ticket statuses, customers vanish",
          "[emulator][control]") {
    Emu e;
    const auto acronis = e.emu.acronis_port();
    auto patched = e.control(acronis, "PATCH", "/_emulator/tenants/" + emutest::kCust2, R"({"ancestral_access": false})");
    REQUIRE(patched.status == 200);
    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust2 + "/users").status == 403);
    e.control(acronis, "PATCH", "/_emulator/tenants/" + emutest::kCust2, R"({"deleted": true})");
    auto listed = e.acronis("GET", "/api/2/tenants?parent_id=" + emutest::kPartner).json()->getArray("items");
    CHECK(listed->size() == 5);
    CHECK(e.control(acronis, "PATCH", "/_emulator/tenants/" + emutest::kCust2, R"({"colour": "red"})").status == 400);
    CHECK(e.control(acronis, "PATCH", "/_emulator/tenants/00000000-0000-4000-8000-00000000dead", R"({"enabled": false})").status == 404);
    CHECK(e.control(acronis, "POST", "/_emulator/alerts", R"({"tenant_id": ")" + emutest::kCust1 + R"(", "type": "Nope"})").status == 400);
    CHECK(e.control(acronis, "POST", "/_emulator/alerts/00000000-0000-4000-8000-00000000dead/clear").status == 404);

    const auto psa = e.emu.psa_port();
    e.psa("POST", "v1/tickets/createticket", "", kCreate);
    auto changed = e.control(psa, "POST", "/_emulator/tickets/5531/status", R"({"status": "fixed"})");
    REQUIRE(changed.status == 200);
    CHECK(changed.json()->getValue<std::string>("Status") == "Fixed");
    CHECK(e.control(psa, "POST", "/_emulator/tickets/5531/status", R"({"status": "Nope"})").status == 400);
    CHECK(e.control(psa, "POST", "/_emulator/tickets/1/status", R"({"status": "New"})").status == 404);
    REQUIRE(e.control(psa, "DELETE", "/_emulator/customers/1004").status == 200);
    CHECK(e.psa_state()->getArray("customers")->size() == 4);
    CHECK(e.psa_state()->getArray("links")->size() == 1);
    CHECK(e.psa_state()->getArray("tickets")->size() == 1);  // tickets stay
    CHECK(e.control(psa, "GET", "/_emulator/nothing").status == 404);
}

TEST_CASE("emulator: bodies over 1 MiB are refused with 413 in the API's error style", "[emulator][control]") {
    Emu e;
    auto reply = e.psa("POST", "v1/tickets/createticket", "", std::string(1024 * 1024 + 1, ' '));
    CHECK(reply.status == 413);
    CHECK(reply.json()->has("Message"));
}

TEST_CASE("emulator: a POST without Content-Length has an empty body and is answered at once", "[emulator][control]") {
    Emu e;
    Poco::Net::HTTPClientSession session("127.0.0.1", e.emu.acronis_port());
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request("POST", "/_emulator/tokens/expire", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);  // no Content-Length, no chunks
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    CHECK(response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK);
    CHECK(body.find("expired") != std::string::npos);
}

TEST_CASE("emulator: seeded alerts get strictly increasing updatedAt", "[emulator][control]") {
    Emu e;
    auto alerts = e.acronis_state()->getArray("alerts");
    REQUIRE(alerts->size() == 2);  // both seeded 3600 s ago
    CHECK(alerts->getObject(0)->getValue<std::string>("updatedAt") != alerts->getObject(1)->getValue<std::string>("updatedAt"));
}

TEST_CASE("emulator: concurrent ticket creation hands out unique ids", "[emulator][control]") {
    Emu e;
    std::vector<std::future<std::string>> workers;
    for (int t = 0; t < 8; ++t)
        workers.push_back(std::async(std::launch::async, [&] {
            std::string refs;
            for (int i = 0; i < 10; ++i)
                refs += e.psa("POST", "v1/tickets/createticket", "", kCreate).json()->getValue<std::string>("RefNumber") + ",";
            return refs;
        }));
    std::set<std::string> refs;
    for (auto& worker : workers) {
        const std::string list = worker.get();
        std::size_t start = 0, comma;
        while ((comma = list.find(',', start)) != std::string::npos) {
            refs.insert(list.substr(start, comma - start));
            start = comma + 1;
        }
    }
    CHECK(refs.size() == 80);
    CHECK(e.psa_state()->getArray("tickets")->size() == 80);
}

TEST_CASE("seed: every malformed seed names the field", "[emulator][seed]") {
    const std::string good = emutest::seed_json();
    auto error_of = [](const std::string& text) -> std::string {
        try {
            emulator::parse_seed(text);
        } catch (const emulator::SeedError& e) {
            return e.what();
        }
        return "<accepted>";
    };
    auto replace = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        return text.replace(at, from.size(), to);
    };
    CHECK(error_of(good) == "<accepted>");
    CHECK(error_of("[]").find("seed") != std::string::npos);
    CHECK(error_of("{\"psa\": {}}").find("acronis") != std::string::npos);
    CHECK(error_of(replace(R"("kind": "root")", R"("kind": "galaxy")")).find("acronis.tenants[0].kind") != std::string::npos);
    CHECK(error_of(replace(R"("client_secret": "secret-1")", R"("client_secret": 5)")).find("acronis.clients[0].client_secret") != std::string::npos);
    CHECK(error_of(replace(R"("type": "BackupFailed",)", R"("type": "Unknown",)")).find("acronis.alerts[0].type") != std::string::npos);
    CHECK(error_of(replace(R"({"Id": 1002,)", R"({"Id": 1001,)")).find("psa.customers[1].Id") != std::string::npos);
    CHECK(error_of(replace(R"({"CustomerId": 1002, "FirstName")", R"({"CustomerId": 4242, "FirstName")")).find("psa.contacts[2].CustomerId") != std::string::npos);
    CHECK(error_of(replace(R"("TicketType": "Bug")", R"("TicketType": "Feature")")).find("psa.ticket_categories[0].TicketType") != std::string::npos);
    CHECK(error_of(replace(R"({"Id": 1, "Name": "New", "IsDefault": true})", R"({"Id": 1, "Name": "New"})")).find("psa.ticket_statuses") != std::string::npos);
    CHECK(error_of(replace(R"("api_keys": ["psa-key-1"])", R"("api_keys": [])")).find("psa.api_keys") != std::string::npos);
    CHECK(error_of(replace(R"("name": "Alpha",)", R"("name": "Alpha", "colour": "red",)")).find("acronis.tenants[2].colour") != std::string::npos);
    CHECK(error_of(replace(R"({"Id": 1002,)", R"({"Id": 99999999999999999999999,)")) != "<accepted>");
}

TEST_CASE("acpsa-emulator: runs from the command line and stops on SIGTERM, a bad seed exits 2", "[emulator][process]") {
    testsupport::TempDir dir;
    const std::string binary = std::string(ACPSA_BIN_DIR) + "/acpsa-emulator";
    testsupport::write_file(dir.file("seed.json"), emutest::seed_json());
    testsupport::ChildProcess good(binary, {"--seed", dir.file("seed.json"), "--acronis-port", "0", "--psa-port", "0"});
    const std::string line = good.wait_for_line("psa listening on 127.0.0.1:");
    REQUIRE_FALSE(line.empty());
    CHECK_FALSE(good.wait_for_line("acronis listening on 127.0.0.1:").empty());
    const auto port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
    CHECK(http_raw(port, "GET", "/webapi/v1/teams/getteams?api_key=psa-key-1", {}).status == 200);
    good.signal(SIGTERM);
    CHECK(good.wait() == 0);

    testsupport::write_file(dir.file("bad.json"), R"({"acronis": {"clients": []}, "psa": {}})");
    testsupport::ChildProcess bad(binary, {"--seed", dir.file("bad.json")});
    CHECK(bad.wait() == 2);
    bad.wait_for_line("\x01never");
    CHECK(bad.output().find("acronis.clients") != std::string::npos);

    testsupport::ChildProcess half_tls(binary, {"--seed", dir.file("seed.json"), "--tls-cert", dir.file("seed.json")});
    CHECK(half_tls.wait() == 2);
    half_tls.wait_for_line("\x01never");
    CHECK(half_tls.output().find("--tls-cert and --tls-key go together") != std::string::npos);

    testsupport::ChildProcess demo(binary, {"--seed", std::string(ACPSA_SOURCE_DIR) + "/config/demo/seed.json",
                                            "--acronis-port", "0", "--psa-port", "0"});
    CHECK_FALSE(demo.wait_for_line("psa listening on").empty());
    demo.signal(SIGTERM);
    CHECK(demo.wait() == 0);
}
