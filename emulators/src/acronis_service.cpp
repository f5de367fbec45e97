// Account Management half of the Acronis emulator: routing, tokens, clients, tenants, users.
#include "emulator/acronis_service.hpp"

#include "emulator/json_util.hpp"
#include "emulator/text_util.hpp"
#include "emulator/time_util.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace emulator {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

/// Account Management error body: {"error":{"code":..,"message":..}}.
EmuResponse am_error(int status, const Poco::Dynamic::Var& code, const std::string& message) {
    Object::Ptr error = new Object;
    error->set("code", code);
    error->set("message", message);
    error->set("domain", "PlatformAccountServer");
    Object::Ptr root = new Object;
    root->set("error", error);
    return json_reply(status, root);
}

EmuResponse bad_request(const std::string& message) { return am_error(400, "400", message); }
EmuResponse not_found(const std::string& message) { return am_error(404, "404", message); }
EmuResponse access_denied() { return am_error(403, 1002, "Access denied"); }
EmuResponse no_content() {
    EmuResponse response;
    response.status = 204;
    response.content_type.clear();
    return response;
}

bool json_content(const EmuRequest& request) { return is_json_content_type(request.content_type); }

Object::Ptr contact_json(const AcronisContact& c) {
    Object::Ptr o = new Object;
    o->set("email", c.email);
    o->set("firstname", c.firstname);
    o->set("lastname", c.lastname);
    o->set("phone", c.phone);
    return o;
}

AcronisContact parse_contact(const Object::Ptr& o, const std::string& path) {
    AcronisContact c;
    c.email = string_optional(o, "email", path + ".email").value_or("");
    c.firstname = string_optional(o, "firstname", path + ".firstname").value_or("");
    c.lastname = string_optional(o, "lastname", path + ".lastname").value_or("");
    c.phone = string_optional(o, "phone", path + ".phone").value_or("");
    return c;
}

std::optional<int> parse_limit(const EmuRequest& request, int fallback) {
    if (!request.has_param("limit")) return fallback;
    int limit = 0;
    if (!Poco::NumberParser::tryParse(request.param("limit"), limit) || limit < 1) return std::nullopt;
    return limit;
}

}  // namespace

bool valid_acronis_login(const std::string& login) {
    if (login.size() < 3) return false;
    static const std::string extra = "`.@_-+:!#$%^*={}'/?";
    return std::all_of(login.begin(), login.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 128 && std::isalnum(u)) || extra.find(c) != std::string::npos;
    });
}

bool strong_password(const std::string& password) {
    if (password.size() < 8) return false;
    bool lower = false, upper = false, digit = false, other = false;
    for (char c : password) {
        const auto u = static_cast<unsigned char>(c);
        if (std::islower(u)) lower = true;
        else if (std::isupper(u)) upper = true;
        else if (std::isdigit(u)) digit = true;
        else other = true;
    }
    return int(lower) + int(upper) + int(digit) + int(other) >= 3;
}

