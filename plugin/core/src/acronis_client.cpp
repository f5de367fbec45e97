#include "acpsa/core/acronis_client.hpp"

#include "acpsa/core/json_read.hpp"
#include "acpsa/core/timestamps.hpp"

#include <hostsdk/redact.hpp>

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace acpsa::core {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const char* kService = "acronis";

std::string encode(const std::string& value) { return percent_encode(value); }

std::string basic_auth(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << user << ":" << password;
    encoder.close();
    return "Basic " + out.str();
}

std::string required_text(const Object::Ptr& object, const std::string& key, const std::string& what) {
    auto value = json::text(json::get(object, key));
    if (!value) throw std::runtime_error(what + " without '" + key + "'");
    return *value;
}

AcronisContact parse_contact(const Object::Ptr& object) {
    AcronisContact contact;
    if (!object) return contact;
    contact.email = json::text(json::get(object, "email")).value_or("");
    contact.firstname = json::text(json::get(object, "firstname")).value_or("");
    contact.lastname = json::text(json::get(object, "lastname")).value_or("");
    return contact;
}

Object::Ptr object_of(const Var& value) {
    return value.type() == typeid(Object::Ptr) ? value.extract<Object::Ptr>() : nullptr;
}

Tenant tenant_from(const Object::Ptr& o) {
    if (!o) throw std::runtime_error("tenant is not a JSON object");
    Tenant t;
    t.id = Poco::toLower(required_text(o, "id", "tenant"));
    t.version = json::integer(json::get(o, "version")).value_or(0);
    t.name = json::text(json::get(o, "name")).value_or("");
    t.kind = json::text(json::get(o, "kind")).value_or("");
    t.parent_id = Poco::toLower(json::text(json::get(o, "parent_id")).value_or(""));
    t.enabled = json::boolean(json::get(o, "enabled")).value_or(true);
    t.ancestral_access = json::boolean(json::get(o, "ancestral_access")).value_or(true);
    t.customer_id = json::text(json::get(o, "customer_id"));
    t.internal_tag = json::text(json::get(o, "internal_tag"));
    t.mfa_status = json::text(json::get(o, "mfa_status")).value_or("");
    t.contact = parse_contact(object_of(json::get(o, "contact")));
    t.deleted = json::text(json::get(o, "deleted_at")).has_value();
    return t;
}

User user_from(const Object::Ptr& o) {
    if (!o) throw std::runtime_error("user is not a JSON object");
    User u;
    u.id = Poco::toLower(required_text(o, "id", "user"));
    u.version = json::integer(json::get(o, "version")).value_or(0);
    u.tenant_id = Poco::toLower(json::text(json::get(o, "tenant_id")).value_or(""));
    u.login = json::text(json::get(o, "login")).value_or("");
    u.contact = parse_contact(object_of(json::get(o, "contact")));
    u.activated = json::boolean(json::get(o, "activated")).value_or(false);
    return u;
}

Alert alert_from(const Object::Ptr& o) {
    if (!o) throw std::runtime_error("alert is not a JSON object");
    Alert a;
    a.id = required_text(o, "id", "alert");
    a.type = json::text(json::get(o, "type")).value_or("");
    a.category = json::text(json::get(o, "category")).value_or("");
    a.severity = json::text(json::get(o, "severity")).value_or("");
    auto time = [&](const char* key, bool required) -> std::optional<std::int64_t> {
        auto text = json::text(json::get(o, key));
        if (!text) {
            if (required) throw std::runtime_error("alert " + a.id + " without '" + key + "'");
            return std::nullopt;
        }
        auto ns = parse_timestamp_ns(*text);
        if (!ns) throw std::runtime_error("alert " + a.id + ": '" + key + "' is not a time: " + *text);
        return ns;
    };
    a.updated_ns = *time("updatedAt", true);
    a.created_ns = time("createdAt", false).value_or(a.updated_ns);
    a.received_ns = time("receivedAt", false).value_or(a.created_ns);
    a.deleted_ns = time("deletedAt", false);  // absent, null or "" = active
    auto tenant = object_of(json::get(o, "tenant"));
    a.tenant_id = Poco::toLower(json::text(json::get(tenant, "uuid")).value_or(""));
    auto details = object_of(json::get(o, "details"));
    if (details) {
        a.details_json = json::stringify(details);
        a.resource_id = json::text(json::get(details, "resourceId"));
        a.resource_name = json::text(json::get(details, "resourceName"));
        a.plan_id = json::text(json::get(details, "planId"));
        a.plan_name = json::text(json::get(details, "planName"));
    }
    return a;
}

Array::Ptr items_of(const Var& root, const std::string& what) {
    auto object = object_of(root);
    auto items = object ? json::get(object, "items") : Var();
    if (items.type() != typeid(Array::Ptr)) throw std::runtime_error(what + ": no 'items' list");
    return items.extract<Array::Ptr>();
}

std::string cursor_of(const Var& root) {
    auto paging = object_of(json::get(object_of(root), "paging"));
    auto cursors = object_of(json::get(paging, "cursors"));
    return json::text(json::get(cursors, "after")).value_or("");
}

}  // namespace

