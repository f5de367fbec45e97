#include "acpsa/core/psa_settings.hpp"

#include <hostsdk/config.hpp>

#include <Poco/RegularExpression.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

#include <algorithm>

namespace acpsa::core {

namespace {

std::vector<std::string> list(const std::string& text) {
    std::vector<std::string> items;
    Poco::StringTokenizer tokens(text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    items.assign(tokens.begin(), tokens.end());
    return items;
}

}  // namespace

std::string psa_base_url(const std::string& raw) {
    std::string site = Poco::trim(raw);
    std::string scheme = "https";
    const auto colon = site.find("://");
    if (colon != std::string::npos) {
        scheme = Poco::toLower(site.substr(0, colon));
        site = site.substr(colon + 3);
    }
    site = site.substr(0, site.find('/'));  // strip any path and trailing '/'
    return scheme + "://" + site;
}

PsaSettings parse_psa_settings(const Poco::Util::AbstractConfiguration& config) {
    const std::string p = "acpsa.psa.";
    PsaSettings s;
    s.site = hostsdk::config_required(config, p + "site");
    try {
        parse_base_url(p + "site", psa_base_url(s.site));
    } catch (const std::invalid_argument& e) {
        throw hostsdk::ConfigError(p + "site", e.what());
    }
    s.api_key = hostsdk::config_required(config, p + "api_key");

    static const Poco::RegularExpression path_form("^v[0-9]+(\\.[0-9]+)?/[A-Za-z0-9_]+/[A-Za-z0-9_]+$");
    auto path = [&](const std::string& key, std::string& target) {
        if (!config.hasProperty(p + key)) return;
        const std::string value = hostsdk::config_value(config, p + key).value_or("");
        if (!value.empty() && !path_form.match(value))
            throw hostsdk::ConfigError(p + key, "must be {ver}/{module}/{action}, e.g. v1/tickets/createticket; got '" +
                                                    value + "'");
        target = value;
    };
    auto name = [&](const std::string& key, std::string& target, bool may_be_empty) {
        if (!config.hasProperty(p + key)) return;
        const std::string value = hostsdk::config_value(config, p + key).value_or("");
        if (value.empty() && !may_be_empty) throw hostsdk::ConfigError(p + key, "must not be empty");
        target = value;
    };
    path("path.customers", s.path_customers);
    if (s.path_customers.empty()) throw hostsdk::ConfigError(p + "path.customers", "must not be empty");
    path("path.contacts", s.path_contacts);
    path("path.linked_customers", s.path_linked_customers);
    name("param.external_system", s.param_external_system, false);
    name("external_system", s.external_system, false);
    path("path.ticket_types", s.path_ticket_types);
    path("path.ticket_categories", s.path_ticket_categories);
    name("param.category_ticket_type", s.param_category_ticket_type, false);
    path("path.ticket_statuses", s.path_ticket_statuses);
    path("path.teams", s.path_teams);
    path("path.create_ticket", s.path_create_ticket);
    if (s.path_create_ticket.empty()) throw hostsdk::ConfigError(p + "path.create_ticket", "must not be empty");
    path("path.update_status", s.path_update_status);
    path("path.tickets_report", s.path_tickets_report);
    if (s.path_tickets_report.empty()) throw hostsdk::ConfigError(p + "path.tickets_report", "must not be empty");
    path("path.add_comment", s.path_add_comment);
    path("path.get_comments", s.path_get_comments);

    name("col.customer_id", s.col_customer_id, true);
    name("col.customer_name", s.col_customer_name, false);
    name("col.customer_account", s.col_customer_account, true);
    name("col.customer_status", s.col_customer_status, true);
    name("col.customer_primary_contact", s.col_customer_primary_contact, true);
    name("col.contact_company_filter", s.col_contact_company_filter, false);
    name("col.contact_first", s.col_contact_first, false);
    name("col.contact_last", s.col_contact_last, false);
    name("col.contact_email", s.col_contact_email, false);
    name("col.contact_is_primary", s.col_contact_is_primary, false);
    name("col.linked_customer_id", s.col_linked_customer_id, false);
    name("col.linked_customer_name", s.col_linked_customer_name, false);
    name("col.linked_external_id", s.col_linked_external_id, false);
    name("col.linked_external_name", s.col_linked_external_name, true);
    name("col.linked_system", s.col_linked_system, true);
    name("col.lookup_id", s.col_lookup_id, false);
    name("col.lookup_name", s.col_lookup_name, false);
    name("col.lookup_is_closed", s.col_lookup_is_closed, false);
    name("col.lookup_is_default", s.col_lookup_is_default, false);
    name("col.ticket_ref", s.col_ticket_ref, false);
    name("col.ticket_title", s.col_ticket_title, false);
    name("col.ticket_type", s.col_ticket_type, false);
    name("col.ticket_id", s.col_ticket_id, true);
    name("col.ticket_status", s.col_ticket_status, false);
    name("col.ticket_customer", s.col_ticket_customer, false);
    name("col.ticket_updated", s.col_ticket_updated, true);
    name("col.ticket_created", s.col_ticket_created, false);
    name("field.create_status", s.field_create_status, true);
    name("field.create_team", s.field_create_team, true);
    name("field.update_ref", s.field_update_ref, false);
    name("field.update_status", s.field_update_status, false);
    name("field.update_comment", s.field_update_comment, true);
    name("col.comment_text", s.col_comment_text, false);

    s.create_retry_without_inferred = hostsdk::config_bool(config, p + "create.retry_without_inferred", true);
    s.update_status_fallback_comment = hostsdk::config_bool(config, p + "update_status.fallback_comment", false);
    s.status_new = hostsdk::config_string(config, p + "status.new", "");
    if (config.hasProperty(p + "ref_prefix")) s.ref_prefix = hostsdk::config_value(config, p + "ref_prefix").value_or("");
    s.page_size = static_cast<int>(hostsdk::config_int(config, p + "page_size", 500, 1, 1000));
    s.page_delay = std::chrono::milliseconds(hostsdk::config_int(config, p + "page_delay_ms", 3000, 0, 60000));
    s.snapshot_chunk = static_cast<int>(hostsdk::config_int(config, p + "snapshot_chunk", 50, 1, 500));
    s.endpoint.connect_timeout = std::chrono::seconds(hostsdk::config_int(config, p + "connect_timeout_s", 10, 1, 600));
    s.endpoint.read_timeout = std::chrono::seconds(hostsdk::config_int(config, p + "read_timeout_s", 60, 1, 3600));
    s.endpoint.ca_file = hostsdk::config_string(config, p + "ca_file", "");
    if (!s.endpoint.ca_file.empty()) s.endpoint.ca_file = hostsdk::resolve_config_path(config, s.endpoint.ca_file);
    s.retry.max_attempts = static_cast<int>(hostsdk::config_int(config, p + "retry.max_attempts", 4, 1, 20));
    s.retry.base_delay = std::chrono::milliseconds(hostsdk::config_int(config, p + "retry.base_delay_ms", 1000, 0, 600000));
    s.retry.max_delay = std::chrono::seconds(hostsdk::config_int(config, p + "retry.max_delay_s", 60, 0, 3600));
    s.updated_overlap = std::chrono::seconds(hostsdk::config_int(config, p + "updated_overlap_s", 300, 0, 86400));
    s.date_utc_offset_min = static_cast<int>(hostsdk::config_int(config, p + "date_utc_offset_min", 0, -14 * 60, 14 * 60));

    s.fallback_ticket_types = list(hostsdk::config_string(config, p + "fallback.ticket_types", ""));
    auto statuses = list(hostsdk::config_string(config, p + "fallback.ticket_statuses", ""));
    for (const char* required : {"New", "Fixed"})
        if (std::none_of(statuses.begin(), statuses.end(), [&](const std::string& x) { return Poco::icompare(x, required) == 0; }))
            statuses.push_back(required);
    s.fallback_ticket_statuses = statuses;
    s.fallback_ticket_categories = list(hostsdk::config_string(config, p + "fallback.ticket_categories", ""));
    s.fallback_teams = list(hostsdk::config_string(config, p + "fallback.teams", ""));
    return s;
}

}  // namespace acpsa::core
