// The ticketing engine's actions on a ticket that exists: read it, comment, reopen, resolve, note a
// clear, and fold a second alert on the same resource into it.

#include "ticketing_service.hpp"

#include "acpsa/core/errors.hpp"
#include "acpsa/core/alert_types.hpp"

#include <Poco/Logger.h>
#include <Poco/String.h>

namespace acpsa::ticketing {

using core::AlertState;
using core::LinkState;

bool TicketingService::check_ticket(core::TicketLink& link, Cycle& cycle) {
    std::optional<core::TicketRow> row;
    if (auto refused = upstream([&] { row = psa_.ticket(handle_of(link)); })) {
        record("ticket_failed", "failed", "reading ticket #" + link.ticket_ref.value_or("?") + " refused: " + *refused,
               subjects_of(link));
        return false;
    }
    const auto& known = cycle.catalog;  // the lists the cycle began with, as every decision of the cycle
    const auto seen = apply_ticket_read(link, row, core::effective_close_status(cycle.settings.close_status, known), known, now_ns());
    store_.update_link(link);
    if (seen == TicketSeen::closed) store_.record_ticket_status(link.id, row->status, true, now_ns());
    return true;
}

void TicketingService::mark_acted(core::TicketLink& link, const core::Alert& alert, AlertState state,
                                  const std::function<void(core::TicketLink&)>& effect) {
    // The PSA call (if any) was made: its outcome is merged into the link as stored now, never
    // decided again (the clearing module may have written the link meanwhile).
    store_.merge_link(link, [&](core::TicketLink& l) {
        if (effect) effect(l);
        l.alert_state = state;
        l.last_change_ns = alert.updated_ns;
    });
}

void TicketingService::comment(const core::Alert& alert, core::TicketLink& link, Cycle& cycle) {
    if (auto refused = upstream([&] { psa_.add_comment(handle_of(link), recurrence_comment(alert)); })) {
        record("ticket_failed", "failed", "comment on #" + link.ticket_ref.value_or("?") + " refused: " + *refused,
               subjects_of(link));
    } else {
        ++cycle.actions;
        record("ticket_commented", "ok",
               core::alert_type_name(alert.type) + " recurred → comment on ticket #" + link.ticket_ref.value_or("?"),
               subjects_of(link));
    }
    mark_acted(link, alert, AlertState::active);
}

void TicketingService::reopen(const core::Alert& alert, const TicketPlan& plan, core::TicketLink& link, Cycle& cycle) {
    if (auto other = other_open_link_for_resource(alert, cycle); other && other->id != link.id) {
        // Another ticket is open for this resource: the recurrence goes there, never a second open ticket.
        if (other->state == LinkState::creating)
            throw NotYet{"the ticket of alert " + other->alert_id + " on the same resource is not settled yet"};
        const bool folded = fold(alert, cycle);
        if (folded || link.resource_key) {
            if (!folded)
                record("ticket_failed", "failed",
                       core::alert_type_name(alert.type) + " raised again, but ticket #" + other->ticket_ref.value_or("?") +
                           " is open for the same resource and took no comment; #" + link.ticket_ref.value_or("?") +
                           " stays closed",
                       subjects_of(link));
            return mark_acted(link, alert, AlertState::active);
        }
        // Its own ticket, not tied to the resource: reopening it conflicts with nothing.
    }
    if (auto refused = upstream([&] { psa_.set_status(handle_of(link), plan.status, reopen_comment(alert)); })) {
        record("ticket_failed", "failed", "reopening #" + link.ticket_ref.value_or("?") + " refused: " + *refused,
               subjects_of(link));
        return mark_acted(link, alert, AlertState::active);
    }
    ++cycle.actions;
    record("ticket_reopened", "ok",
           core::alert_type_name(alert.type) + " raised again → ticket #" + link.ticket_ref.value_or("?") + " reopened (" +
               plan.status + ")",
           subjects_of(link));
    mark_acted(link, alert, AlertState::active, [&](core::TicketLink& l) {
        l.state = LinkState::open;
        l.ticket_status = plan.status;
        l.resolved_ns.reset();
        l.closed_seen_ns.reset();
        l.error.reset();
    });
}

void TicketingService::resolve(const core::Alert& alert, const TicketPlan& plan, core::TicketLink& link, Cycle& cycle) {
    if (auto refused = upstream([&] { psa_.set_status(handle_of(link), plan.status, resolve_comment(alert)); })) {
        record("ticket_failed", "failed", "resolving #" + link.ticket_ref.value_or("?") + " refused: " + *refused,
               subjects_of(link));
        return mark_acted(link, alert, AlertState::cleared);
    }
    ++cycle.actions;
    record("ticket_resolved", "ok",
           core::alert_type_name(alert.type) + " cleared → ticket #" + link.ticket_ref.value_or("?") + " set to " + plan.status,
           subjects_of(link));
    const std::int64_t resolved_at = now_ns();
    mark_acted(link, alert, AlertState::cleared, [&](core::TicketLink& l) {
        l.state = LinkState::resolved;
        l.ticket_status = plan.status;
        l.resolved_ns = resolved_at;
    });
}

void TicketingService::note_clear(const core::Alert& alert, const TicketPlan& plan, core::TicketLink& link) {
    mark_acted(link, alert, AlertState::cleared);
    record("alert_clear_noted", "ok",
           core::alert_type_name(alert.type) + " cleared; ticket #" + link.ticket_ref.value_or("?") + " left as it is (" +
               plan.reason + ")",
           subjects_of(link));
}

bool TicketingService::fold(const core::Alert& alert, Cycle& cycle) {
    if (!alert.resource_id) return false;
    auto open = store_.open_link_for_resource(alert.tenant_id, alert.type, *alert.resource_id);
    // Only into a ticket that exists and is not known closed.
    if (!open || open->state != LinkState::open || open->closed_seen_ns || Poco::icompare(open->alert_id, alert.id) == 0)
        return false;
    if (auto refused = upstream([&] { psa_.add_comment(handle_of(*open), fold_comment(alert)); })) {
        context_.logger().warning("folding alert " + alert.id + " into #" + open->ticket_ref.value_or("?") + " refused: " +
                                  *refused + "; it gets a ticket of its own");
        return false;
    }
    ++cycle.actions;
    auto subjects = subjects_of(*open);
    subjects["folded_alert_id"] = alert.id;
    record("ticket_commented", "ok", "alert " + alert.id + " folded into ticket #" + open->ticket_ref.value_or("?"), subjects);
    return true;
}

std::optional<core::TicketLink> TicketingService::other_open_link_for_resource(const core::Alert& alert, Cycle& cycle) {
    if (!alert.resource_id) return std::nullopt;
    auto other = store_.open_link_for_resource(alert.tenant_id, alert.type, *alert.resource_id);
    if (!other || Poco::icompare(other->alert_id, alert.id) == 0) return std::nullopt;
    // A ticket a technician closed frees the resource.
    if (settle_closed(*other, cycle.catalog, now_ns())) store_.update_link(*other);
    if (!core::is_live(other->state)) return std::nullopt;
    return other;
}

}  // namespace acpsa::ticketing