std::string Tenant::unmanageable_reason() const {
    if (deleted) return "the tenant was deleted";
    if (!enabled) return "the tenant is disabled";
    if (!ancestral_access) return "the tenant is in self-service mode (support access off)";
    return "";
}

Tenant parse_tenant(const std::string& json_text) { return tenant_from(object_of(json::parse(json_text))); }
Alert parse_alert(const std::string& json_text) { return alert_from(object_of(json::parse(json_text))); }

std::string acronis_error_message(const std::string& body, std::string& code) {
    code.clear();
    try {
        auto root = object_of(json::parse(body));
        if (root) {
            auto error = json::get(root, "error");
            if (auto inner = object_of(error)) {
                code = json::text(json::get(inner, "code")).value_or("");
                if (auto message = json::text(json::get(inner, "message"))) return hostsdk::redact_secrets(*message);
            }
            if (code.empty()) code = json::text(json::get(root, "code")).value_or("");
            if (code.empty() && json::get(root, "error_description").isString())  // OAuth: {"error", "error_description"}
                code = json::text(error).value_or("");
            for (const char* key : {"message", "reason", "error_description"})
                if (auto message = json::text(json::get(root, key))) return hostsdk::redact_secrets(*message);
            if (auto text = json::text(error)) return hostsdk::redact_secrets(*text);
        }
    } catch (const std::exception&) {
        // not JSON: the raw text below
    }
    return hostsdk::redact_secrets(Poco::trim(body.substr(0, 2048)));
}

TokenGrant parse_token_reply(const std::string& body, std::int64_t now_s) {
    Object::Ptr root = object_of(json::parse(body));
    auto token = json::text(json::get(root, "access_token"));
    if (!token || token->empty()) throw std::runtime_error("no access_token");
    // A year at most either way: a vendor's huge or negative number must not overflow the arithmetic.
    constexpr std::int64_t kYear = 366LL * 86400;
    std::int64_t expires = now_s + 3600;
    if (auto on = json::integer(json::get(root, "expires_on")))
        expires = std::clamp<std::int64_t>(*on, now_s - kYear, now_s + kYear);
    else if (auto in = json::integer(json::get(root, "expires_in")))
        expires = now_s + std::clamp<std::int64_t>(*in, -kYear, kYear);
    return TokenGrant{*token, expires};
}

AcronisClient::AcronisClient(AcronisSettings settings, const hostsdk::Clock& clock, Poco::Logger& log, Sleeper sleeper)
    : settings_(std::move(settings)),
      clock_(clock),
      log_(log),
      endpoint_("acpsa.acronis.url", settings_.url, settings_.endpoint),
      sleeper_(std::move(sleeper)),
      partner_(settings_.partner_tenant_id) {}

void AcronisClient::set_sleeper(Sleeper sleeper) {
    std::lock_guard<std::mutex> lock(mutex_);
    sleeper_ = std::move(sleeper);
}

