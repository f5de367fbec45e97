// The clearing engine against in-memory fakes and a manual clock: every clearing rule of the
// product guide ("Clearing Alerts in Acronis") — the chosen status clears the alert, any other
// status is only recorded, unlinked customers are left alone, a refused dismiss is recorded.

#include "clearing_rules.hpp"
#include "clearing_service.hpp"

#include "fake_apis.hpp"
#include "fake_context.hpp"

#include <hostsdk/admin_json.hpp>

#include <catch2/catch.hpp>

using namespace acpsa;
using core::AlertState;
using core::LinkState;
using fakes::Fault;

namespace {

using namespace std::chrono_literals;

/// Clearing wired to fakes, with one ticket the integration made for alert A-1 (customer 1001 on
/// tenant t1), already seen as `New`.
struct Clearing {
    fakes::FakeContext ctx;
    fakes::FakeAcronis acronis{ctx.clock()};
    fakes::FakePsa psa{ctx.clock()};
    core::Store store{ctx.database()};
    clearing::ClearingService service{store, acronis, psa, ctx};
    std::string ref;

    explicit Clearing(bool enabled = true) {
        core::Mapping m;
        m.psa_customer_id = "1001";
        m.tenant_id = "t1";
        store.put_mapping(m);
        acronis.raise("A-1", "t1");
        core::NewTicket t;
        t.title = "Backup failed [AC-A-1-1]";
        t.customer = "1001";
        const auto handle = psa.create_ticket(t);
        ref = handle.ref;
        core::TicketLink link;
        link.alert_id = "A-1";
        link.alert_type = "BackupFailed";
        link.tenant_id = "t1";
        link.psa_customer_id = "1001";
        link.ticket_id = handle.id;
        link.ticket_ref = handle.ref;
        link.ticket_status = "New";
        link.state = LinkState::open;
        link = store.create_link(link);
        Poco::JSON::Object::Ptr clear = new Poco::JSON::Object, root = new Poco::JSON::Object;
        clear->set("enabled", enabled);
        root->set("auto_clear", clear);
        store.put_settings("clearing", root);
    }
    hostsdk::RunResult cycle() {
        ctx.advance(1s);
        return service.run_cycle();
    }
    core::TicketLink link() { return *store.latest_link_for_alert("A-1"); }
};

}  // namespace

TEST_CASE("clearing rules: the chosen status on an active alert clears it: anything new is recorded: the rest ignored",
          "[unit][clearing]") {
    core::TicketLink link;
    link.ticket_status = "New";
    link.alert_state = AlertState::active;
    const clearing::ClearingSettings on{true, std::nullopt};
    const clearing::ClearingSettings off{false, std::nullopt};
    using clearing::RowVerdict;
    CHECK(clearing::judge_row(link, "Fixed", true, on, "Fixed") == RowVerdict::clear_alert);
    CHECK(clearing::judge_row(link, "fixed", true, on, "Fixed") == RowVerdict::clear_alert);  // the PSA's case varies
    CHECK(clearing::judge_row(link, "Fixed", true, off, "Fixed") == RowVerdict::record);
    CHECK(clearing::judge_row(link, "In Progress", true, on, "Fixed") == RowVerdict::record);
    CHECK(clearing::judge_row(link, "Closed", true, on, "Fixed") == RowVerdict::record);  // closed, but not the chosen one
    CHECK(clearing::judge_row(link, "NEW", true, on, "Fixed") == RowVerdict::ignore);  // seen before
    CHECK(clearing::judge_row(link, "", true, on, "Fixed") == RowVerdict::ignore);
    CHECK(clearing::judge_row(link, "Fixed", false, on, "Fixed") == RowVerdict::ignore);  // the customer was unlinked
    link.alert_state = AlertState::cleared;
    CHECK(clearing::judge_row(link, "Fixed", true, on, "Fixed") == RowVerdict::record);  // already cleared
}

TEST_CASE("clearing rules: the reopen window starts the first time a ticket is seen closed, a technician's reopen ends it",
          "[unit][clearing]") {
    core::PsaCatalog catalog;
    catalog.statuses = {{"New", false, true}, {"Closed", true, false}};
    core::TicketLink link;
    link.state = LinkState::open;
    CHECK(clearing::record_status(link, "Closed", "Fixed", catalog, 100));
    CHECK(link.closed_seen_ns == std::optional<std::int64_t>(100));
    CHECK(clearing::record_status(link, "Fixed", "Fixed", catalog, 200));  // the chosen one closes too
    CHECK(link.closed_seen_ns == std::optional<std::int64_t>(100));        // first seen, kept
    CHECK_FALSE(clearing::record_status(link, "New", "Fixed", catalog, 300));
    CHECK_FALSE(link.closed_seen_ns.has_value());
    CHECK(link.ticket_status == std::optional<std::string>("New"));
    link.state = LinkState::resolved;  // resolved by the integration: a later open status keeps when it closed
    link.closed_seen_ns = 400;
    CHECK_FALSE(clearing::record_status(link, "In Progress", "Fixed", std::nullopt, 500));
    CHECK(link.closed_seen_ns == std::optional<std::int64_t>(400));
}

