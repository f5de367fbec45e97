#pragma once
/// The ticketing decisions as pure functions: given an alert change, the alert's latest link, the
/// settings and the time, what to do. No I/O, so every row of the decision table is a unit test.

#include "acpsa/core/states.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace acpsa::core::sync {

enum class Action {
    create,        ///< a new ticket, occurrence `occurrence`
    check_ticket,  ///< read the ticket once: the link is believed open (then decide again)
    comment,       ///< the alert recurred on an open ticket
    reopen,        ///< set the reopen status on a resolved ticket, with a comment
    resolve,       ///< set the close status on an open ticket, with a comment
    note_clear,    ///< record that the alert cleared; the ticket stays as it is
    skip,          ///< nothing; `reason` says why (activity `alert_skipped`)
    leave,         ///< nothing, the link is not ours to change (unmapped customer, failed link)
    settle,        ///< the link is still `creating`: settle the intent first, then decide again
};

const char* to_string(Action action) noexcept;

/// What is known of the alert's latest link (highest occurrence).
struct LinkFacts {
    LinkState state = LinkState::open;
    int occurrence = 1;
    /// The ticket is known to be closed: a closed status was seen, or the integration resolved it.
    bool ticket_closed = false;
    /// When it was resolved or first seen closed (the reopen window starts there).
    std::optional<std::int64_t> closed_since_ns;
    /// The ticket was read during this decision and is open.
    bool verified_open = false;
};

struct Settings {
    bool mapped = false;        ///< the alert's tenant is mapped to a PSA customer
    bool creation = false;      ///< ticket creation is on
    bool type_enabled = false;  ///< the alert type's rule is enabled
    bool auto_close = false;
    bool auto_reopen = false;
    int reopen_days = 1;
};

struct Decision {
    Action action = Action::skip;
    int occurrence = 0;  ///< for `create`
    std::string reason;  ///< for `skip` and `leave`
};

/// The decision table of the ticketing module (issue #7), row by row.
Decision decide(bool cleared, const std::optional<LinkFacts>& latest, const Settings& settings, std::int64_t now_ns);

}  // namespace acpsa::core::sync