AcronisService::AcronisService(AcronisSeed seed, int token_ttl_s)
    : clients_(std::move(seed.clients)),
      tenants_(std::move(seed.tenants)),
      users_(std::move(seed.users)),
      alert_types_(std::move(seed.alert_types)),
      alerts_(std::move(seed.alerts)),
      token_ttl_s_(token_ttl_s) {
    for (const auto& alert : alerts_) last_ns_ = std::max(last_ns_, alert.updated_ns);
    auto add = [this](const char* method, const std::string& pattern, Handler handler, bool needs_token = true) {
        routes_.push_back(Route{method, split_segments(pattern), pattern, handler, needs_token});
    };
    add("POST", "/api/2/idp/token", &AcronisService::token, false);
    add("GET", "/api/2/clients/{id}", &AcronisService::get_client);
    add("GET", "/api/2/tenants", &AcronisService::list_tenants);
    add("POST", "/api/2/tenants", &AcronisService::create_tenant);
    add("GET", "/api/2/tenants/{id}", &AcronisService::get_tenant);
    add("PUT", "/api/2/tenants/{id}", &AcronisService::update_tenant);
    add("PUT", "/api/2/tenants/{id}/mfa/status", &AcronisService::set_mfa);
    add("GET", "/api/2/tenants/{id}/users", &AcronisService::tenant_users);
    add("GET", "/api/2/users/check_login", &AcronisService::check_login);
    add("POST", "/api/2/users", &AcronisService::create_user);
    add("GET", "/api/2/users/{id}", &AcronisService::get_user);
    add("PUT", "/api/2/users/{id}/access_policies", &AcronisService::set_access_policies);
    add("POST", "/api/2/users/{id}/send-activation-email", &AcronisService::send_activation);
    add("POST", "/api/2/users/{id}/password", &AcronisService::set_password);
    add("GET", "/api/alert_manager/v1/alerts", &AcronisService::list_alerts);
    add("DELETE", "/api/alert_manager/v1/alerts/{id}", &AcronisService::dismiss_alert);
    add("GET", "/api/alert_manager/v1/types", &AcronisService::list_types);
}

bool AcronisService::is_alert_path(const std::string& path) const {
    return path.rfind("/api/alert_manager/", 0) == 0;
}

std::string AcronisService::route_template(const EmuRequest& request) const {
    const auto segments = split_segments(request.path);
    Params params;
    // A literal route wins over a pattern of the same shape (users/check_login vs users/{id}).
    for (const auto& route : routes_)
        if (route.method == request.method && match_pattern(route.pattern, segments, params))
            return route.method + " " + route.pattern_text;
    for (const auto& route : routes_)
        if (match_pattern(route.pattern, segments, params)) return request.method + " " + route.pattern_text;
    return request.method + " " + request.path;
}

std::vector<std::string> AcronisService::known_routes() const {
    std::vector<std::string> routes;
    for (const auto& route : routes_) routes.push_back(route.method + " " + route.pattern_text);
    return routes;
}

EmuResponse AcronisService::fault_error(int status, const EmuRequest& request) const {
    if (request.path == "/api/2/idp/token") {
        // The token endpoint answers in the OAuth error shape, faults included.
        Object::Ptr body = new Object;
        body->set("error", status == 401 ? "invalid_client" : status == 429 ? "too_many_requests" : "server_error");
        body->set("error_description", "injected fault " + std::to_string(status));
        return json_reply(status, body);
    }
    if (status == 401 && is_alert_path(request.path)) {
        EmuResponse response;
        response.status = 401;
        response.body = "Unauthorized";
        response.content_type = "text/plain";
        return response;
    }
    if (is_alert_path(request.path))
        return alert_error(status,
                           status == 429 ? "TooManyRequests" : status == 503 ? "ServiceUnavailable" : status == 401 ? "Unauthorized" : "InternalError",
                           "injected fault " + std::to_string(status));
    const std::string message = status == 401   ? "Unauthorized"
                                : status == 429 ? "Too many requests"
                                : status == 503 ? "Service unavailable"
                                                : "Internal server error";
    return am_error(status, std::to_string(status), message);
}

EmuResponse AcronisService::error_reply(int status, const EmuRequest& request, const std::string& message) const {
    if (is_alert_path(request.path))
        return alert_error(status, status == 413 ? "PayloadTooLarge" : status == 400 ? "BadRequest" : "InternalError", message);
    return am_error(status, std::to_string(status), message);
}

EmuResponse AcronisService::alert_error(int status, const std::string& code, const std::string& reason) {
    Object::Ptr body = new Object;
    body->set("domain", "AlertManager");
    body->set("code", code);
    body->set("reason", reason);
    body->set("context", Object::Ptr(new Object));
    return json_reply(status, body);
}