std::string AcronisClient::bearer_token(bool force_refresh) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
    if (!force_refresh && !token_.empty() && now_s < token_expires_s_ - settings_.token_refresh_margin.count())
        return token_;
    const std::string call_name = "POST /api/2/idp/token";
    for (int attempt = 1;; ++attempt) {
        HttpRequest request{"POST", "/api/2/idp/token",
                            {{"Authorization", basic_auth(settings_.client_id, settings_.client_secret)},
                             {"Content-Type", "application/x-www-form-urlencoded"},
                             {"Accept", "application/json"}},
                            "grant_type=client_credentials"};
        HttpResponse response;
        try {
            response = endpoint_.send(request);
        } catch (const CertificateRefusedError& e) {
            throw CertificateError(kService, call_name, e.what());
        } catch (const std::runtime_error& e) {  // NotSentError, NoAnswerError: safe to repeat
            if (attempt >= settings_.retry.max_attempts)
                throw UpstreamError(kService, call_name, 0, "", e.what(), true);
            if (!sleeper_(retry_delay(settings_.retry, attempt, "", clock_.now()))) throw StoppedError();
            continue;
        }
        if (response.status == 200) {
            TokenGrant grant;
            try {
                grant = parse_token_reply(response.body, now_s);
            } catch (const std::runtime_error& e) {
                throw MalformedResponseError(kService, call_name, e.what());
            }
            token_ = grant.token;
            token_expires_s_ = grant.expires_s;
            log_.debug("acronis: new access token, valid for " + std::to_string(grant.expires_s - now_s) + " s");
            return token_;
        }
        std::string code;
        const std::string message = scrub_secret(acronis_error_message(response.body, code), settings_.client_secret);
        if (response.status == 400 || response.status == 401)
            throw AuthenticationError(kService, call_name, response.status,
                                      (code.empty() ? "" : code + ": ") + message +
                                          " (check acpsa.acronis.client_id and client_secret)");
        const bool transient = response.status == 429 || response.status >= 500;
        if (!transient || attempt >= settings_.retry.max_attempts)
            throw UpstreamError(kService, call_name, response.status, code, message, transient);
        if (!sleeper_(retry_delay(settings_.retry, attempt, response.header("retry-after"), clock_.now())))
            throw StoppedError();
    }
}

bool AcronisClient::wait_before_retry(int attempt, const HttpResponse* response) {
    const auto wait = retry_delay(settings_.retry, attempt, response ? response->header("retry-after") : std::string(), clock_.now());
    Sleeper sleeper;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        sleeper = sleeper_;
    }
    return sleeper(wait);
}

void AcronisClient::fail(const std::string& call_name, const HttpResponse& response) {
    std::string code;
    const std::string message = scrub_secret(acronis_error_message(response.body, code), settings_.client_secret);
    const bool transient = response.status == 429 || response.status >= 500;
    throw UpstreamError(kService, call_name, response.status, code, message, transient);
}

HttpResponse AcronisClient::call(const std::string& method, const std::string& target, const std::string& call_name,
                                 const std::optional<std::string>& json_body, Safety safety, bool counted) {
    bool refreshed = false;
    for (int attempt = 1;; ++attempt) {
        HttpRequest request;
        request.method = method;
        request.target = target;
        request.headers = {{"Authorization", "Bearer " + bearer_token(false)}, {"Accept", "application/json"}};
        if (json_body) {
            request.headers.emplace_back("Content-Type", "application/json");
            request.body = *json_body;
        }
        request.fresh_connection = safety == Safety::not_idempotent;
        if (counted) ++api_calls_;
        HttpResponse response;
        try {
            response = endpoint_.send(request);
        } catch (const CertificateRefusedError& e) {
            throw CertificateError(kService, call_name, e.what());
        } catch (const NotSentError& e) {
            if (attempt >= settings_.retry.max_attempts) throw UpstreamError(kService, call_name, 0, "", e.what(), true);
            log_.warning("acronis: " + call_name + " not sent (" + e.what() + "), retrying");
            if (!wait_before_retry(attempt, nullptr)) throw StoppedError();
            continue;
        } catch (const NoAnswerError& e) {
            if (safety == Safety::not_idempotent) throw OutcomeUnknownError(kService, call_name, 0, e.what());
            if (attempt >= settings_.retry.max_attempts) throw UpstreamError(kService, call_name, 0, "", e.what(), true);
            log_.warning("acronis: " + call_name + ": " + e.what() + ", retrying");
            if (!wait_before_retry(attempt, nullptr)) throw StoppedError();
            continue;
        }
        if (response.status == 401) {
            if (refreshed) {
                std::string code;
                throw AuthenticationError(kService, call_name, 401,
                                          scrub_secret(acronis_error_message(response.body, code), settings_.client_secret) +
                                              " (with a fresh token)");
            }
            // Expired or revoked: a new token and the same request once more (not an attempt).
            refreshed = true;
            --attempt;
            bearer_token(true);
            continue;
        }
        // A 5xx may come after the change was made: a call that must not be repeated blindly is
        // reported as outcome-unknown. A 429 was refused before any work: always safe to repeat.
        if (response.status >= 500 && safety == Safety::not_idempotent)
            throw OutcomeUnknownError(kService, call_name, response.status, "the server failed while handling it");
        if (response.status == 429 || response.status >= 500) {
            if (attempt >= settings_.retry.max_attempts) fail(call_name, response);
            log_.warning("acronis: " + call_name + " answered " + std::to_string(response.status) + ", retrying");
            if (!wait_before_retry(attempt, &response)) throw StoppedError();
            continue;
        }
        if (response.status >= 400) fail(call_name, response);
        return response;
    }
}

