#pragma once
/// The Acronis operations the modules use, as an interface: AcronisClient implements it over HTTP
/// (docs/acronis-api.md), tests hand the engines an in-memory fake. The contract of each call is
/// the client's (acronis_client.hpp): every call throws UpstreamError or a subclass on failure.

#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/acronis_types.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::core {

/// Alerts changed since a watermark (§5.6), de-duplicated, and the watermark to store once they
/// are all handled.
struct AlertPoll {
    std::vector<Alert> alerts;  ///< ascending by updatedAt
    std::int64_t watermark_ns = 0;
};

/// Thread-safety is the implementation's: AcronisClient may be called from any thread.
class AcronisApi {
public:
    virtual ~AcronisApi() = default;

    virtual const AcronisSettings& settings() const noexcept = 0;
    /// Requests sent so far (a cycle reports the difference).
    virtual std::uint64_t api_calls() const noexcept = 0;

    // ---- tenants (mapping, provisioning)
    virtual std::vector<Tenant> list_customer_tenants() = 0;
    virtual Tenant get_tenant(const std::string& tenant_id) = 0;
    /// Throws OutcomeUnknownError when the answer was lost: look for the tag before trying again.
    virtual Tenant create_tenant(const NewTenant& tenant) = 0;
    virtual std::optional<Tenant> find_tenant_by_tag(const std::string& internal_tag) = 0;
    virtual void set_tenant_mfa(const std::string& tenant_id, bool enabled) = 0;

    // ---- users (provisioning)
    virtual LoginCheck check_login(const std::string& login) = 0;
    virtual User create_user(const std::string& tenant_id, const std::string& login, const AcronisContact& contact) = 0;
    virtual std::vector<std::string> list_tenant_users(const std::string& tenant_id) = 0;
    virtual User get_user(const std::string& user_id) = 0;
    virtual void grant_company_admin(const std::string& user_id, const std::string& tenant_id) = 0;
    virtual void send_activation_email(const std::string& user_id) = 0;
    virtual void set_password(const std::string& user_id, const std::string& password) = 0;

    // ---- alerts (ticketing, clearing)
    virtual AlertPoll alerts_changed_since(
        std::int64_t watermark_ns, const std::function<bool(const std::string&, std::int64_t)>& already_processed) = 0;
    virtual std::int64_t first_watermark_ns() const = 0;
    virtual std::vector<AlertType> list_alert_types() = 0;
    /// True when dismissed now, false when it was already gone.
    virtual bool dismiss_alert(const std::string& alert_id) = 0;
};

}  // namespace acpsa::core