std::optional<std::string> AcronisService::bearer_of(const EmuRequest& request) {
    const std::string prefix = "bearer ";
    if (request.authorization.size() <= prefix.size() ||
        Poco::icompare(request.authorization.substr(0, prefix.size()), prefix) != 0)
        return std::nullopt;
    return Poco::trim(request.authorization.substr(prefix.size()));
}

void AcronisService::expire_request_token(const EmuRequest& request) {
    const auto token = bearer_of(request);
    if (!token) return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(*token);
    if (it != sessions_.end()) it->second.expires_on_s = 0;
}

EmuResponse AcronisService::handle(const EmuRequest& request) {
    const auto segments = split_segments(request.path);
    const Route* found = nullptr;
    Params params;
    bool path_known = false;
    for (const auto& route : routes_) {
        Params candidate;
        if (!match_pattern(route.pattern, segments, candidate)) continue;
        path_known = true;
        if (route.method == request.method) {
            found = &route;
            params = std::move(candidate);
            break;
        }
    }
    // Authentication first, as the real gateway does.
    Session session;
    if (!found || found->needs_token) {
        bool valid = false;
        if (const auto token = bearer_of(request)) {
            std::lock_guard<std::mutex> lock(mutex_);
            auto it = sessions_.find(*token);
            if (it != sessions_.end() && now_ns() / 1000000000LL < it->second.expires_on_s) {
                valid = true;
                session = it->second;
            }
        }
        if (!valid) {
            if (is_alert_path(request.path)) return fault_error(401, request);
            return am_error(401, "401", "Unauthorized");
        }
    }
    if (!found) {
        if (path_known)
            return is_alert_path(request.path) ? alert_error(405, "MethodNotAllowed", "method not allowed")
                                               : am_error(405, "405", "Method not allowed");
        if (is_alert_path(request.path)) return alert_error(404, "NotFound", "no such endpoint");
        return not_found("No such endpoint: " + request.path);
    }
    try {
        return (this->*(found->handler))(request, params, session);
    } catch (const JsonShapeError& e) {
        if (is_alert_path(request.path)) return alert_error(400, "BadRequest", e.what());
        return bad_request(e.what());
    }
}

// ---- helpers on the state (callers hold mutex_) ----

Tenant* AcronisService::find_tenant(const std::string& id) {
    const std::string key = Poco::toLower(id);
    for (auto& t : tenants_)
        if (t.id == key) return &t;
    return nullptr;
}

const Tenant* AcronisService::find_tenant(const std::string& id) const {
    return const_cast<AcronisService*>(this)->find_tenant(id);
}

User* AcronisService::find_user(const std::string& id) {
    const std::string key = Poco::toLower(id);
    for (auto& u : users_)
        if (u.id == key) return &u;
    return nullptr;
}

Alert* AcronisService::find_alert(const std::string& id) {
    for (auto& a : alerts_)
        if (Poco::icompare(a.id, id) == 0) return &a;
    return nullptr;
}

bool AcronisService::in_scope(const Tenant& tenant, const std::string& scope_root) const {
    const Tenant* current = &tenant;
    for (int depth = 0; current && depth < 64; ++depth) {
        if (current->id == scope_root) return true;
        if (current->parent_id == current->id) return false;
        current = find_tenant(current->parent_id);
    }
    return false;
}

std::optional<EmuResponse> AcronisService::deny_if_self_service(const Tenant& tenant) const {
    if (!tenant.ancestral_access) return access_denied();
    return std::nullopt;
}

std::int64_t AcronisService::next_ns() {
    last_ns_ = std::max(now_ns(), last_ns_ + 1);
    return last_ns_;
}

