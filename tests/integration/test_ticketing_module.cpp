// The ticketing module through the admin API against the emulator: the product guide's
// scenarios end to end, exactly once across lost answers and crashes, and the request budget.

#include "product_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>

using producttest::find;
using producttest::Product;

namespace {

const std::string kModules = "mapping, ticketing";

/// DE Telecom mapped, BackupFailed → Incident A / TCB / Support, ticket creation on.
void setup(Product& p, bool creation = true) {
    REQUIRE(p.call("POST", "/api/mapping/customers/1001/map", R"({"tenant_id": ")" + p.tenant_id("DE Telecom Gmbh") + R"("})").status == 200);
    auto rule = p.call("PUT", "/api/ticketing/alert-types/BackupFailed",
                       R"({"enabled": true, "ticket_type": "incident a", "ticket_category": "TCB", "team": "Support"})");
    INFO(rule.body);
    REQUIRE(rule.status == 200);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", std::string(R"({"ticket_creation": )") + (creation ? "true" : "false") + "}").status == 200);
}

std::string raise(Product& p, const std::string& tenant_name, const std::string& type = "BackupFailed",
                  const std::string& details = R"({"resourceName": "SRV-01", "planName": "Daily to cloud"})") {
    auto reply = p.acronis_control("POST", "/_emulator/alerts",
                                   R"({"tenant_id": ")" + p.tenant_id(tenant_name) + R"(", "type": ")" + type +
                                       R"(", "details": )" + details + "}");
    REQUIRE(reply.status == 201);
    return reply.json()->getValue<std::string>("id");
}

Poco::JSON::Array::Ptr tickets(Product& p) {
    return p.psa_control("GET", "/_emulator/state").json()->getArray("tickets");
}

Poco::JSON::Array::Ptr links(Product& p, const std::string& query = "") {
    return p.get("/api/ticketing/links?limit=1000" + query)->getArray("items");
}

std::string activity_message(Product& p, const std::string& action) {
    auto items = p.activity(action);
    REQUIRE(items->size() > 0);
    return items->getObject(0)->getValue<std::string>("message");
}

/// Tickets whose title carries the alert's marker prefix.
int tickets_for(Product& p, const std::string& alert_id) {
    int count = 0;
    auto all = tickets(p);
    const std::string prefix = "[AC-" + Poco::toUpper(alert_id.substr(0, 8)) + "-";
    for (std::size_t i = 0; i < all->size(); ++i)
        if (all->getObject(static_cast<unsigned>(i))->getValue<std::string>("Title").find(prefix) != std::string::npos) ++count;
    return count;
}

}  // namespace