TEST_CASE("clearing engine: a ticket set to the chosen status clears its alert in Acronis, once", "[unit][clearing]") {
    Clearing c;
    c.psa.technician_sets(c.ref, "Fixed");
    const auto result = c.cycle();
    CHECK(result.status == hostsdk::RunResult::Status::ok);
    CHECK(c.acronis.dismissed == std::vector<std::string>{"A-1"});
    CHECK(c.link().alert_state == AlertState::cleared);
    CHECK(c.link().ticket_status == std::optional<std::string>("Fixed"));
    CHECK(c.link().closed_seen_ns.has_value());
    CHECK(c.ctx.count("alert_cleared", "ok") == 1);
    CHECK(c.ctx.count("ticket_status_seen", "ok") == 1);
    c.cycle();  // read again within the overlap: seen before
    CHECK(c.acronis.dismissed.size() == 1);
    CHECK(c.ctx.count("ticket_status_seen") == 1);
}

TEST_CASE("clearing engine: another status, or auto-clear off, is only recorded", "[unit][clearing]") {
    SECTION("another status") {
        Clearing c;
        c.psa.technician_sets(c.ref, "In Progress");
        c.cycle();
        CHECK(c.acronis.dismissed.empty());
        CHECK(c.link().ticket_status == std::optional<std::string>("In Progress"));
        CHECK(c.store.ticket_status_history(c.link().id).size() == 1);
    }
    SECTION("auto-clear off") {
        Clearing c(false);
        c.psa.technician_sets(c.ref, "Fixed");
        c.cycle();
        CHECK(c.acronis.dismissed.empty());
        CHECK(c.link().alert_state == AlertState::active);
        CHECK(c.link().closed_seen_ns.has_value());
    }
}

TEST_CASE("clearing engine: a ticket of an unlinked customer is left alone", "[unit][clearing]") {
    Clearing c;
    c.store.remove_mapping("1001");
    c.psa.technician_sets(c.ref, "Fixed");
    c.cycle();
    CHECK(c.acronis.dismissed.empty());
    CHECK(c.link().ticket_status == std::optional<std::string>("New"));
}

TEST_CASE("clearing engine: a dismiss refused for good is recorded: a transient one is tried again next cycle",
          "[unit][clearing]") {
    SECTION("refused") {
        Clearing c;
        c.acronis.faults.add("dismiss_alert", Fault::refused);
        c.psa.technician_sets(c.ref, "Fixed");
        CHECK(c.cycle().status == hostsdk::RunResult::Status::ok);
        CHECK(c.ctx.count("alert_cleared", "failed") == 1);
        CHECK(c.link().alert_state == AlertState::active);
        CHECK(c.link().ticket_status == std::optional<std::string>("Fixed"));  // the status still counts
    }
    SECTION("transient") {
        Clearing c;
        c.acronis.faults.add("dismiss_alert", Fault::unavailable);
        c.psa.technician_sets(c.ref, "Fixed");
        CHECK(c.cycle().status == hostsdk::RunResult::Status::retry);
        CHECK(c.link().ticket_status == std::optional<std::string>("New"));  // nothing recorded: seen again
        CHECK(c.cycle().status == hostsdk::RunResult::Status::ok);
        CHECK(c.acronis.dismissed == std::vector<std::string>{"A-1"});
    }
}

TEST_CASE("clearing engine: snapshot mode reads the open links' tickets", "[unit][clearing]") {
    Clearing c;
    c.psa.settings_.col_ticket_updated.clear();  // no UpdatedDate column: snapshot mode
    c.psa.technician_sets(c.ref, "Fixed");
    c.cycle();
    CHECK(c.psa.count("tickets_snapshot") == 1);
    CHECK(c.psa.count("tickets_changed_since") == 0);
    CHECK(c.acronis.dismissed.size() == 1);
}

TEST_CASE("clearing engine: the status setting is checked against the PSA's list and kept in its spelling", "[unit][clearing]") {
    Clearing c;
    Poco::JSON::Object::Ptr clear = new Poco::JSON::Object, patch = new Poco::JSON::Object;
    clear->set("status", " closed ");
    patch->set("auto_clear", clear);
    const auto view = c.service.update_settings(patch);
    CHECK(view->getObject("auto_clear")->getValue<std::string>("status") == "Closed");
    clear->set("status", "Nope");
    CHECK_THROWS_AS(c.service.update_settings(patch), hostsdk::ApiError);
    c.psa.technician_sets(c.ref, "Fixed");  // not the chosen status any more
    c.cycle();
    CHECK(c.acronis.dismissed.empty());
    c.psa.technician_sets(c.ref, "Closed");
    c.cycle();
    CHECK(c.acronis.dismissed.size() == 1);
}
