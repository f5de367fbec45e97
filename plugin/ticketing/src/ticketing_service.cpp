#include "ticketing_service.hpp"

#include "acpsa/core/errors.hpp"
#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/cycle.hpp"

namespace acpsa::ticketing {

using core::LinkState;
using core::sync::Action;

namespace {
const char* kWatermark = "ticketing.alerts_watermark";
/// Decisions in a row for one alert change (settle, check, act) before it waits for the next cycle.
constexpr int kMaxRounds = 4;
}  // namespace

TicketingService::TicketingService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa,
                                   TicketingConfig& config, hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), config_(config), context_(context) {}

std::int64_t TicketingService::now_ns() const { return core::now_ns(context_.clock()); }

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

std::optional<PsaOptions> TicketingService::catalog(const Cycle& cycle) const {
    return cycle.catalog ? cycle.catalog : config_.cached_options();
}

std::optional<std::string> TicketingService::upstream(const std::function<void()>& call) {
    try {
        call();
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
    return core::run_guarded_cycle("ticketing", acronis_, psa_, [&](core::CycleProgress& progress, const core::CycleCalls& calls) {
        Cycle cycle(progress.items);
        std::size_t handled = 0;
        try {
            cycle.settings = config_.settings();
            cycle.catalog = config_.cached_options();  // never a request here: the budget of an idle cycle
            settle_intents(cycle);

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
                    // This change stays unprocessed and the watermark stays below it, so the next
                    // cycle sees it again; the other alerts go on. Never below the stored
                    // watermark: what lies under it was handled and pruned.
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
            std::string summary =
                std::to_string(handled) + " alert changes, " + std::to_string(cycle.actions) + " ticket actions";
            // Waiting alerts do not make the cycle a failure: a retry status would back off every
            // other alert too. The message says what waits.
            if (waiting > 0)
                summary += ", " + std::to_string(waiting) + " waiting for a ticket to settle (" + waiting_for + ")";
            return hostsdk::RunResult::make_ok(summary, cycle.actions, calls());
        } catch (const Transient& t) {
            return hostsdk::RunResult::make_retry(std::to_string(handled) + " alert changes handled, then: " + t.message,
                                                  cycle.actions, calls());
        }
    });
}

void TicketingService::settle_intents(Cycle& cycle) {
    for (auto link : store_.links_in_states({LinkState::creating})) {
        try {
            settle(link, true, cycle);
        } catch (const NotYet&) {
            // the PSA may still be making it: looked up again next cycle
        } catch (const core::StaleLink&) {
            // changed meanwhile (a retry, say): settled next cycle from what is stored then
        }
    }
}

void TicketingService::handle(const core::Alert& alert, Cycle& cycle) {
    try {
        decide_and_act(alert, cycle);
    } catch (const core::StaleLink&) {
        // The clearing module wrote the link between our read and our write: read and decide again.
        try {
            decide_and_act(alert, cycle);
        } catch (const core::StaleLink& again) {
            throw NotYet{again.what()};
        }
    }
}

PlanInput TicketingService::plan_input(const core::Alert& alert, const std::optional<core::TicketLink>& latest, bool mapped,
                                       bool verified_open, const Cycle& cycle) const {
    PlanInput in;
    in.cleared = alert.cleared();
    in.latest = latest;
    in.mapped = mapped;
    in.verified_open = verified_open;
    in.settings = cycle.settings;
    in.rule = store_.alert_rule(alert.type);
    in.catalog = catalog(cycle);
    in.now_ns = now_ns();
    return in;
}

void TicketingService::decide_and_act(const core::Alert& alert, Cycle& cycle) {
    auto latest = store_.latest_link_for_alert(alert.id);
    if (latest && alert.updated_ns <= latest->last_change_ns) return;  // acted on before a crash
    const auto mapping = store_.mapping_for_tenant(alert.tenant_id);
    const bool mapped = mapping && mapping->state == core::MappingState::mapped;
    if (latest && mapped && latest->psa_customer_id != mapping->psa_customer_id) {
        // The tenant was mapped to another customer since: the old customer's ticket is left alone.
        record("alert_skipped", "skipped",
               core::alert_type_name(alert.type) + " on " + tenant_name(alert.tenant_id) +
                   ": the tenant is now mapped to another customer; the earlier ticket is left alone",
               subjects_of(*latest));
        return;
    }
    if (latest && settle_closed(*latest, cycle.catalog, now_ns())) store_.update_link(*latest);
    bool verified_open = false;
    for (int round = 0; round < kMaxRounds; ++round) {
        const TicketPlan plan = plan_ticket(plan_input(alert, latest, mapped, verified_open, cycle));
        if (plan.action == Action::settle) {
            settle(*latest, true, cycle);  // NotYet: this alert waits, the cycle goes on
            verified_open = false;
        } else if (plan.action == Action::check_ticket) {
            if (!check_ticket(*latest, cycle)) return;
            verified_open = latest->state == LinkState::open;
        } else {
            return carry_out(alert, plan, latest, mapping.value_or(core::Mapping{}), cycle);
        }
    }
    throw Transient{"alert " + alert.id + ": no decision settled"};
}

void TicketingService::carry_out(const core::Alert& alert, const TicketPlan& plan, std::optional<core::TicketLink>& link,
                                 const core::Mapping& mapping, Cycle& cycle) {
    switch (plan.action) {
        case Action::skip:
        case Action::leave: return skip(alert, plan, link, mapping);
        case Action::create: return create(alert, plan.occurrence, mapping, cycle);
        case Action::comment: return comment(alert, *link, cycle);
        case Action::reopen: return reopen(alert, plan, *link, cycle);
        case Action::resolve: return resolve(alert, plan, *link, cycle);
        case Action::note_clear: return note_clear(alert, plan, *link);
        case Action::settle:
        case Action::check_ticket: break;  // handled by the caller's loop
    }
}

void TicketingService::skip(const core::Alert& alert, const TicketPlan& plan, const std::optional<core::TicketLink>& link,
                            const core::Mapping& mapping) {
    const std::string what = core::alert_type_name(alert.type) + " on " + tenant_name(alert.tenant_id) + ": " + plan.reason;
    if (plan.action == Action::leave) {
        record("alert_skipped", "skipped", what + "; its ticket is left alone",
               link ? subjects_of(*link) : std::map<std::string, std::string>{{"alert_id", alert.id}, {"tenant_id", alert.tenant_id}});
        return;
    }
    std::map<std::string, std::string> subjects = {{"alert_id", alert.id}, {"tenant_id", alert.tenant_id}};
    if (!mapping.psa_customer_id.empty()) subjects["psa_customer_id"] = mapping.psa_customer_id;
    record("alert_skipped", "skipped", what, subjects);
}

}  // namespace acpsa::ticketing