TEST_CASE("ticketing: settings and alert types follow the admin API", "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    auto defaults = p.get("/api/ticketing/settings");
    CHECK_FALSE(defaults->getValue<bool>("ticket_creation"));
    CHECK_FALSE(defaults->getObject("auto_close")->getValue<bool>("enabled"));
    CHECK(defaults->getObject("auto_close")->getValue<std::string>("status") == "Fixed");
    CHECK(defaults->getObject("auto_reopen")->getValue<int>("days") == 1);
    CHECK(defaults->getObject("auto_reopen")->getValue<std::string>("status") == "New");

    auto updated = p.call("PUT", "/api/ticketing/settings", R"({"auto_reopen": {"enabled": true, "days": 3, "status": "in progress"}})");
    REQUIRE(updated.status == 200);
    auto reopen = updated.json()->getObject("auto_reopen");
    CHECK(reopen->getValue<bool>("enabled"));
    CHECK(reopen->getValue<int>("days") == 3);
    CHECK(reopen->getValue<std::string>("status") == "In Progress");  // the PSA's spelling
    CHECK_FALSE(updated.json()->getObject("auto_close")->getValue<bool>("enabled"));  // nested objects merge
    auto bad_status = p.call("PUT", "/api/ticketing/settings", R"({"auto_close": {"status": "Done"}})");
    CHECK(bad_status.status == 422);
    CHECK(bad_status.json()->getObject("error")->getValue<std::string>("field") == "auto_close.status");
    CHECK(p.call("PUT", "/api/ticketing/settings", R"({"auto_reopen": {"days": 0}})").status == 422);
    CHECK(p.call("PUT", "/api/ticketing/settings", R"({"auto_reopen": {"days": "3"}})").status == 400);
    CHECK(p.call("PUT", "/api/ticketing/settings", R"({"ticket_creation": true, "colour": 1})").status == 422);
    CHECK_FALSE(p.get("/api/ticketing/settings")->getValue<bool>("ticket_creation"));  // all or nothing

    auto types = p.get("/api/ticketing/alert-types")->getArray("items");
    auto failed = find(types, "type", "BackupFailed");
    REQUIRE(failed);
    CHECK(failed->getValue<std::string>("name") == "Backup failed");
    CHECK(failed->getValue<std::string>("category") == "Backup");
    CHECK_FALSE(failed->getValue<bool>("enabled"));
    CHECK(failed->isNull("ticket_type"));
    CHECK(p.get("/api/ticketing/alert-types?search=missing")->getArray("items")->size() == 1);
    CHECK(p.call("PUT", "/api/ticketing/alert-types/BackupFailed", R"({"enabled": true, "ticket_type": "Bug"})").status == 422);
    auto wrong_category = p.call("PUT", "/api/ticketing/alert-types/BackupFailed",
                                 R"({"ticket_type": "Bug", "ticket_category": "Cat 3", "team": "Support"})");
    CHECK(wrong_category.status == 422);
    CHECK(wrong_category.json()->getObject("error")->getValue<std::string>("field") == "ticket_category");
    CHECK(p.call("PUT", "/api/ticketing/alert-types/NoSuchType", R"({"enabled": false})").status == 404);
    auto rule = p.call("PUT", "/api/ticketing/alert-types/BackupCanceled",
                       R"({"enabled": true, "ticket_type": "Incident A", "ticket_category": "Cat 3", "team": "operations"})");
    REQUIRE(rule.status == 200);
    CHECK(rule.json()->getValue<std::string>("team") == "Operations");
    auto off = p.call("PUT", "/api/ticketing/alert-types/BackupCanceled", R"({"enabled": false})");
    CHECK(off.json()->getValue<std::string>("ticket_category") == "Cat 3");  // disabling keeps them

    auto options = p.get("/api/ticketing/psa-options");
    CHECK_FALSE(options->getValue<bool>("stale"));
    CHECK(options->getArray("types")->size() == 2);
    CHECK(options->getObject("categories")->getArray("Incident A")->size() == 2);
    CHECK(options->getArray("teams")->size() == 2);
    CHECK(find(options->getArray("statuses"), "name", "Fixed")->getValue<bool>("closed"));
}

