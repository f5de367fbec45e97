#include "ticketing_service.hpp"

#include "ticket_text.hpp"

#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/failpoints.hpp"
#include "acpsa/core/timestamps.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/String.h>

namespace acpsa::ticketing {

using core::sync::Action;

namespace {
const char* kWatermark = "ticketing.alerts_watermark";
}  // namespace

TicketingService::TicketingService(core::Store& store, core::AcronisClient& acronis, core::PsaClient& psa,
                                   TicketingConfig& config, hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), config_(config), context_(context) {}

std::int64_t TicketingService::now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(context_.clock().now().time_since_epoch()).count();
}

void TicketingService::record(const std::string& action, const std::string& outcome, const std::string& message,
                              std::map<std::string, std::string> subjects) {
    context_.activity().record({action, outcome, message, std::move(subjects)});
}

std::map<std::string, std::string> TicketingService::subjects_of(const core::TicketLink& link) const {
    std::map<std::string, std::string> subjects = {{"alert_id", link.alert_id},
                                                   {"tenant_id", link.tenant_id},
                                                   {"psa_customer_id", link.psa_customer_id},
                                                   {"link_id", std::to_string(link.id)}};
    if (link.ticket_ref) subjects["ticket_ref"] = *link.ticket_ref;
    return subjects;
}

std::string TicketingService::customer_name(const std::string& id) const {
    if (auto c = store_.psa_customer(id)) return c->name;
    if (auto m = store_.mapping(id)) return m->psa_customer_name;
    return id;
}

std::string TicketingService::tenant_name(const std::string& id) const {
    if (auto t = store_.tenant(id)) return t->name;
    if (auto m = store_.mapping_for_tenant(id)) return m->tenant_name;
    return id;
}

core::TicketHandle TicketingService::handle_of(const core::TicketLink& link) const {
    return core::TicketHandle{link.ticket_id.value_or(""), link.ticket_ref.value_or("")};
}

template <class Fn>
std::optional<std::string> TicketingService::upstream(Fn fn) {
    try {
        fn();
        return std::nullopt;
    } catch (const core::AuthenticationError&) {
        throw;
    } catch (const core::PendingCreateError& e) {
        throw Transient{e.what(), e.accepted()};
    } catch (const core::OutcomeUnknownError& e) {
        throw Transient{e.what()};
    } catch (const core::UpstreamError& e) {
        if (e.transient()) throw Transient{e.what()};
        return std::string(e.what());
    }
}

hostsdk::RunResult TicketingService::run_cycle() {
    const auto acronis_before = acronis_.api_calls();
    const auto psa_before = psa_.api_calls();
    auto calls = [&] { return (acronis_.api_calls() - acronis_before) + (psa_.api_calls() - psa_before); };
    Cycle cycle;
    std::size_t handled = 0;
    try {
        cycle.settings = config_.settings();
        cycle.options = config_.cached_options();  // never a request here: the budget of an idle cycle
        // Intents left by a crash or a retry are settled before anything new is created; one the
        // PSA may still be working on waits (NotYet) without holding up the rest.
        for (auto link : store_.links_in_states({"creating"})) {
            auto guard = core::lock_links();
            try {
                settle(link, true, cycle);
            } catch (const NotYet&) {
            }
        }

        const auto stored = store_.cursor_ns(kWatermark);
        const std::int64_t watermark = stored ? *stored : acronis_.first_watermark_ns();
        if (!stored) store_.put_cursor(kWatermark, std::to_string(watermark));
        const auto poll = acronis_.alerts_changed_since(
            watermark, [&](const std::string& id, std::int64_t ns) { return store_.alert_change_processed(id, ns); });
        std::int64_t new_watermark = poll.watermark_ns;
        std::size_t waiting = 0;
        std::string waiting_for;
        for (const auto& alert : poll.alerts) {
            try {
                handle(alert, cycle);
            } catch (const NotYet& pending) {
                // Its ticket is still being settled: this change stays unprocessed and the watermark
                // stays below it, so the next cycle sees it again; the other alerts go on.
                // Never below the stored watermark: what lies under it was handled and pruned.
                new_watermark = std::min(new_watermark, std::max(watermark, alert.updated_ns - 1));
                ++waiting;
                waiting_for = pending.message;
                continue;
            }
            store_.mark_alert_change_processed(alert.id, alert.updated_ns);
            ++handled;
        }
        // Every change up to the new watermark is durably handled: move it.
        store_.put_cursor(kWatermark, std::to_string(new_watermark));
        const std::int64_t overlap = static_cast<std::int64_t>(acronis_.settings().alerts_overlap.count()) * 1000000000LL;
        store_.prune_processed_alert_changes(new_watermark - overlap);
        const std::string summary =
            std::to_string(handled) + " alert changes, " + std::to_string(cycle.actions) + " ticket actions";
        // Waiting alerts do not make the cycle a failure: a retry status would back off every
        // other alert too. The message says what waits.
        if (waiting > 0)
            return hostsdk::RunResult::make_ok(summary + ", " + std::to_string(waiting) + " waiting for a ticket to settle (" +
                                                   waiting_for + ")",
                                               cycle.actions, calls());
        return hostsdk::RunResult::make_ok(summary, cycle.actions, calls());
    } catch (const Transient& t) {
        return hostsdk::RunResult::make_retry(std::to_string(handled) + " alert changes handled, then: " + t.message,
                                              cycle.actions, calls());
    } catch (const core::StoppedError&) {
        return hostsdk::RunResult::make_retry("stopped", cycle.actions, calls());
    } catch (const core::AuthenticationError& e) {
        return hostsdk::RunResult::make_failed(e.what(), cycle.actions, calls());
    } catch (const core::UpstreamError& e) {
        return e.transient() ? hostsdk::RunResult::make_retry(e.what(), cycle.actions, calls())
                             : hostsdk::RunResult::make_failed(e.what(), cycle.actions, calls());
    } catch (const std::exception& e) {
        return hostsdk::RunResult::make_failed(std::string("ticketing cycle failed: ") + e.what(), cycle.actions, calls());
    }
}

