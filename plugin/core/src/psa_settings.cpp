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

namespace {

const std::string kPrefix = "acpsa.psa.";

/// Reads the INFERRED paths and column names of psa-api.md, each checked for its form.
class NameReader {
public:
    explicit NameReader(const Poco::Util::AbstractConfiguration& config) : config_(config) {}

    /// A `{ver}/{module}/{action}` path; empty means the endpoint is missing.
    void path(const std::string& key, std::string& target) const {
        static const Poco::RegularExpression path_form("^v[0-9]+(\\.[0-9]+)?/[A-Za-z0-9_]+/[A-Za-z0-9_]+$");
        if (!config_.hasProperty(kPrefix + key)) return;
        const std::string value = hostsdk::config_value(config_, kPrefix + key).value_or("");
        if (!value.empty() && !path_form.match(value))
            throw hostsdk::ConfigError(kPrefix + key, "must be {ver}/{module}/{action}, e.g. v1/tickets/createticket; got '" +
                                                          value + "'");
        target = value;
    }
    /// A path that must be there.
    void required_path(const std::string& key, std::string& target) const {
        path(key, target);
        if (target.empty()) throw hostsdk::ConfigError(kPrefix + key, "must not be empty");
    }
    /// A column or field name.
    void name(const std::string& key, std::string& target, bool may_be_empty) const {
        if (!config_.hasProperty(kPrefix + key)) return;
        const std::string value = hostsdk::config_value(config_, kPrefix + key).value_or("");
        if (value.empty() && !may_be_empty) throw hostsdk::ConfigError(kPrefix + key, "must not be empty");
        target = value;
    }

private:
    const Poco::Util::AbstractConfiguration& config_;
};

void read_paths(const NameReader& r, PsaSettings& s) {
    r.required_path("path.customers", s.path_customers);
    r.path("path.contacts", s.path_contacts);
    r.path("path.linked_customers", s.path_linked_customers);
    r.name("param.external_system", s.param_external_system, false);
    r.name("external_system", s.external_system, false);
    r.path("path.ticket_types", s.path_ticket_types);
    r.path("path.ticket_categories", s.path_ticket_categories);
    r.name("param.category_ticket_type", s.param_category_ticket_type, false);
    r.path("path.ticket_statuses", s.path_ticket_statuses);
    r.path("path.teams", s.path_teams);
    r.required_path("path.create_ticket", s.path_create_ticket);
    r.path("path.update_status", s.path_update_status);
    r.required_path("path.tickets_report", s.path_tickets_report);
    r.path("path.add_comment", s.path_add_comment);
    r.path("path.get_comments", s.path_get_comments);

}

void read_columns(const NameReader& r, PsaSettings& s) {
    r.name("col.customer_id", s.col_customer_id, true);
    r.name("col.customer_name", s.col_customer_name, false);
    r.name("col.customer_account", s.col_customer_account, true);
    r.name("col.customer_status", s.col_customer_status, true);
    r.name("col.customer_primary_contact", s.col_customer_primary_contact, true);
    r.name("col.contact_company_filter", s.col_contact_company_filter, false);
    r.name("col.contact_first", s.col_contact_first, false);
    r.name("col.contact_last", s.col_contact_last, false);
    r.name("col.contact_email", s.col_contact_email, false);
    r.name("col.contact_is_primary", s.col_contact_is_primary, false);
    r.name("col.linked_customer_id", s.col_linked_customer_id, false);
    r.name("col.linked_customer_name", s.col_linked_customer_name, false);
    r.name("col.linked_external_id", s.col_linked_external_id, false);
    r.name("col.linked_external_name", s.col_linked_external_name, true);
    r.name("col.linked_system", s.col_linked_system, true);
    r.name("col.lookup_id", s.col_lookup_id, false);
    r.name("col.lookup_name", s.col_lookup_name, false);
    r.name("col.lookup_is_closed", s.col_lookup_is_closed, false);
    r.name("col.lookup_is_default", s.col_lookup_is_default, false);
    r.name("col.ticket_ref", s.col_ticket_ref, false);
    r.name("col.ticket_title", s.col_ticket_title, false);
    r.name("col.ticket_type", s.col_ticket_type, false);
    r.name("col.ticket_id", s.col_ticket_id, true);
    r.name("col.ticket_status", s.col_ticket_status, false);
    r.name("col.ticket_customer", s.col_ticket_customer, false);
    r.name("col.ticket_updated", s.col_ticket_updated, true);
    r.name("col.ticket_created", s.col_ticket_created, false);
    r.name("field.create_status", s.field_create_status, true);
    r.name("field.create_team", s.field_create_team, true);
    r.name("field.update_ref", s.field_update_ref, false);
    r.name("field.update_status", s.field_update_status, false);
    r.name("field.update_comment", s.field_update_comment, true);
    r.name("col.comment_text", s.col_comment_text, false);

}

void read_limits(const Poco::Util::AbstractConfiguration& config, PsaSettings& s) {
    s.create_retry_without_inferred = hostsdk::config_bool(config, kPrefix + "create.retry_without_inferred", true);
    s.update_status_fallback_comment = hostsdk::config_bool(config, kPrefix + "update_status.fallback_comment", false);
    s.status_new = hostsdk::config_string(config, kPrefix + "status.new", "");
    if (config.hasProperty(kPrefix + "ref_prefix")) s.ref_prefix = hostsdk::config_value(config, kPrefix + "ref_prefix").value_or("");
    s.page_size = static_cast<int>(hostsdk::config_int(config, kPrefix + "page_size", 500, 1, 1000));
    s.page_delay = std::chrono::milliseconds(hostsdk::config_int(config, kPrefix + "page_delay_ms", 3000, 0, 60000));
    s.snapshot_chunk = static_cast<int>(hostsdk::config_int(config, kPrefix + "snapshot_chunk", 50, 1, 500));
    s.endpoint.connect_timeout = std::chrono::seconds(hostsdk::config_int(config, kPrefix + "connect_timeout_s", 10, 1, 600));
    s.endpoint.read_timeout = std::chrono::seconds(hostsdk::config_int(config, kPrefix + "read_timeout_s", 60, 1, 3600));
    s.endpoint.ca_file = hostsdk::config_string(config, kPrefix + "ca_file", "");
    if (!s.endpoint.ca_file.empty()) s.endpoint.ca_file = hostsdk::resolve_config_path(config, s.endpoint.ca_file);
    s.retry.max_attempts = static_cast<int>(hostsdk::config_int(config, kPrefix + "retry.max_attempts", 4, 1, 20));
    s.retry.base_delay = std::chrono::milliseconds(hostsdk::config_int(config, kPrefix + "retry.base_delay_ms", 1000, 0, 600000));
    s.retry.max_delay = std::chrono::seconds(hostsdk::config_int(config, kPrefix + "retry.max_delay_s", 60, 0, 3600));
    s.updated_overlap = std::chrono::seconds(hostsdk::config_int(config, kPrefix + "updated_overlap_s", 300, 0, 86400));
    s.date_utc_offset_min = static_cast<int>(hostsdk::config_int(config, kPrefix + "date_utc_offset_min", 0, -14 * 60, 14 * 60));

    s.fallback_ticket_types = list(hostsdk::config_string(config, kPrefix + "fallback.ticket_types", ""));
    auto statuses = list(hostsdk::config_string(config, kPrefix + "fallback.ticket_statuses", ""));
    for (const char* required : {"New", "Fixed"})
        if (std::none_of(statuses.begin(), statuses.end(), [&](const std::string& x) { return Poco::icompare(x, required) == 0; }))
            statuses.push_back(required);
    s.fallback_ticket_statuses = statuses;
    s.fallback_ticket_categories = list(hostsdk::config_string(config, kPrefix + "fallback.ticket_categories", ""));
    s.fallback_teams = list(hostsdk::config_string(config, kPrefix + "fallback.teams", ""));
}

}  // namespace

PsaSettings parse_psa_settings(const Poco::Util::AbstractConfiguration& config) {
    PsaSettings s;
    s.site = hostsdk::config_required(config, kPrefix + "site");
    try {
        parse_base_url(kPrefix + "site", psa_base_url(s.site));
    } catch (const std::invalid_argument& e) {
        throw hostsdk::ConfigError(kPrefix + "site", e.what());
    }
    s.api_key = hostsdk::config_required(config, kPrefix + "api_key");

    const NameReader reader(config);
    read_paths(reader, s);
    read_columns(reader, s);
    read_limits(config, s);
    return s;
}

}  // namespace acpsa::core