TEST_CASE("ticketing: psa options are served stale when the PSA is down, 503 when never fetched", "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.config->setString("modules.ticketing.psa_options_ttl_s", "0");
    p.start();
    REQUIRE(p.call("GET", "/api/ticketing/psa-options").status == 200);
    for (const char* route : {"GET /webapi/{ver}/tickets/gettickettypes", "GET /webapi/{ver}/tickets/getticketstatuses"})
        p.psa_control("POST", "/_emulator/faults", std::string(R"({"route": ")") + route + R"(", "kind": "500", "count": 50})");
    auto stale = p.get("/api/ticketing/psa-options");
    CHECK(stale->getValue<bool>("stale"));
    CHECK(stale->getArray("types")->size() == 2);

    Product fresh(producttest::demo_seed(), kModules);
    fresh.start();
    fresh.psa_control("POST", "/_emulator/faults", R"({"route": "GET /webapi/{ver}/tickets/gettickettypes", "kind": "503", "count": 50})");
    auto unavailable = fresh.call("GET", "/api/ticketing/psa-options");
    CHECK(unavailable.status == 503);
    CHECK(fresh.error_code(unavailable) == "unavailable");
}

TEST_CASE("ticketing: an alert becomes a ticket, resolves when it clears, reopens when it comes back", "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.use_manual_clock();
    p.start();
    setup(p);
    REQUIRE(p.call("PUT", "/api/ticketing/settings",
                   R"({"auto_close": {"enabled": true}, "auto_reopen": {"enabled": true, "days": 1}})").status == 200);
    const std::string alert = raise(p, "DE Telecom Gmbh");
    CHECK(p.run("ticketing") == "ok");

    auto all = tickets(p);
    REQUIRE(all->size() == 1);
    auto ticket = all->getObject(0);
    CHECK(ticket->getValue<std::string>("Title").find("Backup failed: SRV-01 [AC-" + alert.substr(0, 8) + "-1]") == 0);
    CHECK(ticket->getValue<std::string>("Description").find(alert) != std::string::npos);
    CHECK(ticket->getValue<std::string>("Description").find("Daily to cloud") != std::string::npos);
    CHECK(ticket->getValue<std::string>("Status") == "New");
    CHECK(ticket->getValue<std::string>("Type") == "Incident A");
    CHECK(ticket->getValue<std::string>("Category") == "TCB");
    CHECK(ticket->getValue<std::string>("Team") == "Support");
    CHECK(ticket->getValue<int>("CustomerId") == 1001);
    auto link = links(p)->getObject(0);
    CHECK(link->getValue<std::string>("state") == "open");
    CHECK(link->getValue<std::string>("ticket_ref") == ticket->getValue<std::string>("RefNumber"));
    CHECK(link->getValue<std::string>("ticket_status") == "New");
    CHECK(link->getValue<int>("occurrence") == 1);
    CHECK(activity_message(p, "ticket_created").find("Backup failed") != std::string::npos);

    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    CHECK(p.run("ticketing") == "ok");
    ticket = tickets(p)->getObject(0);
    CHECK(ticket->getValue<std::string>("Status") == "Fixed");
    CHECK(ticket->getArray("comments")->size() == 1);
    link = links(p)->getObject(0);
    CHECK(link->getValue<std::string>("state") == "resolved");
    CHECK(link->getValue<std::string>("alert_state") == "cleared");
    CHECK_FALSE(link->isNull("resolved_at"));
    CHECK(p.activity("ticket_resolved")->size() == 1);

    p.manual.advance(std::chrono::hours(23));  // within the one-day window
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/raise");
    CHECK(p.run("ticketing") == "ok");
    REQUIRE(tickets(p)->size() == 1);
    ticket = tickets(p)->getObject(0);
    CHECK(ticket->getValue<std::string>("Status") == "New");
    CHECK(ticket->getArray("comments")->size() == 2);
    CHECK(links(p)->getObject(0)->getValue<std::string>("state") == "open");
    CHECK(p.activity("ticket_reopened")->size() == 1);

    // Cleared and raised again after the window: a new ticket, the old link stays resolved.
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    p.run("ticketing");
    p.manual.advance(std::chrono::hours(25));
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/raise");
    CHECK(p.run("ticketing") == "ok");
    CHECK(tickets(p)->size() == 2);
    auto all_links = links(p);
    REQUIRE(all_links->size() == 2);
    CHECK(all_links->getObject(0)->getValue<int>("occurrence") == 2);
    CHECK(all_links->getObject(0)->getValue<std::string>("state") == "open");
    CHECK(all_links->getObject(1)->getValue<std::string>("state") == "resolved");
    CHECK(tickets(p)->getObject(1)->getValue<std::string>("Title").find("-2]") != std::string::npos);
}

TEST_CASE("ticketing: auto-close resolves with the status the partner chose, not the PSA's first closed one",
          "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    setup(p);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"auto_close": {"enabled": true, "status": "closed"}})").status == 200);
    CHECK(p.get("/api/ticketing/settings")->getObject("auto_close")->getValue<std::string>("status") == "Closed");
    const std::string alert = raise(p, "DE Telecom Gmbh");
    REQUIRE(p.run("ticketing") == "ok");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    CHECK(p.run("ticketing") == "ok");
    auto ticket = tickets(p)->getObject(0);
    CHECK(ticket->getValue<std::string>("Status") == "Closed");  // "Fixed" is the PSA's first closed status
    CHECK(links(p)->getObject(0)->getValue<std::string>("state") == "resolved");
    CHECK(links(p)->getObject(0)->getValue<std::string>("ticket_status") == "Closed");
}

