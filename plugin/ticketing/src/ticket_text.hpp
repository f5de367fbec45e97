#pragma once
/// The title and description of a ticket a technician can act on, ending with the marker that the
/// lookup after create finds it by (DESIGN §5).

#include "acpsa/core/acronis_types.hpp"

#include <string>

namespace acpsa::ticketing {

/// `[AC-<first 8 characters of the alert id, upper-case>-<occurrence>]`.
std::string ticket_marker(const std::string& alert_id, int occurrence);

/// `<alert name>: <resource or tenant name> [AC-…]`.
std::string ticket_title(const core::Alert& alert, const std::string& tenant_name, int occurrence);

/// Plain text: alert name and type, severity, customer and tenant, resource, plan, times, the full
/// alert id and the details as received.
std::string ticket_description(const core::Alert& alert, const std::string& customer_name, const std::string& tenant_name,
                               int occurrence);

}  // namespace acpsa::ticketing
