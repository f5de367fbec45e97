#include "clearing_rules.hpp"

#include <Poco/String.h>

namespace acpsa::clearing {

RowVerdict judge_row(const core::TicketLink& link, const std::string& row_status, bool linked,
                     const ClearingSettings& settings, const std::string& chosen) {
    if (row_status.empty()) return RowVerdict::ignore;
    if (link.ticket_status && Poco::icompare(*link.ticket_status, row_status) == 0) return RowVerdict::ignore;  // seen before
    if (!linked) return RowVerdict::ignore;  // links of unlinked customers are left alone
    if (settings.enabled && Poco::icompare(row_status, chosen) == 0 && link.alert_state == core::AlertState::active)
        return RowVerdict::clear_alert;
    return RowVerdict::record;
}

bool record_status(core::TicketLink& link, const std::string& status, const std::string& chosen,
                   const std::optional<core::PsaCatalog>& catalog, std::int64_t now_ns) {
    const bool closed = core::closes_ticket(status, chosen, catalog);
    link.ticket_status = status;
    if (closed && !link.closed_seen_ns) link.closed_seen_ns = now_ns;                     // the reopen window starts here
    if (!closed && link.state == core::LinkState::open) link.closed_seen_ns.reset();  // reopened by a technician
    return closed;
}

}  // namespace acpsa::clearing
