#include "acpsa/core/acronis_settings.hpp"

#include <hostsdk/config.hpp>

#include <Poco/String.h>

namespace acpsa::core {

AcronisSettings parse_acronis_settings(const Poco::Util::AbstractConfiguration& config) {
    const std::string p = "acpsa.acronis.";
    AcronisSettings s;
    s.url = hostsdk::config_required(config, p + "url");
    while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
    try {
        parse_base_url(p + "url", s.url);  // scheme, host and the loopback rule
    } catch (const std::invalid_argument& e) {
        throw hostsdk::ConfigError(p + "url", e.what());
    }
    s.client_id = hostsdk::config_required(config, p + "client_id");
    s.client_secret = hostsdk::config_required(config, p + "client_secret");
    s.partner_tenant_id = Poco::toLower(hostsdk::config_string(config, p + "partner_tenant_id", ""));
    const std::string listing = hostsdk::config_string(config, p + "tenant_listing", "children");
    if (listing != "children" && listing != "subtree")
        throw hostsdk::ConfigError(p + "tenant_listing", "must be children or subtree, got '" + listing + "'");
    s.subtree_listing = listing == "subtree";
    s.page_limit = static_cast<int>(hostsdk::config_int(config, p + "page_limit", 100, 1, 1000));
    s.token_refresh_margin = std::chrono::seconds(hostsdk::config_int(config, p + "token_refresh_margin_s", 900, 0, 7200));
    s.alerts_overlap = std::chrono::seconds(hostsdk::config_int(config, p + "alerts_overlap_s", 60, 0, 86400));
    s.initial_lookback = std::chrono::seconds(hostsdk::config_int(config, p + "initial_lookback_s", 0, 0, 90 * 86400));
    s.endpoint.connect_timeout = std::chrono::seconds(hostsdk::config_int(config, p + "connect_timeout_s", 10, 1, 600));
    s.endpoint.read_timeout = std::chrono::seconds(hostsdk::config_int(config, p + "read_timeout_s", 60, 1, 3600));
    s.endpoint.ca_file = hostsdk::config_string(config, p + "ca_file", "");
    if (!s.endpoint.ca_file.empty()) s.endpoint.ca_file = hostsdk::resolve_config_path(config, s.endpoint.ca_file);
    s.retry.max_attempts = static_cast<int>(hostsdk::config_int(config, p + "retry.max_attempts", 3, 1, 20));
    s.retry.base_delay = std::chrono::milliseconds(hostsdk::config_int(config, p + "retry.base_delay_ms", 1000, 0, 600000));
    s.retry.max_delay = std::chrono::seconds(hostsdk::config_int(config, p + "retry.max_delay_s", 60, 0, 3600));
    return s;
}

}  // namespace acpsa::core