core::sync::LinkFacts TicketingService::facts(const core::TicketLink& link, Cycle&) {
    core::sync::LinkFacts f;
    f.state = link.state;
    f.occurrence = link.occurrence;
    if (link.state == "resolved") {
        f.ticket_closed = true;
        f.closed_since_ns = link.resolved_ns ? link.resolved_ns : link.closed_seen_ns;
    }
    return f;
}

void TicketingService::settle_closed(core::TicketLink& link, Cycle& cycle) {
    // An open link whose ticket a technician closed (seen by the clearing module, or its status is
    // a closed one) counts as resolved from when it was first seen closed.
    if (link.state != "open") return;
    const bool closed_status = link.ticket_status && cycle.options && cycle.options->is_closed(*link.ticket_status);
    if (!link.closed_seen_ns && !closed_status) return;
    if (!link.closed_seen_ns) link.closed_seen_ns = now_ns();
    link.state = "resolved";
    link.resolved_ns = link.closed_seen_ns;
    store_.update_link(link);
}

core::sync::Settings TicketingService::rule_settings(const std::string& alert_type, bool mapped, const Cycle& cycle) const {
    const auto rule = store_.alert_rule(alert_type);
    core::sync::Settings s;
    s.mapped = mapped;
    s.creation = cycle.settings.ticket_creation;
    s.type_enabled = rule && rule->enabled && rule->ticket_type && rule->ticket_category && rule->team;
    s.auto_close = cycle.settings.auto_close;
    s.auto_reopen = cycle.settings.auto_reopen;
    s.reopen_days = cycle.settings.reopen_days;
    return s;
}

void TicketingService::handle(const core::Alert& alert, Cycle& cycle) {
    auto guard = core::lock_links();
    auto latest = store_.latest_link_for_alert(alert.id);
    if (latest && alert.updated_ns <= latest->last_change_ns) return;  // acted on before a crash
    const auto mapping = store_.mapping_for_tenant(alert.tenant_id);
    bool mapped = mapping && mapping->state == "mapped";
    if (latest && mapped && latest->psa_customer_id != mapping->psa_customer_id) {
        // The tenant was mapped to another customer since: the old customer's ticket is left alone.
        record("alert_skipped", "skipped",
               core::alert_type_name(alert.type) + " on " + tenant_name(alert.tenant_id) +
                   ": the tenant is now mapped to another customer; the earlier ticket is left alone",
               subjects_of(*latest));
        return;
    }
    if (latest) settle_closed(*latest, cycle);
    std::optional<core::sync::LinkFacts> f;
    if (latest) f = facts(*latest, cycle);
    const auto decision = core::sync::decide(alert.cleared(), f, rule_settings(alert.type, mapped, cycle), now_ns());
    act(alert, decision, latest, mapping.value_or(core::Mapping{}), cycle, 0);
}

