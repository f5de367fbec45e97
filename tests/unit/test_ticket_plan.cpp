// The pure parts of the ticketing plan: which status each action sends, how a read of the ticket
// changes its link, and the PSA catalog's status rules shared with clearing.

#include "ticket_plan.hpp"

#include <catch2/catch.hpp>

using namespace acpsa;
using core::LinkState;
using core::sync::Action;

namespace {

core::PsaCatalog catalog() {
    core::PsaCatalog c;
    c.statuses = {{"Nouveau", false, true}, {"En cours", false, false}, {"Résolu", true, false}, {" fixed ", true, false}};
    return c;
}

ticketing::PlanInput open_ticket(bool cleared) {
    ticketing::PlanInput in;
    in.cleared = cleared;
    in.mapped = true;
    in.settings.ticket_creation = true;
    in.settings.auto_close = true;
    in.settings.auto_reopen = true;
    in.rule = core::AlertRule{"BackupFailed", true, std::string("Incident"), std::string("Backup"), std::string("Desk")};
    core::TicketLink link;
    link.state = LinkState::open;
    in.latest = link;
    in.verified_open = true;
    return in;
}

}  // namespace

TEST_CASE("ticket plan: resolve and reopen carry the chosen status, else the catalog's, else Fixed / New", "[unit][ticketing]") {
    auto in = open_ticket(true);
    CHECK(ticketing::plan_ticket(in).action == Action::resolve);
    CHECK(ticketing::plan_ticket(in).status == "Fixed");  // no catalog yet
    in.catalog = catalog();
    CHECK(ticketing::plan_ticket(in).status == " fixed ");  // the PSA's own spelling of Fixed
    in.settings.close_status = "Résolu";
    CHECK(ticketing::plan_ticket(in).status == "Résolu");

    auto again = open_ticket(false);
    again.latest->state = LinkState::resolved;
    again.latest->resolved_ns = 0;
    again.now_ns = 1;
    CHECK(ticketing::plan_ticket(again).action == Action::reopen);
    CHECK(ticketing::plan_ticket(again).status == "New");
    again.catalog = catalog();
    CHECK(ticketing::plan_ticket(again).status == "Nouveau");  // the PSA's default
    again.settings.reopen_status = "En cours";
    CHECK(ticketing::plan_ticket(again).status == "En cours");
}

TEST_CASE("ticket plan: a type rule counts only with type, category and team all chosen", "[unit][ticketing]") {
    core::AlertRule rule{"BackupFailed", true, std::string("Incident"), std::string("Backup"), std::nullopt};
    CHECK_FALSE(ticketing::rule_settings({}, rule, true).type_enabled);
    rule.team = "Desk";
    CHECK(ticketing::rule_settings({}, rule, true).type_enabled);
    rule.enabled = false;
    CHECK_FALSE(ticketing::rule_settings({}, rule, true).type_enabled);
    CHECK_FALSE(ticketing::rule_settings({}, std::nullopt, true).type_enabled);
}

TEST_CASE("ticket plan: a read of the ticket makes its link open, resolved from now, or over", "[unit][ticketing]") {
    core::TicketLink link;
    link.state = LinkState::open;
    core::TicketRow row;
    row.status = "En cours";
    CHECK(ticketing::apply_ticket_read(link, row, "Fixed", catalog(), 10) == ticketing::TicketSeen::open);
    CHECK(link.state == LinkState::open);
    CHECK(link.ticket_status == std::optional<std::string>("En cours"));
    row.status = "résolu";  // closed in the catalog, whatever the case
    CHECK(ticketing::apply_ticket_read(link, row, "Fixed", catalog(), 20) == ticketing::TicketSeen::closed);
    CHECK(link.state == LinkState::resolved);
    CHECK(link.resolved_ns == std::optional<std::int64_t>(20));

    core::TicketLink seen_before;
    seen_before.state = LinkState::open;
    seen_before.closed_seen_ns = 5;  // the clearing module saw it closed first
    row.status = "Fixed";
    CHECK(ticketing::apply_ticket_read(seen_before, row, "Fixed", std::nullopt, 30) == ticketing::TicketSeen::closed);
    CHECK(seen_before.resolved_ns == std::optional<std::int64_t>(5));

    core::TicketLink gone;
    gone.state = LinkState::open;
    CHECK(ticketing::apply_ticket_read(gone, std::nullopt, "Fixed", catalog(), 40) == ticketing::TicketSeen::gone);
    CHECK(gone.state == LinkState::resolved);
    CHECK(gone.error == std::optional<std::string>("the ticket is no longer in the PSA"));
}

TEST_CASE("ticket plan: an open link known closed settles as resolved from when it was first seen closed", "[unit][ticketing]") {
    core::TicketLink link;
    link.state = LinkState::open;
    link.ticket_status = "En cours";
    CHECK_FALSE(ticketing::settle_closed(link, catalog(), 50));
    link.ticket_status = "Résolu";
    CHECK_FALSE(ticketing::settle_closed(link, std::nullopt, 50));  // without the catalog nothing says closed
    CHECK(ticketing::settle_closed(link, catalog(), 50));
    CHECK(link.state == LinkState::resolved);
    CHECK(link.resolved_ns == std::optional<std::int64_t>(50));
    CHECK_FALSE(ticketing::settle_closed(link, catalog(), 60));  // only open links
}

TEST_CASE("ticket plan: a new ticket's status is the configured one, else the PSA's default, else New", "[unit][ticketing]") {
    CHECK(ticketing::new_ticket_status("Triage", catalog()) == "Triage");
    CHECK(ticketing::new_ticket_status("", catalog()) == "Nouveau");
    CHECK(ticketing::new_ticket_status("", std::nullopt) == "New");
}
