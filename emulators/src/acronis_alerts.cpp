// Alert Manager half of the Acronis emulator, the control routes and the state view.
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

/// `op(value)` → {op, value}.
bool parse_call(const std::string& text, std::string& op, std::string& value) {
    const auto open = text.find('(');
    if (open == std::string::npos || text.empty() || text.back() != ')') return false;
    op = Poco::trim(text.substr(0, open));
    value = text.substr(open + 1, text.size() - open - 2);
    return true;
}

EmuResponse control_error(int status, const std::string& message) {
    Object::Ptr body = new Object;
    body->set("error", message);
    return json_reply(status, body);
}

}  // namespace

Object::Ptr AcronisService::alert_json(const Alert& a) const {
    Object::Ptr o = new Object;
    o->set("id", a.id);
    o->set("type", a.type);
    o->set("category", a.category);
    o->set("severity", a.severity);
    o->set("createdAt", alert_time(a.created_ns));
    o->set("receivedAt", alert_time(a.received_ns));
    o->set("updatedAt", alert_time(a.updated_ns));
    if (a.deleted_ns) o->set("deletedAt", alert_time(*a.deleted_ns));
    Object::Ptr tenant = new Object;
    const Tenant* t = find_tenant(a.tenant_id);
    const Tenant* parent = t ? find_tenant(t->parent_id) : nullptr;
    tenant->set("id", std::to_string(t ? t->legacy_id : 0));
    tenant->set("uuid", a.tenant_id);
    tenant->set("locator", "/1/" + std::to_string(parent ? parent->legacy_id : 1) + "/" +
                               std::to_string(t ? t->legacy_id : 0) + "/");
    o->set("tenant", tenant);
    o->set("details", a.details);
    return o;
}

EmuResponse AcronisService::list_alerts(const EmuRequest& request, const Params&, const Session& session) {
    // updated_at=op(ns)
    std::optional<std::pair<std::string, std::int64_t>> updated;
    if (request.has_param("updated_at")) {
        std::string op, value;
        Poco::Int64 ns = 0;
        static const std::set<std::string> ops = {"eq", "lt", "gt", "le", "ge"};
        if (!parse_call(request.param("updated_at"), op, value) || !ops.count(op) ||
            !Poco::NumberParser::tryParse64(Poco::trim(value), ns))
            return alert_error(400, "BadRequest", "updated_at must be op(<nanoseconds>) with op eq, lt, gt, le or ge");
        updated = std::make_pair(op, static_cast<std::int64_t>(ns));
    }
    const std::string show_deleted = request.param("show_deleted", "false");
    bool descending = false;
    if (request.has_param("order")) {
        const std::string order = request.param("order");
        std::string op, field;
        if (order == "updated_at") {
        } else if (parse_call(order, op, field) && Poco::trim(field) == "updated_at" && (op == "asc" || op == "desc")) {
            descending = op == "desc";
        } else {
            return alert_error(400, "BadRequest", "order must be asc(updated_at), desc(updated_at) or updated_at");
        }
    }
    int limit = 100;
    if (request.has_param("limit") &&
        (!Poco::NumberParser::tryParse(request.param("limit"), limit) || limit < 1))
        return alert_error(400, "BadRequest", "limit must be a positive whole number");
    std::set<std::string> tenant_filter;
    if (request.has_param("tenant")) {
        std::string text = Poco::trim(request.param("tenant")), op, list;
        if (parse_call(text, op, list)) {
            if (op != "or") return alert_error(400, "BadRequest", "tenant takes a UUID or or(uuid,...)");
            text = list;
        }
        Poco::StringTokenizer ids(text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const auto& id : ids) {
            if (!is_uuid(id)) return alert_error(400, "BadRequest", "tenant: '" + id + "' is not a UUID");
            tenant_filter.insert(Poco::toLower(id));
        }
    }
    // The cursor is the sort key of the last item sent: (updatedAt ns, id).
    std::optional<std::pair<std::int64_t, std::string>> after;
    if (request.has_param("after")) {
        auto text = decode_cursor(request.param("after"));
        const auto bar = text ? text->find('|') : std::string::npos;
        Poco::Int64 ns = 0;
        if (bar == std::string::npos || !Poco::NumberParser::tryParse64(text->substr(0, bar), ns))
            return alert_error(400, "BadRequest", "invalid cursor");
        after = std::make_pair(static_cast<std::int64_t>(ns), text->substr(bar + 1));
    }

    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<const Alert*> matching;
    for (const auto& a : alerts_) {
        if (a.deleted_ns && show_deleted != "true") continue;
        const Tenant* t = find_tenant(a.tenant_id);
        if (!t || t->deleted_at || !t->ancestral_access || !in_scope(*t, session.scope_tenant)) continue;
        if (!tenant_filter.empty() && !tenant_filter.count(a.tenant_id)) continue;
        if (updated) {
            const auto& [op, ns] = *updated;
            const bool keep = op == "eq" ? a.updated_ns == ns
                              : op == "lt" ? a.updated_ns < ns
                              : op == "le" ? a.updated_ns <= ns
                              : op == "gt" ? a.updated_ns > ns
                                           : a.updated_ns >= ns;
            if (!keep) continue;
        }
        matching.push_back(&a);
    }
    auto key_less = [](const Alert* x, const Alert* y) {
        return std::make_pair(x->updated_ns, x->id) < std::make_pair(y->updated_ns, y->id);
    };
    std::sort(matching.begin(), matching.end(), key_less);
    if (descending) std::reverse(matching.begin(), matching.end());
    if (after) {
        matching.erase(std::remove_if(matching.begin(), matching.end(),
                                      [&](const Alert* a) {
                                          const auto key = std::make_pair(a->updated_ns, a->id);
                                          return descending ? !(key < *after) : !(*after < key);
                                      }),
                       matching.end());
    }
    Array::Ptr items = new Array;
    const std::size_t count = std::min(matching.size(), static_cast<std::size_t>(limit));
    for (std::size_t i = 0; i < count; ++i) items->add(alert_json(*matching[i]));
    Object::Ptr cursors = new Object;
    if (count < matching.size())
        cursors->set("after", encode_cursor(std::to_string(matching[count - 1]->updated_ns) + "|" + matching[count - 1]->id));
    Object::Ptr paging = new Object;
    paging->set("cursors", cursors);
    Object::Ptr body = new Object;
    body->set("items", items);
    body->set("paging", paging);
    return json_reply(200, body);
}

