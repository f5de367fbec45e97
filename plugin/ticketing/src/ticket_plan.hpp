#pragma once
/// The ticketing decisions as pure functions over typed values: what to do with one alert change
/// (the decision table of core/sync_rules, with the statuses and texts to send), and how a link
/// changes when a ticket is read or an action succeeds. No I/O and no clock: the engine
/// (ticketing_service) reads, calls these, and carries the plan out. "Priority from severity"
/// would be one more field of TicketPlan, set in `plan_ticket`.

#include "ticketing_settings.hpp"

#include "acpsa/core/acronis_types.hpp"
#include "acpsa/core/psa_catalog.hpp"
#include "acpsa/core/psa_types.hpp"
#include "acpsa/core/store.hpp"
#include "acpsa/core/sync_rules.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace acpsa::ticketing {

/// What is known when one alert change is decided.
struct PlanInput {
    bool cleared = false;                      ///< the alert change is a clear (else raised, again)
    std::optional<core::TicketLink> latest;    ///< the alert's link with the highest occurrence
    bool mapped = false;                       ///< the alert's tenant is mapped to a customer
    bool verified_open = false;                ///< the latest link's ticket was read just now and is open
    TicketingSettings settings;
    std::optional<core::AlertRule> rule;       ///< the alert type's row of the Ticket creation tab
    std::optional<core::PsaCatalog> catalog;   ///< the PSA's lists, when ever fetched
    std::int64_t now_ns = 0;
};

/// What to do, with everything the PSA call needs.
struct TicketPlan {
    core::sync::Action action = core::sync::Action::skip;
    int occurrence = 0;   ///< create: the occurrence the new ticket is for
    std::string reason;   ///< skip, leave, note_clear: why
    std::string status;   ///< resolve, reopen: the status to set
};

/// The decision table's facts of a link: a resolved link is closed since it was resolved or first
/// seen closed.
core::sync::LinkFacts link_facts(const core::TicketLink& link, bool verified_open);
/// The table's settings: the module's settings and the type's rule (enabled only when type,
/// category and team are all chosen).
core::sync::Settings rule_settings(const TicketingSettings& settings, const std::optional<core::AlertRule>& rule, bool mapped);
/// The plan for one alert change.
TicketPlan plan_ticket(const PlanInput& input);

/// An open link whose ticket is known closed (the clearing module saw it closed, or its status is
/// one the PSA marks closed) becomes resolved, from when it was first seen closed. Returns whether
/// the link changed.
bool settle_closed(core::TicketLink& link, const std::optional<core::PsaCatalog>& catalog, std::int64_t now_ns);

/// What reading an open link's ticket showed.
enum class TicketSeen { open, closed, gone };
/// Applies a read of the link's ticket (`row` nullopt: it is gone from the PSA) to the link: gone
/// or closed make it resolved (closed from `now_ns` unless seen closed before).
TicketSeen apply_ticket_read(core::TicketLink& link, const std::optional<core::TicketRow>& row,
                             const std::string& close_status, const std::optional<core::PsaCatalog>& catalog,
                             std::int64_t now_ns);

/// The status a new ticket gets: `status_new` when configured, else the PSA's default, else `New`.
std::string new_ticket_status(const std::string& status_new, const std::optional<core::PsaCatalog>& catalog);

/// The texts sent with each action.
std::string recurrence_comment(const core::Alert& alert);
std::string reopen_comment(const core::Alert& alert);
std::string resolve_comment(const core::Alert& alert);
std::string fold_comment(const core::Alert& alert);

}  // namespace acpsa::ticketing
