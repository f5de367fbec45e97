#include "mapping_routes.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include <algorithm>
#include <map>

namespace acpsa::mapping {

using hostsdk::AdminRequest;
using hostsdk::AdminResponse;
using hostsdk::ApiError;
using hostsdk::json_null;
using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Var or_null(const std::optional<std::string>& value) { return value ? Var(*value) : json_null(); }

Object::Ptr row_json(const CustomerRow& row) {
    Object::Ptr o = new Object;
    o->set("psa_customer_id", row.psa_customer_id);
    o->set("name", row.name);
    o->set("psa_status", row.psa_status.empty() ? json_null() : Var(row.psa_status));
    o->set("mapping", row.mapping);
    o->set("tenant_id", or_null(row.tenant_id));
    o->set("tenant_name", or_null(row.tenant_name));
    o->set("error", or_null(row.error));
    return o;
}

bool contains_nocase(const std::string& haystack, const std::string& needle) {
    return Poco::toLower(haystack).find(Poco::toLower(Poco::trim(needle))) != std::string::npos;
}

/// `name` must be one of `allowed` (case-insensitive); returns it lower-cased, or `fallback`.
std::string choice(const AdminRequest& request, const std::string& name, const std::vector<std::string>& allowed,
                   const std::string& fallback) {
    const std::string value = Poco::toLower(Poco::trim(request.query_or(name)));
    if (value.empty()) return fallback;
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
        throw ApiError::invalid_value(name, name + " must be one of " +
                                                Poco::cat(std::string(", "), allowed.begin(), allowed.end()));
    return value;
}

AdminResponse page(const std::vector<Object::Ptr>& all, const AdminRequest& request) {
    const auto paging = hostsdk::parse_paging(request);
    Array::Ptr items = new Array;
    for (std::size_t i = paging.offset; i < all.size() && i < paging.offset + paging.limit; ++i) items->add(all[i]);
    Object::Ptr root = new Object;
    root->set("items", items);
    root->set("total", all.size());
    return hostsdk::json_response(200, root);
}

void require_data(const MappingService& service) {
    if (!service.refreshed())
        throw ApiError::unavailable("customers and tenants have not been fetched yet: the first mapping cycle has not run");
}

/// The body as an object whose keys are all in `allowed`.
Object::Ptr body_with(const AdminRequest& request, const std::vector<std::string>& allowed) {
    auto body = hostsdk::parse_json_object(request);
    for (const auto& [key, value] : *body) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            throw ApiError::invalid_value(key, "unknown field '" + key + "'");
    }
    return body;
}

AdminResponse list_customers(MappingService& service, const AdminRequest& request) {
    const bool reload = choice(request, "reload", {"true", "false"}, "false") == "true";
    const std::string mapping = choice(request, "mapping", {"not_mapped", "mapped", "provisioning", "failed"}, "");
    const std::string sort = choice(request, "sort", {"name", "psa_status", "mapping", "tenant_name"}, "name");
    const bool descending = choice(request, "order", {"asc", "desc"}, "asc") == "desc";
    const std::string search = request.query_or("search");
    const std::string psa_status = Poco::trim(request.query_or("psa_status"));
    hostsdk::parse_paging(request);  // refuse bad paging before any work
    if (reload) {
        try {
            service.reload();
        } catch (const core::UpstreamError& e) {
            throw ApiError::upstream(e.what());
        }
    }
    require_data(service);
    auto rows = service.customer_rows();
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](const CustomerRow& r) {
                                  return (!search.empty() && !contains_nocase(r.name, search)) ||
                                         (!mapping.empty() && r.mapping != mapping) ||
                                         (!psa_status.empty() && Poco::icompare(r.psa_status, psa_status) != 0);
                              }),
               rows.end());
    auto key = [&](const CustomerRow& r) -> std::string {
        if (sort == "psa_status") return Poco::toLower(r.psa_status);
        if (sort == "mapping") return r.mapping;
        if (sort == "tenant_name") return r.tenant_name ? Poco::toLower(*r.tenant_name) : std::string("\xff");  // none last
        return Poco::toLower(r.name);
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const CustomerRow& a, const CustomerRow& b) {
        const auto ka = key(a), kb = key(b);
        if (ka == kb) return Poco::toLower(a.name) < Poco::toLower(b.name);
        return descending ? ka > kb : ka < kb;
    });
    std::vector<Object::Ptr> items;
    for (const auto& row : rows) items.push_back(row_json(row));
    return page(items, request);
}

