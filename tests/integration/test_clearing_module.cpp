// The clearing module with the ticketing module, through the admin API against the emulator.

#include "product_fixture.hpp"

#include <catch2/catch.hpp>

using producttest::find;
using producttest::Product;

namespace {

const std::string kModules = "mapping, ticketing, clearing";

/// DE Telecom mapped, BackupFailed → a ticket; returns the alert id and leaves its ticket open.
std::string ticket_for_alert(Product& p) {
    REQUIRE(p.call("POST", "/api/mapping/customers/1001/map", R"({"tenant_id": ")" + p.tenant_id("DE Telecom Gmbh") + R"("})").status == 200);
    REQUIRE(p.call("PUT", "/api/ticketing/alert-types/BackupFailed",
                   R"({"enabled": true, "ticket_type": "Incident A", "ticket_category": "TCB", "team": "Support"})").status == 200);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"ticket_creation": true})").status == 200);
    auto raised = p.acronis_control("POST", "/_emulator/alerts",
                                    R"({"tenant_id": ")" + p.tenant_id("DE Telecom Gmbh") + R"(", "type": "BackupFailed"})");
    REQUIRE(raised.status == 201);
    REQUIRE(p.run("ticketing") == "ok");
    return raised.json()->getValue<std::string>("id");
}

std::string ticket_id(Product& p) {
    return p.psa_control("GET", "/_emulator/state").json()->getArray("tickets")->getObject(0)->get("Id").toString();
}

void technician_sets(Product& p, const std::string& status) {
    REQUIRE(p.psa_control("POST", "/_emulator/tickets/" + ticket_id(p) + "/status", R"({"status": ")" + status + R"("})").status == 200);
}

bool alert_dismissed(Product& p, const std::string& alert) {
    auto alerts = p.acronis_control("GET", "/_emulator/state").json()->getArray("alerts");
    auto found = find(alerts, "id", alert);
    REQUIRE(found);
    return found->has("deletedAt");
}

Poco::JSON::Object::Ptr link(Product& p) { return p.get("/api/ticketing/links")->getArray("items")->getObject(0); }

}  // namespace

TEST_CASE("clearing settings: default status follows auto-close's rule, values are checked", "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    auto defaults = p.get("/api/clearing/settings")->getObject("auto_clear");
    CHECK_FALSE(defaults->getValue<bool>("enabled"));
    CHECK(defaults->getValue<std::string>("status") == "Fixed");
    auto set = p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": true, "status": "closed"}})");
    REQUIRE(set.status == 200);
    CHECK(set.json()->getObject("auto_clear")->getValue<std::string>("status") == "Closed");
    auto bad = p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"status": "Done"}})");
    CHECK(bad.status == 422);
    CHECK(bad.json()->getObject("error")->getValue<std::string>("field") == "auto_clear.status");
    CHECK(p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": "yes"}})").status == 400);
    CHECK(p.call("PUT", "/api/clearing/settings", R"({"auto_clear": true})").status == 400);
    CHECK(p.call("PUT", "/api/clearing/settings", R"({"colour": 1})").status == 422);
    CHECK(p.get("/api/clearing/settings")->getObject("auto_clear")->getValue<std::string>("status") == "Closed");
}

TEST_CASE("clearing: the chosen status clears the alert, another status only is recorded", "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    const std::string alert = ticket_for_alert(p);
    REQUIRE(p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": true}})").status == 200);

    technician_sets(p, "In Progress");
    CHECK(p.run("clearing") == "ok");
    CHECK_FALSE(alert_dismissed(p, alert));
    CHECK(link(p)->getValue<std::string>("ticket_status") == "In Progress");
    CHECK(p.activity("ticket_status_seen")->size() == 1);

    // Another closed status than the chosen one ("Fixed", the PSA's first closed status): recorded only.
    technician_sets(p, "Closed");
    CHECK(p.run("clearing") == "ok");
    CHECK_FALSE(alert_dismissed(p, alert));
    CHECK(link(p)->getValue<std::string>("ticket_status") == "Closed");
    CHECK(link(p)->getValue<std::string>("alert_state") == "active");
    CHECK(p.activity("alert_cleared")->size() == 0);

    technician_sets(p, "Fixed");
    CHECK(p.run("clearing") == "ok");
    CHECK(alert_dismissed(p, alert));
    CHECK(link(p)->getValue<std::string>("alert_state") == "cleared");
    CHECK(p.activity("alert_cleared")->size() == 1);
    // The ticketing module then sees the alert cleared on a closed ticket: noted, nothing more.
    CHECK(p.run("ticketing") == "ok");
    CHECK(p.activity("alert_clear_noted")->size() == 1);
    CHECK(p.activity("ticket_resolved")->size() == 0);
}