TEST_CASE("ticketing: recurrences comment, clears without auto-close are noted, same-resource alerts fold",
          "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    setup(p);
    const std::string alert = raise(p, "DE Telecom Gmbh", "BackupFailed", R"({"resourceId": "R-1", "resourceName": "SRV-01"})");
    p.run("ticketing");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    p.run("ticketing");
    CHECK(tickets(p)->getObject(0)->getValue<std::string>("Status") == "New");  // auto-close off: stays open
    CHECK(activity_message(p, "alert_clear_noted").find("automatic close is off") != std::string::npos);

    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/raise");
    testsupport::http_raw(p.emu.psa_port(), "POST", "/_emulator/stats/reset", {});
    p.run("ticketing");
    CHECK(tickets(p)->size() == 1);
    CHECK(tickets(p)->getObject(0)->getArray("comments")->size() == 1);
    auto psa = p.requests(p.emu.psa_port());
    CHECK(psa->getValue<int>("GET /webapi/{ver}/tickets/getticketsreport") == 1);  // one read of the ticket
    CHECK(psa->getValue<int>("POST /webapi/{ver}/tickets/addcomment") == 1);      // and one comment
    CHECK(p.activity("ticket_commented")->size() == 1);

    // Another alert id on the same tenant, type and resource: folded into the open ticket.
    const std::string twin = raise(p, "DE Telecom Gmbh", "BackupFailed", R"({"resourceId": "R-1", "resourceName": "SRV-01"})");
    p.run("ticketing");
    CHECK(tickets(p)->size() == 1);
    CHECK(tickets(p)->getObject(0)->getArray("comments")->size() == 2);
    auto folded = p.activity("ticket_commented")->getObject(0)->getObject("subjects");
    CHECK(folded->getValue<std::string>("folded_alert_id") == twin);
    CHECK(links(p)->size() == 1);
}

TEST_CASE("ticketing: a fold the PSA refuses never leaves an alert without a ticket, nor a closed ticket reopened beside an open one",
          "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    setup(p);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"auto_close": {"enabled": true}, "auto_reopen": {"enabled": true}})").status == 200);
    const std::string details = R"({"resourceId": "R-1", "resourceName": "SRV-01"})";
    const std::string first = raise(p, "DE Telecom Gmbh", "BackupFailed", details);
    p.run("ticketing");
    p.acronis_control("POST", "/_emulator/alerts/" + first + "/clear");
    CHECK(p.run("ticketing") == "ok");  // first's ticket resolved: the resource is free again
    const std::string second = raise(p, "DE Telecom Gmbh", "BackupFailed", details);
    CHECK(p.run("ticketing") == "ok");
    REQUIRE(tickets_for(p, second) == 1);

    // first comes back while second's ticket is open for the resource, and the PSA refuses the fold.
    p.psa_control("POST", "/_emulator/faults", R"({"route": "POST /webapi/{ver}/tickets/addcomment", "kind": "400"})");
    p.acronis_control("POST", "/_emulator/alerts/" + first + "/raise");
    CHECK(p.run("ticketing") == "ok");
    CHECK(p.run("ticketing") == "ok");  // and the cycle after it is not stuck on that change
    CHECK(links(p, "&state=open")->size() == 1);
    CHECK(tickets_for(p, first) == 1);
    CHECK(activity_message(p, "ticket_failed").find("took no comment") != std::string::npos);

    // A third alert on the resource, the fold refused again: a ticket of its own, not none.
    p.psa_control("POST", "/_emulator/faults", R"({"route": "POST /webapi/{ver}/tickets/addcomment", "kind": "400"})");
    const std::string third = raise(p, "DE Telecom Gmbh", "BackupFailed", details);
    CHECK(p.run("ticketing") == "ok");
    CHECK(tickets_for(p, third) == 1);
    CHECK(links(p, "&state=open")->size() == 2);
}

TEST_CASE("ticketing: a refused lookup after a lost create waits for the ticket instead of failing the link",
          "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.config->setString("acpsa.psa.read_timeout_s", "1");
    p.start();
    setup(p);
    // Each lookup is refused twice (with its filter, then without it, §2): three lookups refused.
    p.psa_control("POST", "/_emulator/faults",
                  R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "apply_then_drop"})");
    p.psa_control("POST", "/_emulator/faults",
                  R"({"route": "GET /webapi/{ver}/tickets/getticketsreport", "kind": "400", "count": 6})");
    const std::string alert = raise(p, "DE Telecom Gmbh");
    REQUIRE(testsupport::eventually([&] {
        p.run("ticketing");
        return links(p, "&state=open")->size() == 1;
    }));
    CHECK(links(p, "&state=failed")->size() == 0);
    p.run("ticketing");
    CHECK(tickets_for(p, alert) == 1);  // the ticket the lost create made, adopted once the lookup answered
    CHECK(tickets(p)->size() == 1);
}