AdminResponse list_tenants(MappingService& service, core::Store& store, const AdminRequest& request) {
    const bool available = choice(request, "available", {"true", "false"}, "false") == "true";
    const std::string search = request.query_or("search");
    hostsdk::parse_paging(request);
    require_data(service);
    std::map<std::string, std::string> customer_of_tenant;  // one read of the mappings, not one per tenant
    for (const auto& m : store.mappings())
        if (m.tenant_id) customer_of_tenant.emplace(Poco::toLower(*m.tenant_id), m.psa_customer_id);
    std::vector<Object::Ptr> items;
    for (const auto& t : store.tenants()) {
        const auto it = customer_of_tenant.find(Poco::toLower(t.id));
        const bool mapped = it != customer_of_tenant.end();
        if (available && (!t.manageable() || mapped)) continue;
        if (!search.empty() && !contains_nocase(t.name, search)) continue;
        Object::Ptr o = new Object;
        o->set("id", t.id);
        o->set("name", t.name);
        o->set("customer_id", or_null(t.customer_id));
        o->set("manageable", t.manageable());
        o->set("reason", t.manageable() ? json_null() : Var(t.unmanageable_reason()));
        o->set("mapped_to", mapped ? Var(it->second) : json_null());
        items.push_back(o);
    }
    return page(items, request);
}

AdminResponse map_existing(MappingService& service, const AdminRequest& request) {
    auto body = body_with(request, {"tenant_id"});
    if (!body->has("tenant_id") || body->isNull("tenant_id")) throw ApiError::invalid_value("tenant_id", "tenant_id is required");
    if (!body->get("tenant_id").isString()) throw ApiError::invalid_type("tenant_id", "tenant_id must be a string");
    const std::string tenant_id = body->getValue<std::string>("tenant_id");
    if (Poco::trim(tenant_id).empty()) throw ApiError::invalid_value("tenant_id", "tenant_id must not be empty");
    return hostsdk::json_response(200, row_json(service.map(request.path_params.at("psa_customer_id"), tenant_id)));
}

AdminResponse map_new(MappingService& service, const AdminRequest& request) {
    if (!Poco::trim(request.body).empty()) body_with(request, {});
    const std::string id = request.path_params.at("psa_customer_id");
    const auto job = service.map_new(id);
    Object::Ptr o = new Object;
    o->set("psa_customer_id", id);
    o->set("mapping", "provisioning");
    o->set("job_id", std::to_string(job.id));
    return hostsdk::json_response(202, o);
}

AdminResponse proposals(MappingService& service, core::Store& store, const AdminRequest& request) {
    require_data(service);
    const std::string search = request.query_or("search");
    const auto [available, reason] = service.marketplace_available();
    Array::Ptr items = new Array;
    for (const auto& p : store.proposals()) {
        if (!search.empty() && !contains_nocase(p.psa_customer_name, search) && !contains_nocase(p.tenant_name, search)) continue;
        Object::Ptr o = new Object;
        o->set("psa_customer_id", p.psa_customer_id);
        o->set("psa_customer_name", p.psa_customer_name);
        o->set("tenant_id", p.tenant_id);
        o->set("tenant_name", p.tenant_name);
        o->set("osa_account_id", p.osa_account_id);
        items->add(o);
    }
    Array::Ptr skipped = new Array;
    for (const auto& s : store.skipped_proposals()) {
        Object::Ptr o = new Object;
        o->set("osa_account_id", s.osa_account_id);
        o->set("reason", s.reason);
        skipped->add(o);
    }
    Object::Ptr root = new Object;
    root->set("available", available);
    root->set("reason", or_null(reason));
    root->set("wizard_pending", available && service.wizard().pending);
    root->set("items", items);
    root->set("skipped", skipped);
    return hostsdk::json_response(200, root);
}