TEST_CASE("clearing: with auto-clear off the status is recorded and the alert stays", "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    const std::string alert = ticket_for_alert(p);
    technician_sets(p, "Fixed");
    CHECK(p.run("clearing") == "ok");
    CHECK_FALSE(alert_dismissed(p, alert));
    CHECK(link(p)->getValue<std::string>("ticket_status") == "Fixed");
    CHECK(p.activity("ticket_status_seen")->size() == 1);
    CHECK(p.activity("alert_cleared")->size() == 0);
}

TEST_CASE("clearing: an alert already cleared in the console is done, faults on the dismiss are retried", "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    const std::string alert = ticket_for_alert(p);
    REQUIRE(p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": true}})").status == 200);
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    p.acronis_control("POST", "/_emulator/faults", R"({"route": "DELETE /api/alert_manager/v1/alerts/{id}", "kind": "503", "count": 3})");
    technician_sets(p, "Fixed");
    CHECK(p.run("clearing") == "retry");  // three 503s: the change waits, nothing recorded
    CHECK(link(p)->getValue<std::string>("ticket_status") == "New");
    p.acronis_control("POST", "/_emulator/faults", R"({"route": "DELETE /api/alert_manager/v1/alerts/{id}", "kind": "drop"})");
    CHECK(p.run("clearing") == "ok");  // the lost answer is retried in the same cycle
    CHECK(alert_dismissed(p, alert));
    CHECK(link(p)->getValue<std::string>("ticket_status") == "Fixed");
    CHECK(p.activity("alert_cleared")->size() == 1);
}

TEST_CASE("clearing: a dismiss Acronis refuses for good is recorded and does not hold up the cycle", "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    const std::string alert = ticket_for_alert(p);
    REQUIRE(p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": true}})").status == 200);
    p.acronis_control("POST", "/_emulator/faults", R"({"route": "DELETE /api/alert_manager/v1/alerts/{id}", "kind": "400"})");
    technician_sets(p, "Fixed");
    CHECK(p.run("clearing") == "ok");
    CHECK_FALSE(alert_dismissed(p, alert));
    CHECK(link(p)->getValue<std::string>("ticket_status") == "Fixed");  // the change is handled, not retried forever
    CHECK(link(p)->getValue<std::string>("alert_state") == "active");
    auto cleared = p.activity("alert_cleared");
    REQUIRE(cleared->size() == 1);
    CHECK(cleared->getObject(0)->getValue<std::string>("outcome") == "failed");
    CHECK(cleared->getObject(0)->getValue<std::string>("message").find("400") != std::string::npos);
    CHECK(p.run("clearing") == "ok");
}

TEST_CASE("clearing: resolve on clear followed by clear on resolve settles in one step", "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    const std::string alert = ticket_for_alert(p);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"auto_close": {"enabled": true}})").status == 200);
    REQUIRE(p.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": true}})").status == 200);
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    CHECK(p.run("ticketing") == "ok");  // resolves the ticket (Fixed)
    testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/stats/reset", {});
    CHECK(p.run("clearing") == "ok");
    CHECK_FALSE(p.requests(p.emu.acronis_port())->has("DELETE /api/alert_manager/v1/alerts/{id}"));
    CHECK(p.run("ticketing") == "ok");
    CHECK(p.activity("ticket_resolved")->size() == 1);
    CHECK(p.activity("alert_cleared")->size() == 0);
    CHECK(p.psa_control("GET", "/_emulator/state").json()->getArray("tickets")->getObject(0)->getArray("history")->size() == 2);
}

