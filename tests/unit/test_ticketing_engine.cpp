// The ticketing engine against in-memory fakes of both APIs and a manual clock: every row of the
// decision table (issue #7, DESIGN §5) as the partner sees it — tickets made, commented, resolved,
// reopened, left alone — and the exactly-once rules under the PSA's failures.

#include "ticketing_service.hpp"

#include "fake_apis.hpp"
#include "fake_context.hpp"

#include <hostsdk/admin_json.hpp>

#include <catch2/catch.hpp>

using namespace acpsa;
using core::LinkState;
using fakes::Fault;

namespace {

using namespace std::chrono_literals;

const char* kTenant = "t-contoso";

/// The engine wired to fakes: customer 1001 (Contoso) mapped to tenant t-contoso, ticket creation
/// on, BackupFailed tickets as Incident / Backup / Service Desk, the PSA lists cached.
struct Engine {
    fakes::FakeContext ctx;
    fakes::FakeAcronis acronis{ctx.clock()};
    fakes::FakePsa psa{ctx.clock()};
    core::Store store{ctx.database()};
    ticketing::TicketingConfig config{store, psa, acronis, ctx.clock(), std::chrono::hours(1)};
    ticketing::TicketingService service{store, acronis, psa, config, ctx};

    explicit Engine(bool auto_close = true, bool auto_reopen = true) {
        psa.customers = {{"1001", "Contoso", "A-1", "Active", "Ann Smith"}, {"1002", "Fabrikam", "A-2", "Active", "Bo Li"}};
        store.replace_psa_customers(psa.customers);
        core::Tenant tenant;
        tenant.id = kTenant;
        tenant.name = "Contoso Backup";
        tenant.kind = "customer";
        store.replace_tenants({tenant});
        map("1001", kTenant);
        settings(true, auto_close, auto_reopen, 2);
        rule("BackupFailed", true);
        config.options();  // the PSA lists, cached as a cycle expects them
    }
    void map(const std::string& customer, const std::string& tenant) {
        core::Mapping m;
        m.psa_customer_id = customer;
        m.tenant_id = tenant;
        m.psa_customer_name = customer == "1001" ? "Contoso" : "Fabrikam";
        m.tenant_name = "Contoso Backup";
        store.put_mapping(m);
    }
    void settings(bool creation, bool auto_close, bool auto_reopen, int days) {
        Poco::JSON::Object::Ptr close = new Poco::JSON::Object, reopen = new Poco::JSON::Object, root = new Poco::JSON::Object;
        close->set("enabled", auto_close);
        reopen->set("enabled", auto_reopen);
        reopen->set("days", days);
        root->set("ticket_creation", creation);
        root->set("auto_close", close);
        root->set("auto_reopen", reopen);
        store.put_settings("ticketing", root);
    }
    void rule(const std::string& type, bool enabled) {
        store.put_alert_rule({type, enabled, std::string("Incident"), std::string("Backup"), std::string("Service Desk")});
    }
    /// One cycle, a second after the last change.
    hostsdk::RunResult cycle() {
        ctx.advance(1s);
        return service.run_cycle();
    }
    std::optional<core::TicketLink> latest(const std::string& alert) { return store.latest_link_for_alert(alert); }
};

}  // namespace

TEST_CASE("ticketing engine: a new alert of an enabled type on a mapped tenant becomes one ticket", "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    const auto result = e.cycle();
    CHECK(result.status == hostsdk::RunResult::Status::ok);
    REQUIRE(e.psa.tickets.size() == 1);
    const auto& ticket = e.psa.tickets[0];
    CHECK(ticket.row.title.find("[AC-A-1-1]") != std::string::npos);
    CHECK(ticket.customer == "1001");
    CHECK(ticket.row.type == "Incident");
    CHECK(ticket.category == "Backup");
    CHECK(ticket.team == "Service Desk");
    const auto link = e.latest("A-1");
    REQUIRE(link);
    CHECK(link->state == LinkState::open);
    CHECK(link->ticket_ref == std::optional<std::string>(ticket.row.ref));
    CHECK(link->ticket_status == std::optional<std::string>("New"));  // the PSA's default status
    CHECK(e.ctx.count("ticket_created", "ok") == 1);
    // The same change read again (the overlap) makes nothing more.
    e.cycle();
    CHECK(e.psa.tickets.size() == 1);
}