AdminResponse confirm(MappingService& service, const AdminRequest& request) {
    auto body = body_with(request, {"psa_customer_ids"});
    if (!body->has("psa_customer_ids") || body->isNull("psa_customer_ids"))
        throw ApiError::invalid_value("psa_customer_ids", "psa_customer_ids is required");
    auto value = body->get("psa_customer_ids");
    if (value.type() != typeid(Array::Ptr)) throw ApiError::invalid_type("psa_customer_ids", "psa_customer_ids must be an array of strings");
    auto ids = value.extract<Array::Ptr>();
    std::vector<std::string> list;
    for (std::size_t i = 0; i < ids->size(); ++i) {
        const auto item = ids->get(static_cast<unsigned>(i));
        if (!item.isString()) throw ApiError::invalid_type("psa_customer_ids", "psa_customer_ids must be an array of strings");
        list.push_back(item.extract<std::string>());
    }
    require_data(service);
    Array::Ptr results = new Array;
    for (const auto& r : service.confirm(list)) {
        Object::Ptr o = new Object;
        o->set("psa_customer_id", r.psa_customer_id);
        o->set("outcome", r.outcome);
        o->set("tenant_id", or_null(r.tenant_id));
        o->set("error", or_null(r.error));
        results->add(o);
    }
    Object::Ptr root = new Object;
    root->set("results", results);
    return hostsdk::json_response(200, root);
}

AdminResponse connection(MappingService& service) {
    const auto acronis = service.check_acronis();
    const auto psa = service.check_psa();
    Object::Ptr a = new Object;
    a->set("ok", acronis.ok);
    a->set("message", or_null(acronis.message));
    a->set("partner_tenant_id", or_null(acronis.partner_tenant_id));
    Object::Ptr p = new Object;
    p->set("ok", psa.ok);
    p->set("message", or_null(psa.message));
    Object::Ptr root = new Object;
    root->set("acronis", a);
    root->set("psa", p);
    return hostsdk::json_response(200, root);
}

}  // namespace

void register_routes(hostsdk::Context& context, MappingService& service, core::Store& store) {
    auto* log = &context.logger();
    auto add = [&](const char* method, const char* pattern, auto fn) {
        context.add_route({method, pattern, hostsdk::guarded_handler(fn, log)});
    };
    add("GET", "/api/mapping/customers", [&service](const AdminRequest& r) { return list_customers(service, r); });
    add("POST", "/api/mapping/customers/{psa_customer_id}/map", [&service](const AdminRequest& r) { return map_existing(service, r); });
    add("DELETE", "/api/mapping/customers/{psa_customer_id}/map", [&service](const AdminRequest& r) {
        return hostsdk::json_response(200, row_json(service.unmap(r.path_params.at("psa_customer_id"))));
    });
    add("POST", "/api/mapping/customers/{psa_customer_id}/map-new", [&service](const AdminRequest& r) { return map_new(service, r); });
    add("POST", "/api/mapping/marketplace/confirm", [&service](const AdminRequest& r) { return confirm(service, r); });
    add("POST", "/api/mapping/marketplace/dismiss", [&service](const AdminRequest& r) {
        if (!Poco::trim(r.body).empty()) body_with(r, {});
        service.dismiss();
        Object::Ptr root = new Object;
        root->set("wizard_pending", false);
        return hostsdk::json_response(200, root);
    });
    add("GET", "/api/mapping/connection", [&service](const AdminRequest&) { return connection(service); });
    add("GET", "/api/mapping/tenants", [&service, &store](const AdminRequest& r) { return list_tenants(service, store, r); });
    add("GET", "/api/mapping/marketplace/proposals",
        [&service, &store](const AdminRequest& r) { return proposals(service, store, r); });
}

}  // namespace acpsa::mapping