TEST_CASE("clearing: a technician closes the ticket, the alert comes back within the window, the ticket reopens",
          "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.use_manual_clock();
    p.start();
    const std::string alert = ticket_for_alert(p);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"auto_reopen": {"enabled": true, "days": 2}})").status == 200);
    technician_sets(p, "Closed");
    CHECK(p.run("clearing") == "ok");  // first seen closed now
    p.manual.advance(std::chrono::hours(30));
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/raise");
    CHECK(p.run("ticketing") == "ok");
    auto tickets = p.psa_control("GET", "/_emulator/state").json()->getArray("tickets");
    REQUIRE(tickets->size() == 1);
    CHECK(tickets->getObject(0)->getValue<std::string>("Status") == "New");
    CHECK(p.activity("ticket_reopened")->size() == 1);
}

TEST_CASE("clearing: an idle cycle costs one PSA request in date mode, snapshot mode reads the open tickets in chunks",
          "[clearing][integration]") {
    Product date_mode(producttest::demo_seed(), kModules);
    date_mode.config->setString("acpsa.psa.updated_overlap_s", "0");
    date_mode.start();
    ticket_for_alert(date_mode);
    date_mode.run("clearing");
    testsupport::http_raw(date_mode.emu.acronis_port(), "POST", "/_emulator/stats/reset", {});
    testsupport::http_raw(date_mode.emu.psa_port(), "POST", "/_emulator/stats/reset", {});
    CHECK(date_mode.run("clearing") == "ok");
    auto psa = date_mode.requests(date_mode.emu.psa_port());
    CHECK(psa->size() == 1);
    CHECK(psa->getValue<int>("GET /webapi/{ver}/tickets/getticketsreport") == 1);
    CHECK(date_mode.requests(date_mode.emu.acronis_port())->size() == 0);

    Product snapshot(producttest::demo_seed(), kModules);
    snapshot.config->setString("acpsa.psa.col.ticket_updated", "");
    snapshot.config->setString("acpsa.psa.snapshot_chunk", "2");
    snapshot.start();
    const std::string first = ticket_for_alert(snapshot);
    for (int i = 0; i < 4; ++i)
        snapshot.acronis_control("POST", "/_emulator/alerts",
                                 R"({"tenant_id": ")" + snapshot.tenant_id("DE Telecom Gmbh") + R"(", "type": "BackupFailed"})");
    snapshot.run("ticketing");
    REQUIRE(snapshot.get("/api/ticketing/links?state=open")->getValue<int>("total") == 5);
    REQUIRE(snapshot.call("PUT", "/api/clearing/settings", R"({"auto_clear": {"enabled": true}})").status == 200);
    testsupport::http_raw(snapshot.emu.psa_port(), "POST", "/_emulator/stats/reset", {});
    CHECK(snapshot.run("clearing") == "ok");
    CHECK(snapshot.requests(snapshot.emu.psa_port())->getValue<int>("GET /webapi/{ver}/tickets/getticketsreport") == 3);  // ceil(5 / 2)
    technician_sets(snapshot, "Fixed");
    CHECK(snapshot.run("clearing") == "ok");
    CHECK(alert_dismissed(snapshot, first));
}

TEST_CASE("clearing: a ticket a technician closed gets a new occurrence when its alert comes back and reopen is off",
          "[clearing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    const std::string alert = ticket_for_alert(p);
    technician_sets(p, "Fixed");
    CHECK(p.run("clearing") == "ok");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/raise");
    CHECK(p.run("ticketing") == "ok");
    auto all = p.get("/api/ticketing/links")->getArray("items");
    REQUIRE(all->size() == 2);
    CHECK(all->getObject(0)->getValue<int>("occurrence") == 2);
    CHECK(all->getObject(0)->getValue<std::string>("state") == "open");
    CHECK(all->getObject(1)->getValue<std::string>("state") == "resolved");
    CHECK(p.psa_control("GET", "/_emulator/state").json()->getArray("tickets")->size() == 2);
    // Later alerts still get tickets: nothing is stuck.
    p.acronis_control("POST", "/_emulator/alerts", R"({"tenant_id": ")" + p.tenant_id("DE Telecom Gmbh") + R"(", "type": "BackupFailed"})");
    CHECK(p.run("ticketing") == "ok");
    CHECK(p.psa_control("GET", "/_emulator/state").json()->getArray("tickets")->size() == 3);
}
