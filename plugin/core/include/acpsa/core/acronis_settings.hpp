#pragma once

#include "acpsa/core/http_endpoint.hpp"
#include "acpsa/core/retry.hpp"

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <string>

namespace acpsa::core {

/// The Acronis client's settings: the contract's table §6.3, keys under `acpsa.acronis.`.
struct AcronisSettings {
    std::string url;            ///< data center, trailing `/` stripped
    std::string client_id;
    std::string client_secret;  ///< secret: never logged
    std::string partner_tenant_id;  ///< empty = from GET /api/2/clients/{client_id}
    bool subtree_listing = false;   ///< tenant_listing: children (false) or subtree (true)
    int page_limit = 100;
    std::chrono::seconds token_refresh_margin{900};
    std::chrono::seconds alerts_overlap{60};
    std::chrono::seconds initial_lookback{0};
    EndpointSettings endpoint;  ///< connect_timeout_s, read_timeout_s, ca_file
    RetrySettings retry{3, std::chrono::milliseconds(1000), std::chrono::seconds(60)};
};

/// Reads `acpsa.acronis.*`. Throws hostsdk::ConfigError naming the key (a missing url, client id
/// or secret; a plain http:// url to a host that is not loopback; numbers out of range).
AcronisSettings parse_acronis_settings(const Poco::Util::AbstractConfiguration& config);

}  // namespace acpsa::core
