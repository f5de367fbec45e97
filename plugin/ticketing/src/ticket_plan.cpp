#include "ticket_plan.hpp"

#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/timestamps.hpp"

namespace acpsa::ticketing {

using core::LinkState;
using core::sync::Action;

core::sync::LinkFacts link_facts(const core::TicketLink& link, bool verified_open) {
    core::sync::LinkFacts f;
    f.state = link.state;
    f.occurrence = link.occurrence;
    f.verified_open = verified_open;
    if (link.state == LinkState::resolved) {
        f.ticket_closed = true;
        f.closed_since_ns = link.resolved_ns ? link.resolved_ns : link.closed_seen_ns;
    }
    return f;
}

core::sync::Settings rule_settings(const TicketingSettings& settings, const std::optional<core::AlertRule>& rule, bool mapped) {
    core::sync::Settings s;
    s.mapped = mapped;
    s.creation = settings.ticket_creation;
    s.type_enabled = rule && rule->enabled && rule->ticket_type && rule->ticket_category && rule->team;
    s.auto_close = settings.auto_close;
    s.auto_reopen = settings.auto_reopen;
    s.reopen_days = settings.reopen_days;
    return s;
}

TicketPlan plan_ticket(const PlanInput& in) {
    std::optional<core::sync::LinkFacts> facts;
    if (in.latest) facts = link_facts(*in.latest, in.verified_open);
    const auto decision = core::sync::decide(in.cleared, facts, rule_settings(in.settings, in.rule, in.mapped), in.now_ns);
    TicketPlan plan;
    plan.action = decision.action;
    plan.occurrence = decision.occurrence;
    plan.reason = decision.reason;
    if (plan.action == Action::resolve) plan.status = core::effective_close_status(in.settings.close_status, in.catalog);
    if (plan.action == Action::reopen) plan.status = core::effective_reopen_status(in.settings.reopen_status, in.catalog);
    return plan;
}

bool settle_closed(core::TicketLink& link, const std::optional<core::PsaCatalog>& catalog, std::int64_t now_ns) {
    if (link.state != LinkState::open) return false;
    const bool closed_status = link.ticket_status && catalog && catalog->is_closed(*link.ticket_status);
    if (!link.closed_seen_ns && !closed_status) return false;
    if (!link.closed_seen_ns) link.closed_seen_ns = now_ns;
    link.state = LinkState::resolved;
    link.resolved_ns = link.closed_seen_ns;
    return true;
}

TicketSeen apply_ticket_read(core::TicketLink& link, const std::optional<core::TicketRow>& row,
                             const std::string& close_status, const std::optional<core::PsaCatalog>& catalog,
                             std::int64_t now_ns) {
    if (!row) {
        // The ticket is gone from the PSA: this occurrence is over, a new one gets a ticket.
        link.state = LinkState::resolved;
        link.error = "the ticket is no longer in the PSA";
        return TicketSeen::gone;
    }
    link.ticket_status = row->status;
    if (!core::closes_ticket(row->status, close_status, catalog)) return TicketSeen::open;
    // A technician closed it: resolved from now on (the reopen window starts here).
    if (!link.closed_seen_ns) link.closed_seen_ns = now_ns;
    link.state = LinkState::resolved;
    link.resolved_ns = link.closed_seen_ns;
    return TicketSeen::closed;
}

std::string new_ticket_status(const std::string& status_new, const std::optional<core::PsaCatalog>& catalog) {
    if (!status_new.empty()) return status_new;
    return catalog ? catalog->default_status() : "New";
}

std::string recurrence_comment(const core::Alert& alert) {
    return "Acronis raised the alert again at " + core::format_rfc3339_ns(alert.received_ns) + ".";
}

std::string reopen_comment(const core::Alert& alert) {
    return "Acronis raised the alert again at " + core::format_rfc3339_ns(alert.received_ns) + "; reopened by the integration.";
}

std::string resolve_comment(const core::Alert& alert) {
    return "Acronis alert cleared at " + core::format_rfc3339_ns(alert.updated_ns) + "; resolved by the integration.";
}

std::string fold_comment(const core::Alert& alert) {
    return "Acronis raised another " + core::alert_type_name(alert.type) + " alert (" + alert.id + ") on the same resource " +
           alert.resource_name.value_or(alert.resource_id.value_or("?")) + " at " + core::format_rfc3339_ns(alert.received_ns) +
           ".";
}

}  // namespace acpsa::ticketing