TEST_CASE("ticketing: disabled types, unmapped tenants and creation off make no ticket, and say why", "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    setup(p, false);
    const std::string before_on = raise(p, "DE Telecom Gmbh");
    p.run("ticketing");
    CHECK(activity_message(p, "alert_skipped").find("creation off") != std::string::npos);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"ticket_creation": true})").status == 200);
    p.run("ticketing");
    CHECK(tickets(p)->size() == 0);  // turning creation on does not flood the desk with old alerts

    raise(p, "DE Telecom Gmbh", "BackupDidNotStart");
    p.run("ticketing");
    CHECK(activity_message(p, "alert_skipped").find("type off") != std::string::npos);
    raise(p, "Blah");
    p.run("ticketing");
    CHECK(activity_message(p, "alert_skipped").find("not mapped") != std::string::npos);
    CHECK(tickets(p)->size() == 0);

    p.acronis_control("POST", "/_emulator/alerts/" + before_on + "/clear");
    p.acronis_control("POST", "/_emulator/alerts/" + before_on + "/raise");  // it changes again: now it counts
    p.run("ticketing");
    CHECK(tickets(p)->size() == 1);
    const std::string cleared = raise(p, "DE Telecom Gmbh", "BackupFailed", R"({"resourceName": "PC-9"})");
    p.acronis_control("POST", "/_emulator/alerts/" + cleared + "/clear");
    p.run("ticketing");
    CHECK(activity_message(p, "alert_skipped").find("cleared before seen") != std::string::npos);
    CHECK(tickets(p)->size() == 1);
}

TEST_CASE("ticketing: a ticket a technician closed is reopened when its alert comes back within the window",
          "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    setup(p);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"auto_reopen": {"enabled": true, "days": 2}})").status == 200);
    const std::string alert = raise(p, "DE Telecom Gmbh");
    p.run("ticketing");
    const std::string id = tickets(p)->getObject(0)->get("Id").toString();
    p.psa_control("POST", "/_emulator/tickets/" + id + "/status", R"({"status": "Closed"})");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    p.acronis_control("POST", "/_emulator/alerts/" + alert + "/raise");
    p.run("ticketing");
    CHECK(tickets(p)->size() == 1);
    CHECK(tickets(p)->getObject(0)->getValue<std::string>("Status") == "New");
    CHECK(p.activity("ticket_reopened")->size() == 1);
}

TEST_CASE("ticketing: a refused create is a failed link a partner can retry, and unlinking leaves tickets alone",
          "[ticketing][integration]") {
    Product p(producttest::demo_seed(), kModules);
    p.start();
    setup(p);
    p.psa_control("DELETE", "/_emulator/customers/1001");  // the PSA refuses tickets for it now
    raise(p, "DE Telecom Gmbh");
    CHECK(p.run("ticketing") == "ok");  // a permanent refusal does not hold the watermark
    auto failed = links(p, "&state=failed");
    REQUIRE(failed->size() == 1);
    CHECK(failed->getObject(0)->getValue<std::string>("error").find("400") != std::string::npos);
    CHECK(p.activity("ticket_failed")->size() == 1);
    const std::string link_id = failed->getObject(0)->getValue<std::string>("link_id");
    auto retried = p.call("POST", "/api/ticketing/links/" + link_id + "/retry");
    CHECK(retried.status == 202);
    CHECK(retried.json()->getValue<std::string>("state") == "creating");
    p.run("ticketing");
    CHECK(links(p, "&state=failed")->size() == 1);  // still refused
    CHECK(p.call("POST", "/api/ticketing/links/999/retry").status == 404);
    CHECK(p.call("GET", "/api/ticketing/links?state=lost").status == 422);

    Product q(producttest::demo_seed(), kModules);
    q.start();
    setup(q);
    REQUIRE(q.call("PUT", "/api/ticketing/settings", R"({"auto_close": {"enabled": true}})").status == 200);
    const std::string alert = raise(q, "DE Telecom Gmbh");
    q.run("ticketing");
    const std::string open_link = links(q)->getObject(0)->getValue<std::string>("link_id");
    CHECK(q.call("POST", "/api/ticketing/links/" + open_link + "/retry").status == 409);
    REQUIRE(q.call("DELETE", "/api/mapping/customers/1001/map").status == 200);
    q.acronis_control("POST", "/_emulator/alerts/" + alert + "/clear");
    q.run("ticketing");
    CHECK(tickets(q)->getObject(0)->getValue<std::string>("Status") == "New");  // left alone
    CHECK(links(q, "&psa_customer_id=1001")->size() == 1);
}