EmuResponse AcronisService::dismiss_alert(const EmuRequest&, const Params& params, const Session& session) {
    if (!is_uuid(params[0])) return alert_error(400, "BadRequest", "alert id is not a UUID");
    std::lock_guard<std::mutex> lock(mutex_);
    Alert* a = find_alert(params[0]);
    const Tenant* t = a ? find_tenant(a->tenant_id) : nullptr;
    if (!a || !t || !in_scope(*t, session.scope_tenant)) return alert_error(404, "NotFound", "alert not found");
    if (!a->deleted_ns) {
        a->updated_ns = next_ns();
        a->deleted_ns = a->updated_ns;
    }
    EmuResponse response;
    response.status = 204;
    response.content_type.clear();
    return response;
}

EmuResponse AcronisService::list_types(const EmuRequest&, const Params&, const Session&) {
    std::lock_guard<std::mutex> lock(mutex_);
    Array::Ptr items = new Array;
    for (const auto& t : alert_types_) {
        Object::Ptr o = new Object;
        o->set("id", t.id);
        o->set("category", t.category);
        o->set("severity", t.severity);
        o->set("enabled", true);
        items->add(o);
    }
    Object::Ptr body = new Object;
    body->set("items", items);
    return json_reply(200, body);
}

// ---- control surface ----

std::optional<EmuResponse> AcronisService::control(const EmuRequest& request) {
    const auto segments = split_segments(request.path);  // "_emulator", ...
    Params params;
    try {
        if (request.method == "POST" && match_pattern({"_emulator", "alerts"}, segments, params))
            return control_new_alert(request);
        if (request.method == "POST" && match_pattern({"_emulator", "alerts", "{id}", "clear"}, segments, params))
            return control_alert_change(params[0], false, request);
        if (request.method == "POST" && match_pattern({"_emulator", "alerts", "{id}", "raise"}, segments, params))
            return control_alert_change(params[0], true, request);
        if (request.method == "PATCH" && match_pattern({"_emulator", "tenants", "{id}"}, segments, params))
            return control_patch_tenant(params[0], request);
        if (request.method == "POST" && match_pattern({"_emulator", "tokens", "expire"}, segments, params)) {
            std::lock_guard<std::mutex> lock(mutex_);
            for (auto& [token, session] : sessions_) session.expires_on_s = 0;
            Object::Ptr body = new Object;
            body->set("expired", sessions_.size());
            return json_reply(200, body);
        }
    } catch (const JsonShapeError& e) {
        return control_error(400, e.what());
    }
    return std::nullopt;
}