Object::Ptr AcronisService::tenant_json(const Tenant& t) const {
    Object::Ptr o = new Object;
    o->set("id", t.id);
    o->set("version", t.version);
    o->set("name", t.name);
    o->set("kind", t.kind);
    o->set("parent_id", t.parent_id);
    o->set("enabled", t.enabled);
    o->set("customer_id", t.customer_id ? Poco::Dynamic::Var(*t.customer_id) : null_value());
    o->set("internal_tag", t.internal_tag ? Poco::Dynamic::Var(*t.internal_tag) : null_value());
    o->set("ancestral_access", t.ancestral_access);
    o->set("mfa_status", t.mfa_status);
    o->set("language", t.language);
    o->set("contact", contact_json(t.contact));
    o->set("created_at", t.created_at);
    o->set("updated_at", t.updated_at);
    o->set("deleted_at", t.deleted_at ? Poco::Dynamic::Var(*t.deleted_at) : null_value());
    return o;
}

Object::Ptr AcronisService::user_json(const User& u) const {
    Object::Ptr o = new Object;
    o->set("id", u.id);
    o->set("version", u.version);
    o->set("tenant_id", u.tenant_id);
    o->set("login", u.login);
    o->set("contact", contact_json(u.contact));
    o->set("activated", u.activated);
    o->set("enabled", u.enabled);
    o->set("mfa_status", "disabled");
    o->set("created_at", u.created_at);
    return o;
}

// ---- token and clients ----

EmuResponse AcronisService::token(const EmuRequest& request, const Params&, const Session&) {
    auto oauth_error = [](int status, const std::string& error, const std::string& description) {
        Object::Ptr body = new Object;
        body->set("error", error);
        body->set("error_description", description);
        return json_reply(status, body);
    };
    const std::string prefix = "basic ";
    std::string client_id, secret;
    if (request.authorization.size() > prefix.size() &&
        Poco::icompare(request.authorization.substr(0, prefix.size()), prefix) == 0) {
        auto decoded = decode_base64(Poco::trim(request.authorization.substr(prefix.size())));
        if (decoded) {
            const auto colon = decoded->find(':');
            if (colon != std::string::npos) {
                client_id = decoded->substr(0, colon);
                secret = decoded->substr(colon + 1);
            }
        }
    }
    const auto form = decode_query(request.body);
    std::string grant;
    for (const auto& [k, v] : form)
        if (k == "grant_type") grant = v;
    std::lock_guard<std::mutex> lock(mutex_);
    const ApiClient* client = nullptr;
    for (const auto& c : clients_)
        if (c.client_id == client_id && c.client_secret == secret && !client_id.empty()) client = &c;
    if (!client) return oauth_error(401, "invalid_client", "Client authentication failed");
    if (grant != "client_credentials")
        return oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials");
    const std::string access_token = Poco::replace(new_uuid() + new_uuid(), "-", "");
    const std::int64_t expires_on = now_ns() / 1000000000LL + token_ttl_s_;
    sessions_[access_token] = Session{client->client_id, client->tenant_id, expires_on};
    Object::Ptr body = new Object;
    body->set("access_token", access_token);
    body->set("token_type", "bearer");
    body->set("expires_on", expires_on);
    body->set("id_token", "id-" + access_token.substr(0, 16));
    return json_reply(200, body);
}

EmuResponse AcronisService::get_client(const EmuRequest&, const Params& params, const Session& session) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& c : clients_) {
        if (c.client_id != params[0]) continue;
        if (c.client_id != session.client_id) return access_denied();
        Object::Ptr body = new Object;
        body->set("client_id", c.client_id);
        body->set("tenant_id", c.tenant_id);
        body->set("type", "api_client");
        body->set("status", "enabled");
        Object::Ptr data = new Object;
        data->set("client_name", c.name);
        body->set("data", data);
        return json_reply(200, body);
    }
    return not_found("API client not found");
}

// ---- tenants ----