TEST_CASE("ticketing: lost and slow answers on createticket still make exactly one ticket", "[ticketing][integration]") {
    for (const char* kind : {"drop", "apply_then_drop", "slow", "500", "429"}) {
        DYNAMIC_SECTION(kind) {
            Product p(producttest::demo_seed(), kModules);
            p.config->setString("acpsa.psa.read_timeout_s", "1");
            p.start();
            setup(p);
            p.psa_control("POST", "/_emulator/faults",
                          std::string(R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": ")") + kind +
                              R"(", "delay_ms": 1200, "retry_after": 1})");
            const std::string alert = raise(p, "DE Telecom Gmbh");
            // Cycles until the ticket is recorded (a slow answer is waited for, not created twice).
            REQUIRE(testsupport::eventually([&] {
                p.run("ticketing");
                return links(p, "&state=open")->size() == 1;
            }));
            // Once the slow create (1.2 s against a 1 s read timeout) has been carried out, a second
            // create sent in the meantime would show as a second ticket.
            REQUIRE(testsupport::eventually([&] {
                return p.psa_control("GET", "/_emulator/stats").json()->getValue<int>("in_flight") == 0;
            }));
            p.run("ticketing");
            CHECK(tickets_for(p, alert) == 1);
            CHECK(tickets(p)->size() == 1);
        }
    }
}

TEST_CASE("ticketing: a crash at any point of a create leaves exactly one ticket after the restart", "[ticketing][integration]") {
    for (const char* point : {"ticketing.after_intent", "ticketing.after_create", "ticketing.after_record"}) {
        DYNAMIC_SECTION(point) {
            Product p(producttest::demo_seed(), kModules);
            std::ostringstream config;
            for (const auto& key : {"host.plugin_dir", "host.admin.token", "acpsa.acronis.url", "acpsa.acronis.client_id",
                                    "acpsa.acronis.client_secret", "acpsa.psa.site", "acpsa.psa.api_key", "acpsa.psa.page_delay_ms"})
                config << key << " = " << p.config->getString(key) << "\n";
            config << "host.modules = " << kModules << "\nhost.state.database = state.db\nhost.admin.listen = 127.0.0.1:0\n"
                   << "modules.mapping.interval = 3600\nmodules.ticketing.interval = 3600\nacpsa.acronis.alerts_overlap_s = 0\n";
            testsupport::write_file(p.dir.file("host.properties"), config.str());
            const std::string binary = std::string(ACPSA_BIN_DIR) + "/sample-host";
            auto port_of = [](testsupport::ChildProcess& child) {
                const std::string line = child.wait_for_line("admin listening on 127.0.0.1:");
                REQUIRE_FALSE(line.empty());
                return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
            };
            std::string alert;
            {
                testsupport::ChildProcess crashing(binary, {"--config", p.dir.file("host.properties")}, {{"ACPSA_FAILPOINTS", point}});
                p.port = port_of(crashing);
                REQUIRE(testsupport::eventually([&] { return p.call("GET", "/api/mapping/customers").status == 200; }));
                setup(p);
                alert = raise(p, "DE Telecom Gmbh");
                // The process dies inside this cycle: the request gets no answer.
                CHECK_THROWS_AS(testsupport::http_raw(p.port, "POST", "/api/modules/ticketing/run",
                                                      {{"Authorization", "Bearer " + producttest::kAdminToken}}, ""),
                                Poco::Exception);
                CHECK(crashing.wait() == 86);
            }
            testsupport::ChildProcess resumed(binary, {"--config", p.dir.file("host.properties")});
            p.port = port_of(resumed);
            REQUIRE(testsupport::eventually([&] {
                auto reply = p.call("GET", "/api/ticketing/links?state=open");
                return reply.status == 200 && reply.json()->getValue<int>("total") == 1;
            }));
            p.run("ticketing");
            CHECK(tickets_for(p, alert) == 1);
            CHECK(p.get("/api/ticketing/links")->getValue<int>("total") == 1);
            resumed.signal(SIGTERM);
            CHECK(resumed.wait() == 0);
        }
    }
}