EmuResponse AcronisService::control_new_alert(const EmuRequest& request) {
    auto body = parse_object(request.body, "request body");
    const std::string tenant_id = Poco::toLower(string_required(body, "tenant_id", "tenant_id"));
    const std::string type = string_required(body, "type", "type");
    auto severity = string_optional(body, "severity", "severity");
    auto details = object_optional(body, "details", "details");
    std::lock_guard<std::mutex> lock(mutex_);
    const Tenant* t = find_tenant(tenant_id);
    if (!t) return control_error(404, "tenant_id: unknown tenant " + tenant_id);
    if (t->kind != "customer") return control_error(400, "tenant_id: alerts belong to customer tenants");
    const AlertType* alert_type = nullptr;
    for (const auto& candidate : alert_types_)
        if (candidate.id == type) alert_type = &candidate;
    if (!alert_type) return control_error(400, "type: unknown alert type " + type);
    static const std::set<std::string> severities = {"ok", "information", "warning", "error", "critical"};
    if (severity && !severities.count(*severity))
        return control_error(400, "severity: must be ok, information, warning, error or critical");
    Alert a;
    a.id = Poco::toUpper(new_uuid());
    a.type = type;
    a.category = alert_type->category;
    a.severity = severity.value_or(alert_type->severity);
    a.tenant_id = tenant_id;
    a.created_ns = a.received_ns = a.updated_ns = next_ns();
    if (details) a.details = details;
    alerts_.push_back(a);
    Object::Ptr reply = new Object;
    reply->set("id", a.id);
    return json_reply(201, reply);
}

EmuResponse AcronisService::control_alert_change(const std::string& id, bool raise, const EmuRequest& request) {
    Object::Ptr details;
    if (raise && !Poco::trim(request.body).empty())
        details = object_optional(parse_object(request.body, "request body"), "details", "details");
    std::lock_guard<std::mutex> lock(mutex_);
    Alert* a = find_alert(id);
    if (!a) return control_error(404, "unknown alert " + id);
    if (raise) {
        a->updated_ns = a->received_ns = next_ns();
        a->deleted_ns.reset();
        if (details) a->details = details;
    } else if (!a->deleted_ns) {
        a->updated_ns = next_ns();
        a->deleted_ns = a->updated_ns;
    }
    return json_reply(200, alert_json(*a));
}

EmuResponse AcronisService::control_patch_tenant(const std::string& id, const EmuRequest& request) {
    auto body = parse_object(request.body, "request body");
    for (const auto& [key, value] : *body) {
        (void)value;
        if (key != "ancestral_access" && key != "enabled" && key != "deleted")
            return control_error(400, key + ": unknown field (ancestral_access, enabled, deleted)");
    }
    auto access = bool_optional(body, "ancestral_access", "ancestral_access");
    auto enabled = bool_optional(body, "enabled", "enabled");
    auto deleted = bool_optional(body, "deleted", "deleted");
    std::lock_guard<std::mutex> lock(mutex_);
    Tenant* t = find_tenant(id);
    if (!t) return control_error(404, "unknown tenant " + id);
    if (access) t->ancestral_access = *access;
    if (enabled) t->enabled = *enabled;
    if (deleted) {
        if (*deleted && !t->deleted_at) t->deleted_at = account_time(now_ns());
        if (!*deleted) t->deleted_at.reset();
    }
    t->version += 1;
    t->updated_at = account_time(now_ns());
    return json_reply(200, tenant_json(*t));
}

Object::Ptr AcronisService::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Array::Ptr tenants = new Array;
    for (const auto& t : tenants_) tenants->add(tenant_json(t));
    Array::Ptr users = new Array;
    for (const auto& u : users_) {
        auto o = user_json(u);
        o->set("access_policies", u.access_policies);
        o->set("activation_emails_sent", u.activation_emails_sent);
        o->set("password_set", u.password_set);
        users->add(o);
    }
    Array::Ptr alerts = new Array;
    for (const auto& a : alerts_) alerts->add(alert_json(a));
    Object::Ptr root = new Object;
    root->set("tenants", tenants);
    root->set("users", users);
    root->set("alerts", alerts);
    return root;
}

}  // namespace emulator
