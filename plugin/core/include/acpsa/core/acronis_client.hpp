#pragma once
/// The Acronis Cyber Cloud client (docs/acronis-api.md): token handling, paging, retries and the
/// operations the integration needs.

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/acronis_types.hpp"
#include "acpsa/core/errors.hpp"
#include "acpsa/core/http_endpoint.hpp"
#include "acpsa/core/retry.hpp"

#include <hostsdk/clock.hpp>

#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::core {


/// Thread-safe: calls from several threads share the token and the connection pool.
/// Every operation throws UpstreamError (or a subclass) on failure; see each for the specifics.
/// The client secret and tokens never appear in a log line or an error.
class AcronisClient final : public AcronisApi {
public:
    /// `clock` and `log` must outlive the client. `sleeper` waits between retries.
    AcronisClient(AcronisSettings settings, const hostsdk::Clock& clock, Poco::Logger& log,
                  Sleeper sleeper = plain_sleeper());

    /// Replaces the retry waiter (e.g. one that a stop token interrupts).
    void set_sleeper(Sleeper sleeper);

    const AcronisSettings& settings() const noexcept override { return settings_; }

    /// The partner tenant: `partner_tenant_id`, else read once from GET /api/2/clients/{client_id}
    /// (not counted as API traffic) and cached for the life of the client.
    std::string partner_tenant_id();

    /// Customer tenants under the partner (`children` or `subtree` listing), all pages; deleted
    /// ones left out.
    std::vector<Tenant> list_customer_tenants() override;
    /// Every tenant directly under the partner, of every kind, deleted ones included.
    std::vector<Tenant> list_partner_children();
    Tenant get_tenant(const std::string& tenant_id) override;
    /// Creates a customer tenant under the partner (or `parent_id`). Throws OutcomeUnknownError
    /// when the answer was lost: look for the tag (`find_tenant_by_tag`) before trying again.
    Tenant create_tenant(const NewTenant& tenant) override;
    /// The partner's child tenant carrying `internal_tag`, if any.
    std::optional<Tenant> find_tenant_by_tag(const std::string& internal_tag) override;
    void set_tenant_mfa(const std::string& tenant_id, bool enabled) override;

    LoginCheck check_login(const std::string& login) override;
    /// Throws OutcomeUnknownError when the answer was lost: look for the login before retrying.
    User create_user(const std::string& tenant_id, const std::string& login, const AcronisContact& contact) override;
    std::vector<std::string> list_tenant_users(const std::string& tenant_id) override;
    User get_user(const std::string& user_id) override;
    /// Makes the user company administrator of `tenant_id` (replaces its access policies).
    void grant_company_admin(const std::string& user_id, const std::string& tenant_id) override;
    /// Throws OutcomeUnknownError when the answer was lost.
    void send_activation_email(const std::string& user_id) override;
    void set_password(const std::string& user_id, const std::string& password) override;

    /// Alerts with updatedAt after `watermark_ns` minus the overlap, dismissed ones included, all
    /// pages; pairs (id, updatedAt) for which `already_processed` says true are left out.
    AlertPoll alerts_changed_since(std::int64_t watermark_ns,
                                   const std::function<bool(const std::string&, std::int64_t)>& already_processed) override;
    /// The watermark of a first run, such that the first read starts `initial_lookback_s` before now.
    std::int64_t first_watermark_ns() const override;
    std::vector<AlertType> list_alert_types() override;
    /// Dismisses (clears) an alert. True when dismissed now, false when it was already gone (404).
    bool dismiss_alert(const std::string& alert_id) override;

    /// Requests sent, token calls and the partner lookup excluded.
    std::uint64_t api_calls() const noexcept override { return api_calls_.load(); }

private:
    enum class Safety { idempotent, not_idempotent };
    HttpResponse call(const std::string& method, const std::string& target, const std::string& call_name,
                      const std::optional<std::string>& json_body, Safety safety, bool counted = true);
    std::string bearer_token(bool force_refresh);
    [[noreturn]] void fail(const std::string& call_name, const HttpResponse& response);
    std::vector<Tenant> list_tenants(const std::string& first_target, const std::string& call_name);
    bool wait_before_retry(int attempt, const HttpResponse* response);

    AcronisSettings settings_;
    const hostsdk::Clock& clock_;
    Poco::Logger& log_;
    HttpEndpoint endpoint_;
    mutable std::mutex mutex_;  ///< guards the token, the partner id and the sleeper
    Sleeper sleeper_;
    std::string token_;
    std::int64_t token_expires_s_ = 0;
    std::string partner_;
    std::atomic<std::uint64_t> api_calls_{0};
};

/// An access token and when it expires (seconds since the epoch).
struct TokenGrant {
    std::string token;
    std::int64_t expires_s = 0;
};
/// Parses a token reply (§2): `access_token`, then `expires_on`, else `now_s + expires_in`, else an
/// hour; times are kept within a year of `now_s`. Throws std::runtime_error when it is not JSON or
/// has no token.
TokenGrant parse_token_reply(const std::string& body, std::int64_t now_s);
/// Parses a tenant object (§3.2). Throws std::runtime_error naming a missing field.
Tenant parse_tenant(const std::string& json_text);
/// Parses an alert object given as JSON text (§5.2). Throws std::runtime_error naming the field.
Alert parse_alert(const std::string& json_text);
/// The message of an Acronis error body (§6.1): error.message, message/reason, error_description,
/// else the raw text cut to 2 KB. `code` gets error.code / code (as text) when present.
std::string acronis_error_message(const std::string& body, std::string& code);

}  // namespace acpsa::core