TEST_CASE("ticketing engine: creation off, a type off, an unmapped tenant and a clear before any ticket make nothing, and say why",
          "[unit][ticketing]") {
    SECTION("creation off") {
        Engine e;
        e.settings(false, true, true, 2);
        e.acronis.raise("A-1", kTenant);
        e.cycle();
        CHECK(e.psa.tickets.empty());
        CHECK(e.ctx.last_message("alert_skipped").find("creation off") != std::string::npos);
    }
    SECTION("type off") {
        Engine e;
        e.acronis.raise("A-1", kTenant, "BackupDidNotStart");
        e.cycle();
        CHECK(e.psa.tickets.empty());
        CHECK(e.ctx.last_message("alert_skipped").find("type off") != std::string::npos);
    }
    SECTION("unmapped tenant") {
        Engine e;
        e.acronis.raise("A-1", "t-nobody");
        e.cycle();
        CHECK(e.psa.tickets.empty());
        CHECK(e.psa.count("create_ticket") == 0);
        CHECK(e.ctx.last_message("alert_skipped").find("not mapped") != std::string::npos);
    }
    SECTION("cleared before it was seen") {
        Engine e;
        e.acronis.raise("A-1", kTenant);
        e.acronis.clear("A-1");
        e.cycle();
        CHECK(e.psa.tickets.empty());
        CHECK(e.ctx.last_message("alert_skipped").find("cleared before seen") != std::string::npos);
    }
}

TEST_CASE("ticketing engine: a recurrence on an open ticket is a comment, after reading the ticket", "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.ctx.advance(10s);
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    REQUIRE(e.psa.tickets.size() == 1);
    CHECK(e.psa.count("ticket") == 1);  // read once to know it is still open
    REQUIRE(e.psa.tickets[0].comments.size() == 1);
    CHECK(e.psa.tickets[0].comments[0].find("raised the alert again") != std::string::npos);
    CHECK(e.ctx.count("ticket_commented", "ok") == 1);
}

TEST_CASE("ticketing engine: a clear resolves the ticket with the close status, or is only noted when auto-close is off",
          "[unit][ticketing]") {
    SECTION("auto-close on: the PSA's Fixed") {
        Engine e;
        e.acronis.raise("A-1", kTenant);
        e.cycle();
        e.acronis.clear("A-1");
        e.cycle();
        CHECK(e.psa.tickets[0].row.status == "Fixed");
        CHECK(e.psa.tickets[0].comments.back().find("resolved by the integration") != std::string::npos);
        const auto link = e.latest("A-1");
        CHECK(link->state == LinkState::resolved);
        CHECK(link->alert_state == core::AlertState::cleared);
        CHECK(e.ctx.count("ticket_resolved", "ok") == 1);
    }
    SECTION("auto-close on: the status the partner chose") {
        Engine e;
        auto s = e.store.settings("ticketing");
        s->getObject("auto_close")->set("status", "Closed");
        e.store.put_settings("ticketing", s);
        e.acronis.raise("A-1", kTenant);
        e.cycle();
        e.acronis.clear("A-1");
        e.cycle();
        CHECK(e.psa.tickets[0].row.status == "Closed");
    }
    SECTION("auto-close off") {
        Engine e(false);
        e.acronis.raise("A-1", kTenant);
        e.cycle();
        e.acronis.clear("A-1");
        e.cycle();
        CHECK(e.psa.tickets[0].row.status == "New");
        CHECK(e.psa.count("set_status") == 0);
        CHECK(e.latest("A-1")->state == LinkState::open);
        CHECK(e.latest("A-1")->alert_state == core::AlertState::cleared);
        CHECK(e.ctx.last_message("alert_clear_noted").find("automatic close is off") != std::string::npos);
    }
}

TEST_CASE("ticketing engine: an alert back within the reopen window reopens its ticket: after it, a new occurrence gets one",
          "[unit][ticketing]") {
    Engine e;  // window: 2 days
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.acronis.clear("A-1");
    e.cycle();
    e.ctx.advance(std::chrono::hours(47));
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    REQUIRE(e.psa.tickets.size() == 1);
    CHECK(e.psa.tickets[0].row.status == "New");  // the reopen status: the PSA's default
    CHECK(e.latest("A-1")->state == LinkState::open);
    CHECK(e.ctx.count("ticket_reopened", "ok") == 1);

    e.acronis.clear("A-1");
    e.cycle();
    e.ctx.advance(std::chrono::hours(49));
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    REQUIRE(e.psa.tickets.size() == 2);
    CHECK(e.psa.tickets[1].row.title.find("[AC-A-1-2]") != std::string::npos);
    CHECK(e.latest("A-1")->occurrence == 2);
    CHECK(e.psa.tickets[0].row.status == "Fixed");  // the first stays resolved
}