std::string AcronisClient::partner_tenant_id() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!partner_.empty()) return partner_;
    }
    const auto response = call("GET", "/api/2/clients/" + encode(settings_.client_id), "GET /api/2/clients/{id}",
                               std::nullopt, Safety::idempotent, false);
    auto tenant = json::text(json::get(object_of(json::parse(response.body)), "tenant_id"));
    if (!tenant) throw MalformedResponseError(kService, "GET /api/2/clients/{id}", "no tenant_id");
    std::lock_guard<std::mutex> lock(mutex_);
    partner_ = Poco::toLower(*tenant);
    return partner_;
}

std::vector<Tenant> AcronisClient::list_tenants(const std::string& first_target, const std::string& call_name) {
    std::vector<Tenant> tenants;
    std::string target = first_target;
    for (int page = 0; page < 100000; ++page) {
        const auto response = call("GET", target, call_name, std::nullopt, Safety::idempotent);
        Var root;
        Array::Ptr items;
        try {
            root = json::parse(response.body);
            items = items_of(root, "tenant list");
            for (std::size_t i = 0; i < items->size(); ++i) tenants.push_back(tenant_from(json::object_at(items, i)));
        } catch (const std::runtime_error& e) {
            throw MalformedResponseError(kService, call_name, e.what());
        }
        const std::string cursor = cursor_of(root);
        if (cursor.empty() || items->size() == 0) break;
        // The cursor carries the filters; only `after` and `limit` go with it.
        target = "/api/2/tenants?after=" + encode(cursor) + "&limit=" + std::to_string(settings_.page_limit);
    }
    return tenants;
}

std::vector<Tenant> AcronisClient::list_customer_tenants() {
    const std::string partner = partner_tenant_id();
    const std::string filter = settings_.subtree_listing ? "subtree_root_id=" : "parent_id=";
    auto all = list_tenants("/api/2/tenants?" + filter + encode(partner) + "&limit=" + std::to_string(settings_.page_limit),
                            "GET /api/2/tenants");
    std::vector<Tenant> customers;
    for (auto& t : all)
        if (t.kind == "customer" && !t.deleted) customers.push_back(std::move(t));
    return customers;
}

std::vector<Tenant> AcronisClient::list_partner_children() {
    return list_tenants("/api/2/tenants?parent_id=" + encode(partner_tenant_id()) + "&allow_deleted=true&limit=" +
                            std::to_string(settings_.page_limit),
                        "GET /api/2/tenants");
}

Tenant AcronisClient::get_tenant(const std::string& tenant_id) {
    const auto response = call("GET", "/api/2/tenants/" + encode(tenant_id), "GET /api/2/tenants/{id}", std::nullopt,
                               Safety::idempotent);
    try {
        return parse_tenant(response.body);
    } catch (const std::runtime_error& e) {
        throw MalformedResponseError(kService, "GET /api/2/tenants/{id}", e.what());
    }
}

Tenant AcronisClient::create_tenant(const NewTenant& tenant) {
    Object body;
    body.set("name", tenant.name);
    body.set("kind", "customer");
    body.set("parent_id", tenant.parent_id.empty() ? partner_tenant_id() : tenant.parent_id);
    body.set("language", tenant.language);
    if (!tenant.internal_tag.empty()) body.set("internal_tag", tenant.internal_tag);
    if (tenant.contact) {
        Object::Ptr contact = new Object;
        contact->set("email", tenant.contact->email);
        contact->set("firstname", tenant.contact->firstname);
        contact->set("lastname", tenant.contact->lastname);
        body.set("contact", contact);
    }
    const auto response = call("POST", "/api/2/tenants", "POST /api/2/tenants", json::stringify(Var(Object::Ptr(new Object(body)))),
                               Safety::not_idempotent);
    try {
        return parse_tenant(response.body);
    } catch (const std::runtime_error& e) {
        // It was created (2xx) but the answer cannot be read: the caller looks it up by its tag.
        throw OutcomeUnknownError(kService, "POST /api/2/tenants", response.status, std::string("unreadable answer: ") + e.what());
    }
}

