#pragma once
/// The ticketing engine: alerts changed since the watermark, each decided by the pure plan
/// (ticket_plan.hpp) and carried out exactly once (DESIGN §5): the intent is written before the
/// create, the ticket recorded after it, intents are settled by the lookup before any new create,
/// and the watermark moves only past alert changes durably handled.
///
/// Effects go through interfaces: the Acronis and PSA APIs (the HTTP clients, or fakes in unit
/// tests), the state store and the host context (its clock and activity log). Links are written
/// with a compare-and-set: before any effect, a link the clearing module changed meanwhile is read
/// again and decided again; after an effect (a PSA call made), its outcome is merged into the link
/// as stored (Store::merge_link), never decided again. Cycles never overlap (the host runs one at
/// a time); `retry_link` may run beside one.

#include "ticket_plan.hpp"
#include "ticketing_settings.hpp"

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/psa_api.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <functional>
#include <map>
#include <mutex>

namespace acpsa::ticketing {

class TicketingService {
public:
    /// Every reference must outlive the service.
    TicketingService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa, TicketingConfig& config,
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
    /// This alert waits (its ticket is still being settled, or its link kept changing): its change
    /// stays unprocessed, the other alerts go on.
    struct NotYet {
        std::string message;
    };
    struct Cycle {
        /// `actions` counts into the scaffold's progress, so a failed cycle still reports them.
        explicit Cycle(std::size_t& action_counter) : actions(action_counter) {}
        TicketingSettings settings;
        std::optional<PsaOptions> catalog;
        std::size_t& actions;
    };

    // ---- the cycle (ticketing_service.cpp)
    /// Settles the intents a crash or a retry left; one the PSA may still be making waits.
    void settle_intents(Cycle& cycle);
    /// Handles one alert change; retried once when its link changed underneath.
    void handle(const core::Alert& alert, Cycle& cycle);
    void decide_and_act(const core::Alert& alert, Cycle& cycle);
    /// Carries out a final plan (everything but settle and check_ticket).
    void carry_out(const core::Alert& alert, const TicketPlan& plan, std::optional<core::TicketLink>& link,
                   const core::Mapping& mapping, Cycle& cycle);
    void skip(const core::Alert& alert, const TicketPlan& plan, const std::optional<core::TicketLink>& link,
              const core::Mapping& mapping);
    PlanInput plan_input(const core::Alert& alert, const std::optional<core::TicketLink>& latest, bool mapped,
                         bool verified_open, const Cycle& cycle) const;
    /// The cycle's catalog, else the cached one (fetched since the cycle began), else nullopt.
    std::optional<PsaOptions> catalog(const Cycle& cycle) const;

    // ---- actions on an existing ticket (ticket_actions.cpp)
    /// Reads the link's ticket and records what it showed; false when the read was refused.
    bool check_ticket(core::TicketLink& link, Cycle& cycle);
    void comment(const core::Alert& alert, core::TicketLink& link, Cycle& cycle);
    void reopen(const core::Alert& alert, const TicketPlan& plan, core::TicketLink& link, Cycle& cycle);
    void resolve(const core::Alert& alert, const TicketPlan& plan, core::TicketLink& link, Cycle& cycle);
    void note_clear(const core::Alert& alert, const TicketPlan& plan, core::TicketLink& link);
    /// Records on the link that the alert change was acted on (its state and time) and what the
    /// action changed (`effect`), merged into the link as stored now (Store::merge_link).
    void mark_acted(core::TicketLink& link, const core::Alert& alert, core::AlertState state,
                    const std::function<void(core::TicketLink&)>& effect = {});
    /// The link of another alert that is creating or open for the same tenant, type and resource
    /// (after settling it when a technician closed its ticket), or nullopt.
    std::optional<core::TicketLink> other_open_link_for_resource(const core::Alert& alert, Cycle& cycle);
    /// Folds a new alert into the open ticket of the same tenant, type and resource (a comment,
    /// no link of its own). False when there is none, or the comment was refused.
    bool fold(const core::Alert& alert, Cycle& cycle);

    // ---- making tickets (ticket_creation.cpp)
    /// Folds, or writes the intent and creates the ticket. Throws NotYet while it is pending.
    void create(const core::Alert& alert, int occurrence, const core::Mapping& mapping, Cycle& cycle);
    /// Resolves a `creating` link: look the ticket up (unless the intent is brand new), else create.
    void settle(core::TicketLink& link, bool look_up_first, Cycle& cycle);
    /// The lookup after create: the ticket found, or nullopt when a create may be sent. Throws
    /// NotYet when a create may still be in the making; false in `usable` when the link failed.
    std::optional<core::TicketRow> look_up(core::TicketLink& link, bool& usable);
    /// Sends the create; nullopt when it was refused for good (the link is failed then).
    std::optional<core::TicketHandle> send_create(core::TicketLink& link);
    void record_created(core::TicketLink& link, const core::TicketHandle& handle, std::optional<std::string> status,
                        Cycle& cycle);
    void fail_link(core::TicketLink& link, const std::string& error, const std::string& message);

    // ---- helpers
    core::TicketHandle handle_of(const core::TicketLink& link) const;
    std::string customer_name(const std::string& psa_customer_id) const;
    std::string tenant_name(const std::string& tenant_id) const;
    void record(const std::string& action, const std::string& outcome, const std::string& message,
                std::map<std::string, std::string> subjects);
    std::map<std::string, std::string> subjects_of(const core::TicketLink& link) const;
    /// Runs a PSA call; transient failures become Transient, permanent ones are returned.
    std::optional<std::string> upstream(const std::function<void()>& call);
    std::int64_t now_ns() const;

    core::Store& store_;
    core::AcronisApi& acronis_;
    core::PsaApi& psa_;
    TicketingConfig& config_;
    hostsdk::Context& context_;
    std::mutex retry_mutex_;
};

}  // namespace acpsa::ticketing