EmuResponse AcronisService::list_tenants(const EmuRequest& request, const Params&, const Session& session) {
    std::string mode, value;
    bool allow_deleted = false;
    std::size_t offset = 0;
    const auto limit = parse_limit(request, 5000);
    if (!limit) return bad_request("limit must be a positive integer");
    if (request.has_param("after")) {
        // The cursor carries every filter; filters sent beside it are ignored.
        auto text = decode_cursor(request.param("after"));
        Object::Ptr cursor;
        try {
            if (text) cursor = parse_object(*text, "cursor");
        } catch (const JsonShapeError&) {
        }
        if (!cursor) return bad_request("invalid cursor");
        mode = cursor->optValue<std::string>("m", "");
        value = cursor->optValue<std::string>("v", "");
        allow_deleted = cursor->optValue<bool>("d", false);
        offset = cursor->optValue<std::size_t>("o", 0);
    } else {
        int given = 0;
        for (const char* name : {"parent_id", "subtree_root_id", "uuids"})
            if (request.has_param(name)) {
                ++given;
                mode = name;
                value = request.param(name);
            }
        if (given > 1) return bad_request("parent_id, subtree_root_id and uuids are mutually exclusive");
        if (given == 0) return bad_request("one of parent_id, subtree_root_id or uuids is required");
        allow_deleted = request.param("allow_deleted") == "true";
    }

    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<const Tenant*> matching;
    if (mode == "parent_id" || mode == "subtree_root_id") {
        const Tenant* root = find_tenant(value);
        if (!root) return am_error(404, 1005, "Tenant not found");
        if (!in_scope(*root, session.scope_tenant)) return access_denied();
        for (const auto& t : tenants_) {
            if (t.deleted_at && !allow_deleted) continue;
            if (mode == "parent_id" ? (t.parent_id == root->id && t.id != root->id) : in_scope(t, root->id))
                matching.push_back(&t);
        }
    } else if (mode == "uuids") {
        Poco::StringTokenizer ids(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const auto& t : tenants_) {
            if (t.deleted_at && !allow_deleted) continue;
            if (!in_scope(t, session.scope_tenant)) continue;
            for (const auto& id : ids)
                if (Poco::toLower(id) == t.id) matching.push_back(&t);
        }
    } else {
        return bad_request("invalid cursor");
    }

    Array::Ptr items = new Array;
    const std::size_t end = std::min(matching.size(), offset + static_cast<std::size_t>(*limit));
    for (std::size_t i = offset; i < end; ++i) items->add(tenant_json(*matching[i]));
    Object::Ptr cursors = new Object;
    if (end < matching.size()) {
        Object::Ptr next = new Object;
        next->set("m", mode);
        next->set("v", value);
        next->set("d", allow_deleted);
        next->set("o", end);
        cursors->set("after", encode_cursor(to_json(next)));
    }
    Object::Ptr paging = new Object;
    paging->set("cursors", cursors);
    Object::Ptr body = new Object;
    body->set("items", items);
    body->set("paging", paging);
    body->set("timestamp", account_time(now_ns()));
    return json_reply(200, body);
}

EmuResponse AcronisService::get_tenant(const EmuRequest&, const Params& params, const Session& session) {
    std::lock_guard<std::mutex> lock(mutex_);
    const Tenant* t = find_tenant(params[0]);
    if (!t) return am_error(404, 1005, "Tenant not found");
    if (!in_scope(*t, session.scope_tenant)) return access_denied();
    return json_reply(200, tenant_json(*t));
}