std::optional<Tenant> AcronisClient::find_tenant_by_tag(const std::string& internal_tag) {
    for (auto& t : list_partner_children())
        if (t.internal_tag && *t.internal_tag == internal_tag && !t.deleted) return t;
    return std::nullopt;
}

void AcronisClient::set_tenant_mfa(const std::string& tenant_id, bool enabled) {
    call("PUT", "/api/2/tenants/" + encode(tenant_id) + "/mfa/status", "PUT /api/2/tenants/{id}/mfa/status",
         std::string(enabled ? "{\"enabled\":true}" : "{\"enabled\":false}"), Safety::idempotent);
}

LoginCheck AcronisClient::check_login(const std::string& login) {
    try {
        call("GET", "/api/2/users/check_login?username=" + encode(login), "GET /api/2/users/check_login", std::nullopt,
             Safety::idempotent);
        return LoginCheck::free;
    } catch (const UpstreamError& e) {
        if (e.status() == 409) return LoginCheck::taken;
        if (e.status() == 406) return LoginCheck::invalid;
        throw;
    }
}

User AcronisClient::create_user(const std::string& tenant_id, const std::string& login, const AcronisContact& contact) {
    Object::Ptr body = new Object;
    body->set("tenant_id", tenant_id);
    body->set("login", login);
    Object::Ptr c = new Object;
    c->set("email", contact.email);
    c->set("firstname", contact.firstname);
    c->set("lastname", contact.lastname);
    body->set("contact", c);
    const auto response = call("POST", "/api/2/users", "POST /api/2/users", json::stringify(Var(body)), Safety::not_idempotent);
    try {
        return user_from(object_of(json::parse(response.body)));
    } catch (const std::runtime_error& e) {
        throw OutcomeUnknownError(kService, "POST /api/2/users", response.status, std::string("unreadable answer: ") + e.what());
    }
}

std::vector<std::string> AcronisClient::list_tenant_users(const std::string& tenant_id) {
    const auto response = call("GET", "/api/2/tenants/" + encode(tenant_id) + "/users", "GET /api/2/tenants/{id}/users",
                               std::nullopt, Safety::idempotent);
    std::vector<std::string> ids;
    try {
        auto items = items_of(json::parse(response.body), "user list");
        for (std::size_t i = 0; i < items->size(); ++i)
            if (auto id = json::text(items->get(static_cast<unsigned>(i)))) ids.push_back(Poco::toLower(*id));
    } catch (const std::runtime_error& e) {
        throw MalformedResponseError(kService, "GET /api/2/tenants/{id}/users", e.what());
    }
    return ids;
}

User AcronisClient::get_user(const std::string& user_id) {
    const auto response = call("GET", "/api/2/users/" + encode(user_id), "GET /api/2/users/{id}", std::nullopt,
                               Safety::idempotent);
    try {
        return user_from(object_of(json::parse(response.body)));
    } catch (const std::runtime_error& e) {
        throw MalformedResponseError(kService, "GET /api/2/users/{id}", e.what());
    }
}

void AcronisClient::grant_company_admin(const std::string& user_id, const std::string& tenant_id) {
    const std::string nil = "00000000-0000-0000-0000-000000000000";
    Object::Ptr policy = new Object;
    policy->set("id", nil);
    policy->set("issuer_id", nil);
    policy->set("role_id", "company_admin");
    policy->set("tenant_id", tenant_id);
    policy->set("trustee_id", user_id);
    policy->set("trustee_type", "user");
    policy->set("version", 0);
    Array::Ptr items = new Array;
    items->add(policy);
    Object::Ptr body = new Object;
    body->set("items", items);
    // Replacing the whole list is idempotent.
    call("PUT", "/api/2/users/" + encode(user_id) + "/access_policies", "PUT /api/2/users/{id}/access_policies",
         json::stringify(Var(body)), Safety::idempotent);
}

void AcronisClient::send_activation_email(const std::string& user_id) {
    call("POST", "/api/2/users/" + encode(user_id) + "/send-activation-email", "POST /api/2/users/{id}/send-activation-email",
         std::string("{}"), Safety::not_idempotent);
}

void AcronisClient::set_password(const std::string& user_id, const std::string& password) {
    Object::Ptr body = new Object;
    body->set("password", password);
    // Setting the same password twice is harmless: retried like an idempotent call.
    call("POST", "/api/2/users/" + encode(user_id) + "/password", "POST /api/2/users/{id}/password",
         json::stringify(Var(body)), Safety::idempotent);
}