void TicketingService::act(const core::Alert& alert, core::sync::Decision decision, std::optional<core::TicketLink> link,
                           const core::Mapping& mapping, Cycle& cycle, int depth) {
    if (depth > 3) throw Transient{"alert " + alert.id + ": no decision settled"};
    const std::map<std::string, std::string> alert_subjects = {{"alert_id", alert.id}, {"tenant_id", alert.tenant_id}};
    auto redecide = [&](core::TicketLink& updated, bool verified_open) {
        auto f = facts(updated, cycle);
        f.verified_open = verified_open;
        // Only acted on for a mapped tenant: the re-decision keeps that fact.
        act(alert, core::sync::decide(alert.cleared(), f, rule_settings(alert.type, true, cycle), now_ns()), updated, mapping,
            cycle, depth + 1);
    };

    switch (decision.action) {
        case Action::skip: {
            auto subjects = alert_subjects;
            if (!mapping.psa_customer_id.empty()) subjects["psa_customer_id"] = mapping.psa_customer_id;
            record("alert_skipped", "skipped",
                   core::alert_type_name(alert.type) + " on " + tenant_name(alert.tenant_id) + ": " + decision.reason, subjects);
            return;
        }
        case Action::leave:
            record("alert_skipped", "skipped",
                   core::alert_type_name(alert.type) + " on " + tenant_name(alert.tenant_id) + ": " + decision.reason +
                       "; its ticket is left alone",
                   link ? subjects_of(*link) : alert_subjects);
            return;
        case Action::settle:
            settle(*link, true, cycle);  // NotYet: this alert waits, the cycle goes on
            return redecide(*link, false);
        case Action::create: {
            // Another alert on the same tenant, type and resource already has an open ticket: fold.
            bool own_ticket = false;
            if (auto other = other_open_link_for_resource(alert, cycle)) {
                if (other->state == "creating")
                    throw NotYet{"the ticket of alert " + other->alert_id + " on the same resource is not settled yet"};
                if (fold(alert, cycle)) return;
                own_ticket = true;  // the fold was refused: a ticket of its own, not tied to the resource
            }
            return create(alert, decision.occurrence, mapping, cycle, own_ticket);
        }
        case Action::check_ticket: {
            std::optional<core::TicketRow> row;
            if (auto refused = upstream([&] { row = psa_.ticket(handle_of(*link)); })) {
                record("ticket_failed", "failed", "reading ticket #" + link->ticket_ref.value_or("?") + " refused: " + *refused,
                       subjects_of(*link));
                return;
            }
            if (!row) {
                // The ticket is gone from the PSA: this occurrence is over, a new one gets a ticket.
                link->state = "resolved";
                link->error = "the ticket is no longer in the PSA";
                store_.update_link(*link);
                return redecide(*link, false);
            }
            const bool closed = (cycle.options && cycle.options->is_closed(row->status)) ||
                                Poco::icompare(row->status, config_.close_status(cycle.settings, cycle.options)) == 0;
            link->ticket_status = row->status;
            if (closed) {
                // A technician closed it: resolved from now on (the reopen window starts here).
                if (!link->closed_seen_ns) link->closed_seen_ns = now_ns();
                link->state = "resolved";
                link->resolved_ns = link->closed_seen_ns;
                store_.update_link(*link);
                store_.record_ticket_status(link->id, row->status, true, now_ns());
                return redecide(*link, false);
            }
            store_.update_link(*link);
            return redecide(*link, true);
        }
        case Action::comment: {
            const std::string text = "Acronis raised the alert again at " + core::format_rfc3339_ns(alert.received_ns) + ".";
            if (auto refused = upstream([&] { psa_.add_comment(handle_of(*link), text); }))
                record("ticket_failed", "failed", "comment on #" + link->ticket_ref.value_or("?") + " refused: " + *refused,
                       subjects_of(*link));
            else {
                ++cycle.actions;
                record("ticket_commented", "ok",
                       core::alert_type_name(alert.type) + " recurred → comment on ticket #" + link->ticket_ref.value_or("?"),
                       subjects_of(*link));
            }
            link->alert_state = "active";
            link->last_change_ns = alert.updated_ns;
            store_.update_link(*link);
            return;
        }
        case Action::reopen: {
            if (auto other = other_open_link_for_resource(alert, cycle); other && other->id != link->id) {
                // Another ticket is open for this resource: the recurrence goes there, never a second open ticket.
                if (other->state == "creating")
                    throw NotYet{"the ticket of alert " + other->alert_id + " on the same resource is not settled yet"};
                const bool folded = fold(alert, cycle);
                if (folded || link->resource_key) {
                    if (!folded)
                        record("ticket_failed", "failed",
                               core::alert_type_name(alert.type) + " raised again, but ticket #" + other->ticket_ref.value_or("?") +
                                   " is open for the same resource and took no comment; #" + link->ticket_ref.value_or("?") +
                                   " stays closed",
                               subjects_of(*link));
                    link->alert_state = "active";
                    link->last_change_ns = alert.updated_ns;
                    store_.update_link(*link);
                    return;
                }
                // Its own ticket, not tied to the resource: reopening it conflicts with nothing.
            }
            const std::string status = config_.reopen_status(cycle.settings, cycle.options ? cycle.options : config_.cached_options());
            const std::string comment = "Acronis raised the alert again at " + core::format_rfc3339_ns(alert.received_ns) +
                                        "; reopened by the integration.";
            if (auto refused = upstream([&] { psa_.set_status(handle_of(*link), status, comment); })) {
                record("ticket_failed", "failed", "reopening #" + link->ticket_ref.value_or("?") + " refused: " + *refused,
                       subjects_of(*link));
            } else {
                ++cycle.actions;
                link->state = "open";
                link->ticket_status = status;
                link->resolved_ns.reset();
                link->closed_seen_ns.reset();
                link->error.reset();
                record("ticket_reopened", "ok",
                       core::alert_type_name(alert.type) + " raised again → ticket #" + link->ticket_ref.value_or("?") + " reopened (" +
                           status + ")",
                       subjects_of(*link));
            }
            link->alert_state = "active";
            link->last_change_ns = alert.updated_ns;
            store_.update_link(*link);
            return;
        }
        case Action::resolve: {
            const std::string status = config_.close_status(cycle.settings, cycle.options ? cycle.options : config_.cached_options());
            const std::string comment = "Acronis alert cleared at " + core::format_rfc3339_ns(alert.updated_ns) +
                                        "; resolved by the integration.";
            if (auto refused = upstream([&] { psa_.set_status(handle_of(*link), status, comment); })) {
                record("ticket_failed", "failed", "resolving #" + link->ticket_ref.value_or("?") + " refused: " + *refused,
                       subjects_of(*link));
            } else {
                ++cycle.actions;
                link->state = "resolved";
                link->ticket_status = status;
                link->resolved_ns = now_ns();
                record("ticket_resolved", "ok",
                       core::alert_type_name(alert.type) + " cleared → ticket #" + link->ticket_ref.value_or("?") + " set to " + status,
                       subjects_of(*link));
            }
            link->alert_state = "cleared";
            link->last_change_ns = alert.updated_ns;
            store_.update_link(*link);
            return;
        }
        case Action::note_clear: {
            link->alert_state = "cleared";
            link->last_change_ns = alert.updated_ns;
            store_.update_link(*link);
            record("alert_clear_noted", "ok",
                   core::alert_type_name(alert.type) + " cleared; ticket #" + link->ticket_ref.value_or("?") + " left as it is (" +
                       decision.reason + ")",
                   subjects_of(*link));
            return;
        }
    }
}

