#pragma once
/// The clearing decisions as pure functions: what one observed ticket row means for its link
/// ("Clearing Alerts in Acronis", product guide), and how the link records it. No I/O.

#include "acpsa/core/psa_catalog.hpp"
#include "acpsa/core/store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace acpsa::clearing {

struct ClearingSettings {
    bool enabled = false;
    std::optional<std::string> status;  ///< nullopt: the default (as auto_close.status's)
};

/// What to do with one observed row of a linked ticket.
enum class RowVerdict {
    ignore,         ///< not a change of ours to record (status seen before, empty, or the customer unlinked)
    record,         ///< a new status: record it on the link
    clear_alert,    ///< the chosen status on an active alert: clear the alert in Acronis, then record
};

/// The verdict for `row_status` on `link`. `linked`: the link's customer is still mapped to the
/// link's tenant. `chosen`: the status that clears (effective_close_status of the settings).
RowVerdict judge_row(const core::TicketLink& link, const std::string& row_status, bool linked,
                     const ClearingSettings& settings, const std::string& chosen);

/// Records a new status on the link: the reopen window starts the first time it is seen closed;
/// a technician's reopen of an open link forgets that. Returns whether the status closes.
bool record_status(core::TicketLink& link, const std::string& status, const std::string& chosen,
                   const std::optional<core::PsaCatalog>& catalog, std::int64_t now_ns);

}  // namespace acpsa::clearing