TEST_CASE("ticketing engine: with auto-reopen off a recurrence after a resolve is a new occurrence", "[unit][ticketing]") {
    Engine e(true, false);
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.acronis.clear("A-1");
    e.cycle();
    e.ctx.advance(1h);
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    CHECK(e.psa.tickets.size() == 2);
    CHECK(e.ctx.count("ticket_reopened") == 0);
}

TEST_CASE("ticketing engine: a ticket a technician closed is seen closed on the recurrence and reopened within the window",
          "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.psa.technician_sets(e.psa.tickets[0].row.ref, "Closed");
    e.ctx.advance(1h);
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    REQUIRE(e.psa.tickets.size() == 1);
    CHECK(e.psa.tickets[0].row.status == "New");
    CHECK(e.ctx.count("ticket_reopened", "ok") == 1);
    CHECK(e.store.ticket_status_history(e.latest("A-1")->id).size() == 1);  // "Closed", as seen
}

TEST_CASE("ticketing engine: a ticket gone from the PSA ends its occurrence: the recurrence gets a new ticket", "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.psa.tickets[0].listed = false;  // deleted by a technician
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    CHECK(e.psa.count("create_ticket") == 2);
    CHECK(e.latest("A-1")->occurrence == 2);
    CHECK(e.store.link(1)->error == std::optional<std::string>("the ticket is no longer in the PSA"));
}

TEST_CASE("ticketing engine: a refused create fails only its link: the other alerts get their tickets, a retry makes it",
          "[unit][ticketing]") {
    Engine e;
    e.psa.faults.add("create_ticket", Fault::refused);
    e.acronis.raise("A-1", kTenant);
    e.acronis.raise("B-2", kTenant);
    const auto result = e.cycle();
    CHECK(result.status == hostsdk::RunResult::Status::ok);
    CHECK(e.latest("A-1")->state == LinkState::failed);
    CHECK(e.latest("B-2")->state == LinkState::open);
    CHECK(e.ctx.count("ticket_failed", "failed") == 1);

    e.service.retry_link(e.latest("A-1")->id);
    CHECK(e.ctx.run_requests == std::vector<std::string>{"ticketing"});
    e.cycle();
    CHECK(e.latest("A-1")->state == LinkState::open);
    CHECK(e.psa.tickets.size() == 2);
    CHECK_THROWS_AS(e.service.retry_link(e.latest("A-1")->id), hostsdk::ApiError);  // open, not failed
    CHECK_THROWS_AS(e.service.retry_link(999), hostsdk::ApiError);
}

TEST_CASE("ticketing engine: a 504 after the PSA made the ticket adopts it on the next cycle: exactly one ticket",
          "[unit][ticketing][exactly-once]") {
    Engine e;
    e.psa.faults.add("create_ticket", Fault::commit_then_504);
    e.acronis.raise("A-1", kTenant);
    const auto first = e.cycle();
    CHECK(first.status == hostsdk::RunResult::Status::ok);
    CHECK(first.message.find("waiting for a ticket to settle") != std::string::npos);
    CHECK(e.latest("A-1")->state == LinkState::creating);
    e.cycle();
    CHECK(e.psa.tickets.size() == 1);
    CHECK(e.psa.count("create_ticket") == 1);
    CHECK(e.latest("A-1")->state == LinkState::open);
    CHECK(e.latest("A-1")->ticket_ref == std::optional<std::string>(e.psa.tickets[0].row.ref));
}

TEST_CASE("ticketing engine: a create accepted without an id is only ever looked up, however long it takes to list",
          "[unit][ticketing][exactly-once]") {
    Engine e;
    e.psa.faults.add("create_ticket", Fault::accepted_no_id);
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.psa.tickets[0].listed = false;
    e.ctx.advance(std::chrono::hours(1));  // far past the grace of a timed-out create
    e.cycle();
    CHECK(e.psa.count("create_ticket") == 1);
    CHECK(e.latest("A-1")->state == LinkState::creating);
    e.psa.tickets[0].listed = true;
    e.cycle();
    CHECK(e.psa.tickets.size() == 1);
    CHECK(e.latest("A-1")->state == LinkState::open);
}

TEST_CASE("ticketing engine: a 503 on create is tried again once the grace has passed, never twice at once",
          "[unit][ticketing][exactly-once]") {
    Engine e;
    e.psa.faults.add("create_ticket", Fault::unavailable);
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    CHECK(e.psa.tickets.empty());
    e.cycle();  // within twice the read timeout: looked up, not sent again
    CHECK(e.psa.count("create_ticket") == 1);
    e.ctx.advance(std::chrono::seconds(121));
    e.cycle();
    CHECK(e.psa.count("create_ticket") == 2);
    CHECK(e.psa.tickets.size() == 1);
    CHECK(e.latest("A-1")->state == LinkState::open);
}