EmuResponse AcronisService::create_tenant(const EmuRequest& request, const Params&, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    auto body = parse_object(request.body, "request body");
    static const std::set<std::string> allowed = {"name",    "kind",         "parent_id", "language",
                                                  "contact", "customer_id",  "internal_tag", "enabled",
                                                  "ancestral_access"};
    for (const auto& [key, value] : *body) {
        (void)value;
        if (!allowed.count(key)) return bad_request("Unknown property '" + key + "'");
    }
    Tenant t;
    t.name = string_required(body, "name", "name");
    if (Poco::trim(t.name).empty()) return bad_request("name must not be empty");
    t.kind = string_required(body, "kind", "kind");
    static const std::set<std::string> kinds = {"partner", "folder", "customer", "unit"};
    if (!kinds.count(t.kind)) return bad_request("kind must be partner, folder, customer or unit");
    t.parent_id = Poco::toLower(string_required(body, "parent_id", "parent_id"));
    t.language = string_optional(body, "language", "language").value_or("en");
    if (auto contact = object_optional(body, "contact", "contact")) {
        t.contact = parse_contact(contact, "contact");
        if (t.contact.email.empty()) return bad_request("contact.email is required");
    }
    t.customer_id = string_optional(body, "customer_id", "customer_id");
    t.internal_tag = string_optional(body, "internal_tag", "internal_tag");
    if (t.internal_tag && t.internal_tag->size() > 256) return bad_request("internal_tag is longer than 256 characters");
    t.enabled = bool_optional(body, "enabled", "enabled").value_or(true);
    t.ancestral_access = bool_optional(body, "ancestral_access", "ancestral_access").value_or(true);

    std::lock_guard<std::mutex> lock(mutex_);
    const Tenant* parent = find_tenant(t.parent_id);
    if (!parent || parent->deleted_at) return am_error(404, 1005, "Parent tenant not found");
    if (!in_scope(*parent, session.scope_tenant)) return access_denied();
    if (!parent->enabled) return am_error(400, 1003, "Parent tenant is disabled");
    for (const auto& sibling : tenants_)
        if (sibling.parent_id == parent->id && sibling.id != parent->id && !sibling.deleted_at &&
            Poco::icompare(Poco::trim(sibling.name), Poco::trim(t.name)) == 0)
            return am_error(409, 1004, "Tenant with the name '" + t.name + "' already exists");
    t.id = new_uuid();
    t.version = 1;
    t.mfa_status = "disabled";
    t.created_at = t.updated_at = account_time(now_ns());
    t.legacy_id = next_legacy_id_++;
    tenants_.push_back(t);
    return json_reply(201, tenant_json(tenants_.back()));
}

EmuResponse AcronisService::update_tenant(const EmuRequest& request, const Params& params, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    auto body = parse_object(request.body, "request body");
    static const std::set<std::string> allowed = {"version", "name", "language", "contact", "customer_id",
                                                  "internal_tag", "enabled", "ancestral_access"};
    for (const auto& [key, value] : *body) {
        (void)value;
        if (!allowed.count(key)) return bad_request("Unknown property '" + key + "'");
    }
    const long long version = int_required(body, "version", "version");
    std::lock_guard<std::mutex> lock(mutex_);
    Tenant* t = find_tenant(params[0]);
    if (!t || t->deleted_at) return am_error(404, 1005, "Tenant not found");
    if (!in_scope(*t, session.scope_tenant)) return access_denied();
    if (version != t->version) return am_error(409, 1001, "Version mismatch");
    Tenant updated = *t;
    if (auto name = string_optional(body, "name", "name")) updated.name = *name;
    if (auto language = string_optional(body, "language", "language")) updated.language = *language;
    if (auto contact = object_optional(body, "contact", "contact")) updated.contact = parse_contact(contact, "contact");
    if (body->has("customer_id")) updated.customer_id = string_optional(body, "customer_id", "customer_id");
    if (body->has("internal_tag")) updated.internal_tag = string_optional(body, "internal_tag", "internal_tag");
    if (auto enabled = bool_optional(body, "enabled", "enabled")) updated.enabled = *enabled;
    if (auto access = bool_optional(body, "ancestral_access", "ancestral_access")) updated.ancestral_access = *access;
    updated.version += 1;
    updated.updated_at = account_time(now_ns());
    *t = updated;
    return json_reply(200, tenant_json(*t));
}