std::int64_t AcronisClient::first_watermark_ns() const {
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch()).count();
    // alerts_changed_since reads from the watermark minus the overlap: the overlap is added here so
    // that the very first read starts exactly `initial_lookback_s` before now.
    return now - static_cast<std::int64_t>(settings_.initial_lookback.count()) * 1000000000LL +
           static_cast<std::int64_t>(settings_.alerts_overlap.count()) * 1000000000LL;
}

AlertPoll AcronisClient::alerts_changed_since(std::int64_t watermark_ns,
                                              const std::function<bool(const std::string&, std::int64_t)>& already_processed) {
    const std::int64_t overlap = static_cast<std::int64_t>(settings_.alerts_overlap.count()) * 1000000000LL;
    const std::int64_t from = std::max<std::int64_t>(0, watermark_ns - overlap);
    const std::string base = "/api/alert_manager/v1/alerts?updated_at=" + encode("gt(" + std::to_string(from) + ")") +
                             "&show_deleted=true&order=" + encode("asc(updated_at)") +
                             "&limit=" + std::to_string(settings_.page_limit);
    const std::string call_name = "GET /api/alert_manager/v1/alerts";
    AlertPoll poll;
    poll.watermark_ns = watermark_ns;
    std::set<std::pair<std::string, std::int64_t>> seen;
    std::string target = base;
    for (int page = 0; page < 100000; ++page) {
        const auto response = call("GET", target, call_name, std::nullopt, Safety::idempotent);
        Var root;
        Array::Ptr items;
        try {
            root = json::parse(response.body);
            items = items_of(root, "alert list");
            for (std::size_t i = 0; i < items->size(); ++i) {
                // A malformed alert fails the cycle and leaves the watermark (DESIGN §7): skipping it
                // could lose a clear for good.
                Alert alert = alert_from(json::object_at(items, i));
                poll.watermark_ns = std::max(poll.watermark_ns, alert.updated_ns);
                const auto key = std::make_pair(Poco::toUpper(alert.id), alert.updated_ns);
                if (!seen.insert(key).second) continue;
                if (already_processed && already_processed(alert.id, alert.updated_ns)) continue;
                poll.alerts.push_back(std::move(alert));
            }
        } catch (const std::runtime_error& e) {
            throw MalformedResponseError(kService, call_name, e.what());
        }
        const std::string cursor = cursor_of(root);
        if (cursor.empty() || items->size() == 0) break;
        target = base + "&after=" + encode(cursor);  // the other parameters go again with the cursor
    }
    std::stable_sort(poll.alerts.begin(), poll.alerts.end(),
                     [](const Alert& a, const Alert& b) { return a.updated_ns < b.updated_ns; });
    return poll;
}

std::vector<AlertType> AcronisClient::list_alert_types() {
    const std::string call_name = "GET /api/alert_manager/v1/types";
    HttpResponse response;
    try {
        response = call("GET", "/api/alert_manager/v1/types", call_name, std::nullopt, Safety::idempotent);
    } catch (const UpstreamError& e) {
        if (e.status() != 400) throw;
        // The spec marks os_type as required; Acronis' own sample omits it.
        response = call("GET", "/api/alert_manager/v1/types?os_type=windows&os_type=linux&os_type=macos", call_name,
                        std::nullopt, Safety::idempotent);
    }
    std::vector<AlertType> types;
    try {
        auto items = items_of(json::parse(response.body), "alert types");
        for (std::size_t i = 0; i < items->size(); ++i) {
            auto o = json::object_at(items, i);
            AlertType t;
            t.id = required_text(o, "id", "alert type");
            t.category = json::text(json::get(o, "category")).value_or("");
            t.severity = json::text(json::get(o, "severity")).value_or("");
            t.enabled = json::boolean(json::get(o, "enabled")).value_or(true);
            types.push_back(t);
        }
    } catch (const std::runtime_error& e) {
        throw MalformedResponseError(kService, call_name, e.what());
    }
    return types;
}

bool AcronisClient::dismiss_alert(const std::string& alert_id) {
    if (alert_id.empty()) throw std::invalid_argument("dismiss_alert: an alert id is required");  // never DELETE /alerts
    try {
        call("DELETE", "/api/alert_manager/v1/alerts/" + encode(alert_id), "DELETE /api/alert_manager/v1/alerts/{id}",
             std::nullopt, Safety::idempotent);
        return true;
    } catch (const UpstreamError& e) {
        if (e.status() == 404) return false;  // already gone
        throw;
    }
}

}  // namespace acpsa::core