bool TicketingService::fold(const core::Alert& alert, Cycle& cycle) {
    if (!alert.resource_id) return false;
    auto open = store_.open_link_for_resource(alert.tenant_id, alert.type, *alert.resource_id);
    // Only into a ticket that exists and is not known closed.
    if (!open || open->state != "open" || open->closed_seen_ns || Poco::icompare(open->alert_id, alert.id) == 0) return false;
    const std::string text = "Acronis raised another " + core::alert_type_name(alert.type) + " alert (" + alert.id +
                             ") on the same resource " + alert.resource_name.value_or(*alert.resource_id) + " at " +
                             core::format_rfc3339_ns(alert.received_ns) + ".";
    if (auto refused = upstream([&] { psa_.add_comment(handle_of(*open), text); })) {
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
    settle_closed(*other, cycle);  // a ticket a technician closed frees the resource
    if (other->state != "open" && other->state != "creating") return std::nullopt;
    return other;
}

void TicketingService::create(const core::Alert& alert, int occurrence, const core::Mapping& mapping, Cycle& cycle,
                              bool own_ticket) {
    const std::string tenant = tenant_name(alert.tenant_id);
    core::TicketLink link;
    link.alert_id = alert.id;
    link.occurrence = occurrence;
    link.alert_type = alert.type;
    link.tenant_id = alert.tenant_id;
    if (!own_ticket) link.resource_key = alert.resource_id;
    link.psa_customer_id = mapping.psa_customer_id;
    link.state = "creating";
    link.alert_state = "active";
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

void TicketingService::settle(core::TicketLink& link, bool look_up_first, Cycle& cycle) {
    const std::string marker = ticket_marker(link.alert_id, link.occurrence);
    const std::string customer = customer_name(link.psa_customer_id);
    std::optional<core::TicketHandle> handle;
    std::optional<std::string> status;
    if (look_up_first) {
        std::optional<core::TicketRow> found;
        if (auto refused = upstream([&] { found = psa_.lookup_ticket(marker, customer, link.intent_ns); })) {
            if (link.attempt_ns || link.create_accepted) {
                // A create was sent: its ticket may exist. Failing the link would invite a second one.
                link.error = "the lookup after create was refused: " + *refused;
                store_.update_link(link);
                throw NotYet{"ticket " + marker + ": " + *link.error};
            }
            link.state = "failed";
            link.error = "the lookup after create was refused: " + *refused;
            store_.update_link(link);
            record("ticket_failed", "failed", link.error.value_or(""), subjects_of(link));
            return;
        }
        if (found) {
            handle = core::TicketHandle{found->id, found->ref};
            status = found->status;
        } else {
            // Not there yet. A ticket the PSA accepted, or one it may still be making (the last
            // attempt timed out less than twice the read timeout ago), is waited for, not made again.
            const std::int64_t grace = 2LL * psa_.settings().endpoint.read_timeout.count() * 1000000000LL;
            if (link.create_accepted) throw NotYet{"ticket " + marker + " was accepted by the PSA and is not listed yet"};
            if (link.attempt_ns && now_ns() - link.attempt_ns < grace)
                throw NotYet{"ticket " + marker + " may still be in the making; looking again later"};
        }
    }
    if (!handle) {
        const auto rule = store_.alert_rule(link.alert_type).value_or(core::AlertRule{});
        core::NewTicket ticket;
        ticket.title = link.ticket_title;
        ticket.description = link.ticket_description;
        ticket.customer = link.psa_customer_id;
        ticket.customer_name = customer;
        ticket.type = rule.ticket_type.value_or("");
        ticket.category = rule.ticket_category.value_or("");
        ticket.team = rule.team.value_or("");
        ticket.marker = marker;
        ticket.intent_ns = link.intent_ns;
        core::TicketHandle created;
        link.attempt_ns = now_ns();
        store_.update_link(link);
        std::optional<std::string> refused;
        try {
            refused = upstream([&] { created = psa_.create_ticket(ticket); });
        } catch (const Transient& t) {
            // Pending (timed out, or accepted without an id): the intent stays, looked up later.
            link.create_accepted = link.create_accepted || t.accepted;
            store_.update_link(link);
            throw NotYet{t.message};
        }
        if (refused) {
            // Refused for good (a 4xx): recorded, the watermark moves; a retry is the partner's call.
            link.state = "failed";
            link.error = *refused;
            store_.update_link(link);
            record("ticket_failed", "failed", "ticket for " + core::alert_type_name(link.alert_type) + " refused: " + *refused,
                   subjects_of(link));
            return;
        }
        handle = created;
        core::failpoint("ticketing.after_create");
    }
    link.ticket_id = handle->id.empty() ? std::nullopt : std::optional<std::string>(handle->id);
    link.ticket_ref = handle->ref.empty() ? std::nullopt : std::optional<std::string>(handle->ref);
    if (!status) {
        // What a new ticket gets: acpsa.psa.status.new, else the PSA's default status.
        const auto known = cycle.options ? cycle.options : config_.cached_options();
        status = !psa_.settings().status_new.empty() ? psa_.settings().status_new : known ? known->default_status() : "New";
    }
    link.ticket_status = status;
    link.state = "open";
    link.error.reset();
    store_.update_link(link);
    ++cycle.actions;
    record("ticket_created", "ok",
           core::alert_type_name(link.alert_type) + " → ticket #" + link.ticket_ref.value_or(link.ticket_id.value_or("?")) +
               " for " + customer,
           subjects_of(link));
    core::failpoint("ticketing.after_record");
}

void TicketingService::retry_link(std::int64_t link_id) {
    std::lock_guard<std::mutex> lock(retry_mutex_);
    auto link = store_.link(link_id);
    if (!link) throw hostsdk::ApiError::not_found("no link " + std::to_string(link_id));
    if (link->state != "failed") throw hostsdk::ApiError::conflict("link " + std::to_string(link_id) + " is " + link->state + ", not failed");
    link->state = "creating";
    link->error.reset();
    // intent_ns stays: the lookup before the new create covers every earlier attempt.
    link->attempt_ns = 0;  // refused for good before: no create of it can still be in the making
    link->create_accepted = false;
    try {
        store_.update_link(*link);
    } catch (const core::StoreConflict& e) {
        throw hostsdk::ApiError::conflict(e.what());
    }
    context_.request_run("ticketing");
}

}  // namespace acpsa::ticketing
