// The ticketing engine's exactly-once creation (DESIGN §5): the intent before the create, the
// lookup after create before any second one, and the partner's retry of a failed link.

#include "ticketing_service.hpp"

#include "ticket_text.hpp"

#include "acpsa/core/errors.hpp"
#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/failpoints.hpp"

#include <hostsdk/admin_json.hpp>

namespace acpsa::ticketing {

using core::LinkState;

void TicketingService::create(const core::Alert& alert, int occurrence, const core::Mapping& mapping, Cycle& cycle) {
    // Another alert on the same tenant, type and resource already has an open ticket: fold.
    bool own_ticket = false;
    if (auto other = other_open_link_for_resource(alert, cycle)) {
        if (other->state == LinkState::creating)
            throw NotYet{"the ticket of alert " + other->alert_id + " on the same resource is not settled yet"};
        if (fold(alert, cycle)) return;
        own_ticket = true;  // the fold was refused: a ticket of its own, not tied to the resource
    }
    const std::string tenant = tenant_name(alert.tenant_id);
    core::TicketLink link;
    link.alert_id = alert.id;
    link.occurrence = occurrence;
    link.alert_type = alert.type;
    link.tenant_id = alert.tenant_id;
    if (!own_ticket) link.resource_key = alert.resource_id;
    link.psa_customer_id = mapping.psa_customer_id;
    link.intent_ns = link.created_ns = now_ns();
    link.ticket_title = ticket_title(alert, tenant, occurrence);
    link.ticket_description = ticket_description(alert, customer_name(mapping.psa_customer_id), tenant, occurrence);
    link.last_change_ns = alert.updated_ns;
    try {
        link = store_.create_link(link);  // the intent, before any call
    } catch (const core::StoreConflict& e) {
        // Never transient: waiting would not change it, and it must not hold up every other alert.
        record("ticket_failed", "failed", "no ticket for " + core::alert_type_name(alert.type) + " (" + alert.id + "): " + e.what(),
               {{"alert_id", alert.id}, {"tenant_id", alert.tenant_id}, {"psa_customer_id", mapping.psa_customer_id}});
        return;
    }
    core::failpoint("ticketing.after_intent");
    settle(link, false, cycle);  // NotYet: the change is handled once the intent settles
}

void TicketingService::fail_link(core::TicketLink& link, const std::string& error, const std::string& message) {
    store_.merge_link(link, [&](core::TicketLink& l) {
        l.state = LinkState::failed;
        l.error = error;
    });
    record("ticket_failed", "failed", message, subjects_of(link));
}

std::optional<core::TicketRow> TicketingService::look_up(core::TicketLink& link, bool& usable) {
    const std::string marker = ticket_marker(link.alert_id, link.occurrence);
    std::optional<core::TicketRow> found;
    usable = true;
    if (auto refused = upstream([&] { found = psa_.lookup_ticket(marker, customer_name(link.psa_customer_id), link.intent_ns); })) {
        const std::string error = "the lookup after create was refused: " + *refused;
        if (link.attempt_ns || link.create_accepted) {
            // A create was sent: its ticket may exist. Failing the link would invite a second one.
            link.error = error;
            store_.update_link(link);
            throw NotYet{"ticket " + marker + ": " + error};
        }
        usable = false;
        fail_link(link, error, error);
        return std::nullopt;
    }
    if (found) return found;
    // Not there yet. A ticket the PSA accepted, or one it may still be making (the last attempt
    // timed out less than twice the read timeout ago), is waited for, not made again.
    const std::int64_t grace = 2LL * psa_.settings().endpoint.read_timeout.count() * 1000000000LL;
    if (link.create_accepted) throw NotYet{"ticket " + marker + " was accepted by the PSA and is not listed yet"};
    if (link.attempt_ns && now_ns() - link.attempt_ns < grace)
        throw NotYet{"ticket " + marker + " may still be in the making; looking again later"};
    return std::nullopt;
}

std::optional<core::TicketHandle> TicketingService::send_create(core::TicketLink& link) {
    const auto rule = store_.alert_rule(link.alert_type).value_or(core::AlertRule{});
    core::NewTicket ticket;
    ticket.title = link.ticket_title;
    ticket.description = link.ticket_description;
    ticket.customer = link.psa_customer_id;
    ticket.customer_name = customer_name(link.psa_customer_id);
    ticket.type = rule.ticket_type.value_or("");
    ticket.category = rule.ticket_category.value_or("");
    ticket.team = rule.team.value_or("");
    ticket.marker = ticket_marker(link.alert_id, link.occurrence);
    ticket.intent_ns = link.intent_ns;
    core::TicketHandle created;
    link.attempt_ns = now_ns();
    store_.update_link(link);
    std::optional<std::string> refused;
    try {
        refused = upstream([&] { created = psa_.create_ticket(ticket); });
    } catch (const Transient& t) {
        // Pending (timed out, or accepted without an id): the intent stays, looked up later.
        store_.merge_link(link, [&](core::TicketLink& l) { l.create_accepted = l.create_accepted || t.accepted; });
        throw NotYet{t.message};
    }
    if (refused) {
        // Refused for good (a 4xx): recorded, the watermark moves; a retry is the partner's call.
        fail_link(link, *refused, "ticket for " + core::alert_type_name(link.alert_type) + " refused: " + *refused);
        return std::nullopt;
    }
    core::failpoint("ticketing.after_create");
    return created;
}

void TicketingService::settle(core::TicketLink& link, bool look_up_first, Cycle& cycle) {
    if (look_up_first) {
        bool usable = true;
        if (auto found = look_up(link, usable)) {
            return record_created(link, core::TicketHandle{found->id, found->ref}, found->status, cycle);
        }
        if (!usable) return;
    }
    if (auto created = send_create(link)) record_created(link, *created, std::nullopt, cycle);
}

void TicketingService::record_created(core::TicketLink& link, const core::TicketHandle& handle,
                                      std::optional<std::string> status, Cycle& cycle) {
    // What a new ticket gets: acpsa.psa.status.new, else the PSA's default status.
    const std::string initial = status ? *status : new_ticket_status(psa_.settings().status_new, catalog(cycle));
    store_.merge_link(link, [&](core::TicketLink& l) {  // the ticket exists: recorded, never decided again
        l.ticket_id = handle.id.empty() ? std::nullopt : std::optional<std::string>(handle.id);
        l.ticket_ref = handle.ref.empty() ? std::nullopt : std::optional<std::string>(handle.ref);
        l.ticket_status = initial;
        l.state = LinkState::open;
        l.error.reset();
    });
    ++cycle.actions;
    record("ticket_created", "ok",
           core::alert_type_name(link.alert_type) + " → ticket #" + link.ticket_ref.value_or(link.ticket_id.value_or("?")) +
               " for " + customer_name(link.psa_customer_id),
           subjects_of(link));
    core::failpoint("ticketing.after_record");
}

void TicketingService::retry_link(std::int64_t link_id) {
    std::lock_guard<std::mutex> lock(retry_mutex_);
    auto link = store_.link(link_id);
    if (!link) throw hostsdk::ApiError::not_found("no link " + std::to_string(link_id));
    if (link->state != LinkState::failed)
        throw hostsdk::ApiError::conflict("link " + std::to_string(link_id) + " is " + core::to_string(link->state) +
                                          ", not failed");
    link->state = LinkState::creating;
    link->error.reset();
    // intent_ns stays: the lookup before the new create covers every earlier attempt.
    link->attempt_ns = 0;  // refused for good before: no create of it can still be in the making
    link->create_accepted = false;
    try {
        store_.update_link(*link);
    } catch (const core::StoreConflict& e) {
        throw hostsdk::ApiError::conflict(e.what());
    } catch (const core::StaleLink& e) {
        throw hostsdk::ApiError::conflict(std::string(e.what()) + "; try again");
    }
    context_.request_run("ticketing");
}

}  // namespace acpsa::ticketing