EmuResponse AcronisService::set_mfa(const EmuRequest& request, const Params& params, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    auto body = parse_object(request.body, "request body");
    for (const auto& [key, value] : *body) {
        (void)value;
        if (key != "enabled") return bad_request("Unknown property '" + key + "'");
    }
    auto enabled = bool_optional(body, "enabled", "enabled");
    if (!enabled) return bad_request("enabled is required");
    std::lock_guard<std::mutex> lock(mutex_);
    Tenant* t = find_tenant(params[0]);
    if (!t || t->deleted_at) return am_error(404, 1005, "Tenant not found");
    if (!in_scope(*t, session.scope_tenant)) return access_denied();
    if (t->kind != "partner" && t->kind != "customer")
        return bad_request("two-factor authentication is set on partner and customer tenants only");
    t->mfa_status = *enabled ? "enabled" : "disabled";
    t->version += 1;
    t->updated_at = account_time(now_ns());
    int users = 0;
    for (const auto& u : users_) users += u.tenant_id == t->id ? 1 : 0;
    Object::Ptr reply = new Object;
    reply->set("mfa_status", t->mfa_status);
    reply->set("update_allowed", true);
    reply->set("users", users);
    reply->set("users_with_totp_enabled", 0);
    return json_reply(200, reply);
}

// ---- users ----

EmuResponse AcronisService::tenant_users(const EmuRequest&, const Params& params, const Session& session) {
    std::lock_guard<std::mutex> lock(mutex_);
    const Tenant* t = find_tenant(params[0]);
    if (!t || t->deleted_at) return am_error(404, 1005, "Tenant not found");
    if (!in_scope(*t, session.scope_tenant)) return access_denied();
    if (auto denied = deny_if_self_service(*t)) return *denied;
    Array::Ptr items = new Array;
    for (const auto& u : users_)
        if (u.tenant_id == t->id) items->add(u.id);
    Object::Ptr body = new Object;
    body->set("items", items);
    return json_reply(200, body);
}

EmuResponse AcronisService::check_login(const EmuRequest& request, const Params&, const Session&) {
    if (!request.has_param("username")) return bad_request("username is required");
    const std::string login = request.param("username");
    if (!valid_acronis_login(login)) return am_error(406, "406", "Login is not acceptable");
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& u : users_)
        if (Poco::icompare(u.login, login) == 0) return am_error(409, "409", "Login is already taken");
    return no_content();
}

EmuResponse AcronisService::create_user(const EmuRequest& request, const Params&, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    auto body = parse_object(request.body, "request body");
    User u;
    u.tenant_id = Poco::toLower(string_required(body, "tenant_id", "tenant_id"));
    u.login = string_required(body, "login", "login");
    auto contact = object_optional(body, "contact", "contact");
    if (!contact) return bad_request("contact is required");
    u.contact = parse_contact(contact, "contact");
    if (u.contact.email.empty()) return bad_request("contact.email is required");
    if (!valid_acronis_login(u.login)) return bad_request("Login '" + u.login + "' is not acceptable");
    std::lock_guard<std::mutex> lock(mutex_);
    const Tenant* t = find_tenant(u.tenant_id);
    if (!t || t->deleted_at) return am_error(404, 1005, "Tenant not found");
    if (!in_scope(*t, session.scope_tenant)) return access_denied();
    if (auto denied = deny_if_self_service(*t)) return *denied;
    for (const auto& existing : users_)
        if (Poco::icompare(existing.login, u.login) == 0) return am_error(409, "409", "Login is already taken");
    u.id = new_uuid();
    u.created_at = account_time(now_ns());
    users_.push_back(u);
    return json_reply(200, user_json(users_.back()));
}

EmuResponse AcronisService::get_user(const EmuRequest&, const Params& params, const Session& session) {
    std::lock_guard<std::mutex> lock(mutex_);
    const User* u = find_user(params[0]);
    if (!u) return not_found("User not found");
    const Tenant* t = find_tenant(u->tenant_id);
    if (!t || !in_scope(*t, session.scope_tenant)) return access_denied();
    if (auto denied = deny_if_self_service(*t)) return *denied;
    return json_reply(200, user_json(*u));
}

