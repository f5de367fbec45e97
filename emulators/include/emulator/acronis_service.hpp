#pragma once

#include "emulator/model.hpp"
#include "emulator/service.hpp"

#include <cstdint>
#include <map>
#include <mutex>

namespace emulator {

/// The Acronis Cyber Cloud contract (docs/acronis-api.md): token, API clients, tenants, users,
/// alerts and alert types, with the emulator's control routes for alerts, tenants and tokens.
/// Thread-safe: one lock around the state.
class AcronisService final : public Service {
public:
    /// `token_ttl_s`: lifetime of issued tokens.
    AcronisService(AcronisSeed seed, int token_ttl_s);

    std::string name() const override { return "acronis"; }
    std::string route_template(const EmuRequest& request) const override;
    std::vector<std::string> known_routes() const override;
    EmuResponse handle(const EmuRequest& request) override;
    std::optional<EmuResponse> control(const EmuRequest& request) override;
    Poco::JSON::Object::Ptr state() const override;
    EmuResponse fault_error(int status, const EmuRequest& request) const override;
    EmuResponse error_reply(int status, const EmuRequest& request, const std::string& message) const override;
    bool supports_expired_token() const override { return true; }
    void expire_request_token(const EmuRequest& request) override;

private:
    struct Session {
        std::string client_id;
        std::string scope_tenant;  ///< the client's (partner) tenant
        std::int64_t expires_on_s = 0;
    };
    using Params = std::vector<std::string>;
    using Handler = EmuResponse (AcronisService::*)(const EmuRequest&, const Params&, const Session&);
    struct Route {
        std::string method;
        std::vector<std::string> pattern;
        std::string pattern_text;
        Handler handler;
        bool needs_token;
    };

    // Account Management
    EmuResponse token(const EmuRequest&, const Params&, const Session&);
    EmuResponse get_client(const EmuRequest&, const Params&, const Session&);
    EmuResponse list_tenants(const EmuRequest&, const Params&, const Session&);
    EmuResponse create_tenant(const EmuRequest&, const Params&, const Session&);
    EmuResponse get_tenant(const EmuRequest&, const Params&, const Session&);
    EmuResponse update_tenant(const EmuRequest&, const Params&, const Session&);
    EmuResponse set_mfa(const EmuRequest&, const Params&, const Session&);
    EmuResponse tenant_users(const EmuRequest&, const Params&, const Session&);
    EmuResponse check_login(const EmuRequest&, const Params&, const Session&);
    EmuResponse create_user(const EmuRequest&, const Params&, const Session&);
    EmuResponse get_user(const EmuRequest&, const Params&, const Session&);
    EmuResponse set_access_policies(const EmuRequest&, const Params&, const Session&);
    EmuResponse send_activation(const EmuRequest&, const Params&, const Session&);
    EmuResponse set_password(const EmuRequest&, const Params&, const Session&);
    // Alert Manager
    EmuResponse list_alerts(const EmuRequest&, const Params&, const Session&);
    EmuResponse dismiss_alert(const EmuRequest&, const Params&, const Session&);
    EmuResponse list_types(const EmuRequest&, const Params&, const Session&);

    // Control
    EmuResponse control_new_alert(const EmuRequest&);
    EmuResponse control_alert_change(const std::string& id, bool raise, const EmuRequest&);
    EmuResponse control_patch_tenant(const std::string& id, const EmuRequest&);

    Tenant* find_tenant(const std::string& id);
    const Tenant* find_tenant(const std::string& id) const;
    User* find_user(const std::string& id);
    Alert* find_alert(const std::string& id);
    bool in_scope(const Tenant& tenant, const std::string& scope_root) const;
    /// A tenant's users may be managed (not self-service); else a 403/1002 reply.
    std::optional<EmuResponse> deny_if_self_service(const Tenant& tenant) const;
    Poco::JSON::Object::Ptr tenant_json(const Tenant& tenant) const;
    Poco::JSON::Object::Ptr user_json(const User& user) const;
    Poco::JSON::Object::Ptr alert_json(const Alert& alert) const;
    std::int64_t next_ns();
    bool is_alert_path(const std::string& path) const;
    /// An Alert Manager error body: `{"domain": "AlertManager", "code", "reason", "context"}`.
    static EmuResponse alert_error(int status, const std::string& code, const std::string& reason);
    /// The token of an `Authorization: Bearer` header, or nullopt without one.
    static std::optional<std::string> bearer_of(const EmuRequest& request);

    std::vector<Route> routes_;
    mutable std::mutex mutex_;
    std::vector<ApiClient> clients_;
    std::vector<Tenant> tenants_;
    std::vector<User> users_;
    std::vector<AlertType> alert_types_;
    std::vector<Alert> alerts_;
    std::map<std::string, Session> sessions_;  ///< by access token
    int token_ttl_s_;
    std::int64_t last_ns_ = 0;
    long long next_legacy_id_ = 1000;
};

/// Acronis' login rule: at least 3 characters, ASCII letters, digits, the backquote and
/// `. @ _ - + : ! # $ % ^ * = { } ' / ?`.
bool valid_acronis_login(const std::string& login);

/// The emulator's password rule: at least 8 characters and three of lower, upper, digit, other.
bool strong_password(const std::string& password);

}  // namespace emulator