TEST_CASE("ticketing engine: a second alert on the same resource folds into the open ticket", "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant, "BackupFailed", std::string("vm-7"));
    e.cycle();
    e.acronis.raise("B-2", kTenant, "BackupFailed", std::string("vm-7"));
    e.cycle();
    REQUIRE(e.psa.tickets.size() == 1);
    REQUIRE(e.psa.tickets[0].comments.size() == 1);
    CHECK(e.psa.tickets[0].comments[0].find("B-2") != std::string::npos);
    CHECK_FALSE(e.latest("B-2").has_value());  // no link of its own
    SECTION("a refused fold gives the alert a ticket of its own") {
        e.psa.faults.add("add_comment", Fault::refused);
        e.acronis.raise("C-3", kTenant, "BackupFailed", std::string("vm-7"));
        e.cycle();
        CHECK(e.psa.tickets.size() == 2);
        CHECK_FALSE(e.latest("C-3")->resource_key.has_value());
    }
}

TEST_CASE("ticketing engine: a tenant mapped to another customer leaves the old ticket alone", "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.store.remove_mapping("1001");
    e.map("1002", kTenant);
    e.acronis.clear("A-1");
    e.cycle();
    CHECK(e.psa.tickets[0].row.status == "New");
    CHECK(e.ctx.last_message("alert_skipped").find("mapped to another customer") != std::string::npos);
}

TEST_CASE("ticketing engine: refused credentials fail the cycle and no link", "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.psa.faults.add("create_ticket", Fault::unauthorized);
    const auto result = e.cycle();
    CHECK(result.status == hostsdk::RunResult::Status::failed);
    CHECK(e.latest("A-1")->state == LinkState::creating);  // the intent waits, it is not failed
    e.ctx.advance(std::chrono::seconds(121));              // past the grace of a create that may be in the making
    e.cycle();
    CHECK(e.latest("A-1")->state == LinkState::open);
    CHECK(e.psa.tickets.size() == 1);
}

TEST_CASE("ticketing engine: a transient error on a comment holds the watermark and the change is acted on once",
          "[unit][ticketing]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.acronis.raise("A-1", kTenant);
    e.psa.faults.add("add_comment", Fault::unavailable);
    CHECK(e.cycle().status == hostsdk::RunResult::Status::retry);
    CHECK(e.psa.tickets[0].comments.empty());
    e.cycle();
    CHECK(e.psa.tickets[0].comments.size() == 1);
    e.cycle();
    CHECK(e.psa.tickets[0].comments.size() == 1);
}

TEST_CASE("ticketing engine: a link the clearing module writes during a resolve keeps the resolve, made once",
          "[unit][ticketing][exactly-once]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    const auto id = e.latest("A-1")->id;
    e.psa.after_set_status = [&] {
        // The clearing module sees the status change first and records it on the link.
        auto seen = *e.store.link(id);
        seen.ticket_status = "Fixed";
        seen.closed_seen_ns = 42;
        e.store.update_link(seen);
    };
    e.acronis.clear("A-1");
    CHECK(e.cycle().status == hostsdk::RunResult::Status::ok);
    CHECK(e.psa.count("set_status") == 1);
    CHECK(e.ctx.count("ticket_resolved", "ok") == 1);
    CHECK(e.ctx.count("alert_clear_noted") == 0);  // not decided again as "already closed"
    const auto link = e.latest("A-1");
    CHECK(link->state == LinkState::resolved);
    CHECK(link->alert_state == core::AlertState::cleared);
    CHECK(link->closed_seen_ns == std::optional<std::int64_t>(42));  // the clearing write is kept too
    e.psa.after_set_status = nullptr;
    e.cycle();
    CHECK(e.psa.count("set_status") == 1);
}

TEST_CASE("ticketing engine: a link the clearing module writes during a reopen is reopened once", "[unit][ticketing][exactly-once]") {
    Engine e;
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    e.acronis.clear("A-1");
    e.cycle();
    const auto id = e.latest("A-1")->id;
    e.psa.after_set_status = [&] {
        auto seen = *e.store.link(id);
        seen.ticket_status = "New";  // the clearing module records the reopened status
        e.store.update_link(seen);
    };
    e.ctx.advance(std::chrono::hours(1));
    e.acronis.raise("A-1", kTenant);
    e.cycle();
    CHECK(e.psa.count("set_status") == 2);  // the resolve, then one reopen
    CHECK(e.ctx.count("ticket_reopened", "ok") == 1);
    CHECK(e.psa.tickets[0].comments.size() == 2);
    CHECK(e.latest("A-1")->state == LinkState::open);
}