EmuResponse AcronisService::set_access_policies(const EmuRequest& request, const Params& params, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    auto body = parse_object(request.body, "request body");
    if (!body->has("items")) return bad_request("items is required");
    auto items = array_optional(body, "items", "items");
    std::lock_guard<std::mutex> lock(mutex_);
    User* u = find_user(params[0]);
    if (!u) return not_found("User not found");
    const Tenant* t = find_tenant(u->tenant_id);
    if (!t || !in_scope(*t, session.scope_tenant)) return access_denied();
    if (auto denied = deny_if_self_service(*t)) return *denied;
    static const std::set<std::string> roles = {"company_admin", "partner_admin", "readonly_admin", "backup_user",
                                                "unit_admin", "protection_admin", "backup_admin"};
    Array::Ptr stored = new Array;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string path = "items[" + std::to_string(i) + "]";
        auto item = object_at(items, i, "items");
        const std::string role = string_required(item, "role_id", path + ".role_id");
        if (!roles.count(role)) return bad_request(path + ".role_id: unknown role '" + role + "'");
        const std::string tenant_id = Poco::toLower(string_required(item, "tenant_id", path + ".tenant_id"));
        const Tenant* target = find_tenant(tenant_id);
        if (!target) return bad_request(path + ".tenant_id: unknown tenant");
        const std::string trustee = Poco::toLower(string_required(item, "trustee_id", path + ".trustee_id"));
        if (trustee != u->id) return bad_request(path + ".trustee_id must be the user's id");
        if (string_required(item, "trustee_type", path + ".trustee_type") != "user")
            return bad_request(path + ".trustee_type must be user");
        Object::Ptr policy = new Object;
        policy->set("id", new_uuid());
        policy->set("issuer_id", session.scope_tenant);
        policy->set("role_id", role);
        policy->set("tenant_id", tenant_id);
        policy->set("trustee_id", u->id);
        policy->set("trustee_type", "user");
        policy->set("version", 1);
        stored->add(policy);
    }
    u->access_policies = stored;
    u->version += 1;
    Object::Ptr reply = new Object;
    reply->set("items", stored);
    return json_reply(200, reply);
}

EmuResponse AcronisService::send_activation(const EmuRequest& request, const Params& params, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    parse_object(request.body.empty() ? "{}" : request.body, "request body");
    std::lock_guard<std::mutex> lock(mutex_);
    User* u = find_user(params[0]);
    if (!u) return not_found("User not found");
    const Tenant* t = find_tenant(u->tenant_id);
    if (!t || !in_scope(*t, session.scope_tenant)) return access_denied();
    if (auto denied = deny_if_self_service(*t)) return *denied;
    ++u->activation_emails_sent;
    return no_content();
}

EmuResponse AcronisService::set_password(const EmuRequest& request, const Params& params, const Session& session) {
    if (!json_content(request)) return am_error(415, "415", "Content-Type must be application/json");
    auto body = parse_object(request.body, "request body");
    const std::string password = string_required(body, "password", "password");
    std::lock_guard<std::mutex> lock(mutex_);
    User* u = find_user(params[0]);
    if (!u) return not_found("User not found");
    const Tenant* t = find_tenant(u->tenant_id);
    if (!t || !in_scope(*t, session.scope_tenant)) return access_denied();
    if (auto denied = deny_if_self_service(*t)) return *denied;
    if (t->id == session.scope_tenant) return access_denied();  // sub-tenants' users only
    if (!strong_password(password)) return am_error(400, "400", "Password is too weak");
    u->password_set = true;
    u->activated = true;
    u->version += 1;
    return no_content();
}

}  // namespace emulator