TEST_CASE("ticketing: an idle cycle costs one Acronis request, 1,000 alerts their pages and one create each",
          "[ticketing][integration]") {
    // 200 tenants, each mapped to its PSA customer through the marketplace wizard.
    std::ostringstream seed;
    seed << R"({"acronis": {"clients": [{"client_id": "5e7d0c1a-7b3e-4c55-9a0d-3f1e2d4c5b6a", "client_secret": "demo-client-secret",
             "tenant_id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f"}], "alert_types": [{"id": "BackupFailed", "category": "Backup", "severity": "critical"}],
             "tenants": [{"id": "00000000-0000-4000-8000-000000000001", "name": "Root", "kind": "root"},
             {"id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f", "name": "Partner", "kind": "partner", "parent_id": "00000000-0000-4000-8000-000000000001"})";
    std::vector<std::string> tenant_ids;
    for (int i = 0; i < 200; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", 1000 + i);
        tenant_ids.push_back(id);
        seed << R"(, {"id": ")" << id << R"(", "name": "Tenant )" << i
             << R"(", "kind": "customer", "parent_id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f", "customer_id": "osa_account_id=)" << (5000 + i) << R"("})";
    }
    seed << R"(]}, "psa": {"api_keys": ["demo-psa-api-key"], "customers": [)";
    for (int i = 0; i < 200; ++i) seed << (i ? "," : "") << R"({"Id": )" << (2000 + i) << R"(, "CompanyName": "Customer )" << i << R"("})";
    seed << R"(], "links": [)";
    for (int i = 0; i < 200; ++i)
        seed << (i ? "," : "") << R"({"CustomerId": )" << (2000 + i) << R"(, "ExternalSystem": "CMP", "ExternalId": ")" << (5000 + i) << R"("})";
    seed << R"(], "ticket_types": [{"Id": 1, "Name": "Incident A"}], "ticket_categories": [{"Id": 1, "Name": "TCB", "TicketType": "Incident A"}],
             "teams": [{"Id": 1, "Name": "Support"}], "ticket_statuses": [{"Id": 1, "Name": "New", "IsDefault": true},
             {"Id": 2, "Name": "Fixed", "IsClosed": true}]}})";

    Product p(seed.str(), kModules);
    p.config->setString("acpsa.acronis.alerts_overlap_s", "0");
    p.start();
    std::string ids = "[";
    for (int i = 0; i < 200; ++i) ids += (i ? ",\"" : "\"") + std::to_string(2000 + i) + "\"";
    REQUIRE(p.call("POST", "/api/mapping/marketplace/confirm", R"({"psa_customer_ids": )" + ids + "]}").status == 200);
    REQUIRE(p.call("PUT", "/api/ticketing/alert-types/BackupFailed",
                   R"({"enabled": true, "ticket_type": "Incident A", "ticket_category": "TCB", "team": "Support"})").status == 200);
    REQUIRE(p.call("PUT", "/api/ticketing/settings", R"({"ticket_creation": true})").status == 200);
    p.run("ticketing");  // past the first watermark

    auto reset = [&] {
        testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/stats/reset", {});
        testsupport::http_raw(p.emu.psa_port(), "POST", "/_emulator/stats/reset", {});
    };
    auto count_all = [](const Poco::JSON::Object::Ptr& requests, const std::string& except) {
        int total = 0;
        for (const auto& [route, count] : *requests)
            if (route != except) total += count.convert<int>();
        return total;
    };
    reset();
    REQUIRE(p.run("ticketing") == "ok");
    CHECK(count_all(p.requests(p.emu.acronis_port()), "POST /api/2/idp/token") == 1);  // the alert page, nothing else
    CHECK(p.requests(p.emu.acronis_port())->getValue<int>("GET /api/alert_manager/v1/alerts") == 1);
    CHECK(p.requests(p.emu.psa_port())->size() == 0);

    for (int i = 0; i < 1000; ++i)
        REQUIRE(p.acronis_control("POST", "/_emulator/alerts",
                                  R"({"tenant_id": ")" + tenant_ids[static_cast<std::size_t>(i % 200)] + R"(", "type": "BackupFailed"})")
                    .status == 201);
    reset();
    REQUIRE(p.run("ticketing") == "ok");
    auto acronis = p.requests(p.emu.acronis_port());
    CHECK(acronis->getValue<int>("GET /api/alert_manager/v1/alerts") == 10);  // ceil(1000 / 100)
    CHECK(count_all(acronis, "POST /api/2/idp/token") == 10);
    auto psa = p.requests(p.emu.psa_port());
    CHECK(psa->getValue<int>("POST /webapi/{ver}/tickets/createticket") == 1000);
    CHECK(psa->size() == 1);
    CHECK(tickets(p)->size() == 1000);
}
