#pragma once
/// The ticketing cycle: alerts changed since the watermark, each decided by the pure rules
/// (core/sync_rules) and carried out exactly once (DESIGN §5): the intent is written before the
/// create, the ticket recorded after it, intents are settled by the lookup before any new create,
/// and the watermark moves only past alert changes durably handled.

#include "ticketing_settings.hpp"

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/psa_client.hpp"
#include "acpsa/core/store.hpp"
#include "acpsa/core/sync_rules.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <mutex>

namespace acpsa::ticketing {

class TicketingService {
public:
    TicketingService(core::Store& store, core::AcronisClient& acronis, core::PsaClient& psa, TicketingConfig& config,
                     hostsdk::Context& context);

    /// One cycle. Never throws.
    hostsdk::RunResult run_cycle();

    /// A `failed` link goes back to `creating`; the next cycle settles it (look up, then create).
    /// Throws hostsdk::ApiError 404 / 409.
    void retry_link(std::int64_t link_id);

private:
    /// A failure worth trying again next cycle: stop here, the watermark stays.
    struct Transient {
        std::string message;
        bool accepted = false;  ///< a create the PSA accepted without an id
    };
    /// A create the PSA may still be making: the intent stays `creating` and is looked up later.
    struct NotYet {
        std::string message;
    };
    struct Cycle {
        TicketingSettings settings;
        std::optional<PsaOptions> options;
        std::size_t actions = 0;
    };

    void handle(const core::Alert& alert, Cycle& cycle);
    /// Carries out `decision`; may decide again (check_ticket, settle).
    void act(const core::Alert& alert, core::sync::Decision decision, std::optional<core::TicketLink> link,
             const core::Mapping& mapping, Cycle& cycle, int depth);
    /// Resolves a `creating` link: look the ticket up (unless the intent is brand new), else create.
    void settle(core::TicketLink& link, bool look_up_first, Cycle& cycle);
    /// What the sync rules decide with for an alert of `alert_type`: the cycle's settings and the
    /// type's rule (enabled only when type, category and team are all chosen).
    core::sync::Settings rule_settings(const std::string& alert_type, bool mapped, const Cycle& cycle) const;
    /// Writes the intent and creates the ticket. `own_ticket`: not tied to the alert's resource
    /// (another alert's ticket is open for it and took no fold). Throws NotYet while it is pending.
    void create(const core::Alert& alert, int occurrence, const core::Mapping& mapping, Cycle& cycle, bool own_ticket);
    /// The link of another alert that is creating or open for the same tenant, type and resource
    /// (after settling it when a technician closed its ticket), or nullopt.
    std::optional<core::TicketLink> other_open_link_for_resource(const core::Alert& alert, Cycle& cycle);
    /// Folds a new alert into the open ticket of the same tenant, type and resource (a comment,
    /// no link of its own). False when there is none, or the comment was refused.
    bool fold(const core::Alert& alert, Cycle& cycle);
    /// An open link whose ticket is known closed becomes resolved (from when it was first seen closed).
    void settle_closed(core::TicketLink& link, Cycle& cycle);
    core::sync::LinkFacts facts(const core::TicketLink& link, Cycle& cycle);
    core::TicketHandle handle_of(const core::TicketLink& link) const;
    std::string customer_name(const std::string& psa_customer_id) const;
    std::string tenant_name(const std::string& tenant_id) const;
    void record(const std::string& action, const std::string& outcome, const std::string& message,
                std::map<std::string, std::string> subjects);
    std::map<std::string, std::string> subjects_of(const core::TicketLink& link) const;
    /// Runs a PSA call; transient failures become Transient, permanent ones are returned.
    template <class Fn>
    std::optional<std::string> upstream(Fn fn);
    std::int64_t now_ns() const;

    core::Store& store_;
    core::AcronisClient& acronis_;
    core::PsaClient& psa_;
    TicketingConfig& config_;
    hostsdk::Context& context_;
    std::mutex retry_mutex_;
};

}  // namespace acpsa::ticketing
