#include "ticket_text.hpp"

#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/timestamps.hpp"

#include <Poco/String.h>

namespace acpsa::ticketing {

std::string ticket_marker(const std::string& alert_id, int occurrence) {
    return "[AC-" + Poco::toUpper(alert_id.substr(0, 8)) + "-" + std::to_string(occurrence) + "]";
}

std::string ticket_title(const core::Alert& alert, const std::string& tenant_name, int occurrence) {
    const std::string subject = alert.resource_name ? *alert.resource_name : tenant_name;
    return core::alert_type_name(alert.type) + ": " + subject + " " + ticket_marker(alert.id, occurrence);
}

std::string ticket_description(const core::Alert& alert, const std::string& customer_name, const std::string& tenant_name,
                               int occurrence) {
    std::string text;
    auto line = [&](const std::string& label, const std::string& value) {
        if (!value.empty()) text += label + ": " + value + "\n";
    };
    line("Acronis alert", core::alert_type_name(alert.type) + " (" + alert.type + ")");
    line("Severity", alert.severity);
    line("Category", alert.category);
    line("Customer", customer_name + " (Acronis tenant " + tenant_name + ", " + alert.tenant_id + ")");
    line("Resource", alert.resource_name.value_or(""));
    line("Resource id", alert.resource_id.value_or(""));
    line("Plan", alert.plan_name.value_or(""));
    line("Raised at", core::format_rfc3339_ns(alert.received_ns));
    line("First raised at", core::format_rfc3339_ns(alert.created_ns));
    line("Occurrence", std::to_string(occurrence));
    line("Alert id", alert.id);
    line("Details", alert.details_json);
    text += "\nCreated by the Acronis Cyber Cloud integration " + ticket_marker(alert.id, occurrence);
    return text;
}

}  // namespace acpsa::ticketing
