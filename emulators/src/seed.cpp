#include "emulator/json_util.hpp"
#include "emulator/text_util.hpp"
#include "emulator/model.hpp"
#include "emulator/time_util.hpp"

#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace emulator {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string at(const std::string& path, std::size_t index) { return path + "[" + std::to_string(index) + "]"; }

void check_keys(const Object::Ptr& object, const std::set<std::string>& allowed, const std::string& path) {
    for (const auto& [key, value] : *object) {
        (void)value;
        if (!allowed.count(key)) throw SeedError(path + "." + key + ": unknown field");
    }
}

AcronisContact parse_contact(const Object::Ptr& object, const std::string& path) {
    AcronisContact contact;
    if (!object) return contact;
    check_keys(object, {"email", "firstname", "lastname", "phone"}, path);
    contact.email = string_optional(object, "email", path + ".email").value_or("");
    contact.firstname = string_optional(object, "firstname", path + ".firstname").value_or("");
    contact.lastname = string_optional(object, "lastname", path + ".lastname").value_or("");
    contact.phone = string_optional(object, "phone", path + ".phone").value_or("");
    return contact;
}

AcronisSeed parse_acronis(const Object::Ptr& root) {
    AcronisSeed seed;
    const std::string base = "acronis";
    check_keys(root, {"clients", "tenants", "users", "alert_types", "alerts"}, base);
    const std::int64_t start = now_ns();
    const std::string created = account_time(start);

    std::set<std::string> tenant_ids;
    auto tenants = array_optional(root, "tenants", base + ".tenants");
    long long legacy = 100;
    for (std::size_t i = 0; i < tenants->size(); ++i) {
        const std::string path = at(base + ".tenants", i);
        auto o = object_at(tenants, i, base + ".tenants");
        check_keys(o, {"id", "name", "kind", "parent_id", "enabled", "customer_id", "internal_tag", "ancestral_access",
                       "mfa_status", "language", "contact", "deleted"},
                   path);
        Tenant t;
        t.id = Poco::toLower(string_required(o, "id", path + ".id"));
        if (!is_uuid(t.id)) throw SeedError(path + ".id: must be a UUID");
        if (!tenant_ids.insert(t.id).second) throw SeedError(path + ".id: duplicate tenant id " + t.id);
        t.name = string_required(o, "name", path + ".name");
        if (Poco::trim(t.name).empty()) throw SeedError(path + ".name: must not be empty");
        t.kind = string_required(o, "kind", path + ".kind");
        static const std::set<std::string> kinds = {"root", "partner", "folder", "customer", "unit"};
        if (!kinds.count(t.kind)) throw SeedError(path + ".kind: must be root, partner, folder, customer or unit");
        t.parent_id = Poco::toLower(string_optional(o, "parent_id", path + ".parent_id").value_or(t.id));
        t.enabled = bool_optional(o, "enabled", path + ".enabled").value_or(true);
        t.customer_id = string_optional(o, "customer_id", path + ".customer_id");
        t.internal_tag = string_optional(o, "internal_tag", path + ".internal_tag");
        t.ancestral_access = bool_optional(o, "ancestral_access", path + ".ancestral_access").value_or(true);
        t.mfa_status = string_optional(o, "mfa_status", path + ".mfa_status").value_or("disabled");
        t.language = string_optional(o, "language", path + ".language").value_or("en");
        t.contact = parse_contact(object_optional(o, "contact", path + ".contact"), path + ".contact");
        t.created_at = t.updated_at = created;
        if (bool_optional(o, "deleted", path + ".deleted").value_or(false)) t.deleted_at = created;
        t.legacy_id = legacy++;
        seed.tenants.push_back(t);
    }
    for (std::size_t i = 0; i < seed.tenants.size(); ++i)
        if (!tenant_ids.count(seed.tenants[i].parent_id))
            throw SeedError(at(base + ".tenants", i) + ".parent_id: unknown tenant " + seed.tenants[i].parent_id);

    auto clients = array_optional(root, "clients", base + ".clients");
    if (clients->size() == 0) throw SeedError(base + ".clients: at least one API client is needed");
    std::set<std::string> client_ids;
    for (std::size_t i = 0; i < clients->size(); ++i) {
        const std::string path = at(base + ".clients", i);
        auto o = object_at(clients, i, base + ".clients");
        check_keys(o, {"client_id", "client_secret", "tenant_id", "name"}, path);
        ApiClient c;
        c.client_id = string_required(o, "client_id", path + ".client_id");
        if (!client_ids.insert(c.client_id).second) throw SeedError(path + ".client_id: duplicate client id");
        c.client_secret = string_required(o, "client_secret", path + ".client_secret");
        if (c.client_secret.empty()) throw SeedError(path + ".client_secret: must not be empty");
        c.tenant_id = Poco::toLower(string_required(o, "tenant_id", path + ".tenant_id"));
        if (!tenant_ids.count(c.tenant_id)) throw SeedError(path + ".tenant_id: unknown tenant " + c.tenant_id);
        c.name = string_optional(o, "name", path + ".name").value_or("API client");
        seed.clients.push_back(c);
    }

    auto users = array_optional(root, "users", base + ".users");
    std::set<std::string> logins;
    for (std::size_t i = 0; i < users->size(); ++i) {
        const std::string path = at(base + ".users", i);
        auto o = object_at(users, i, base + ".users");
        check_keys(o, {"id", "tenant_id", "login", "contact", "activated"}, path);
        User u;
        u.id = Poco::toLower(string_optional(o, "id", path + ".id").value_or(new_uuid()));
        u.tenant_id = Poco::toLower(string_required(o, "tenant_id", path + ".tenant_id"));
        if (!tenant_ids.count(u.tenant_id)) throw SeedError(path + ".tenant_id: unknown tenant " + u.tenant_id);
        u.login = string_required(o, "login", path + ".login");
        if (!logins.insert(Poco::toLower(u.login)).second) throw SeedError(path + ".login: duplicate login " + u.login);
        u.contact = parse_contact(object_optional(o, "contact", path + ".contact"), path + ".contact");
        u.activated = bool_optional(o, "activated", path + ".activated").value_or(false);
        u.created_at = created;
        seed.users.push_back(u);
    }

    auto types = array_optional(root, "alert_types", base + ".alert_types");
    std::set<std::string> type_ids;
    static const std::set<std::string> severities = {"ok", "information", "warning", "error", "critical"};
    for (std::size_t i = 0; i < types->size(); ++i) {
        const std::string path = at(base + ".alert_types", i);
        auto o = object_at(types, i, base + ".alert_types");
        check_keys(o, {"id", "category", "severity"}, path);
        AlertType t{string_required(o, "id", path + ".id"), string_required(o, "category", path + ".category"),
                    string_required(o, "severity", path + ".severity")};
        if (!type_ids.insert(t.id).second) throw SeedError(path + ".id: duplicate alert type " + t.id);
        if (!severities.count(t.severity)) throw SeedError(path + ".severity: must be ok, information, warning, error or critical");
        seed.alert_types.push_back(t);
    }

    auto alerts = array_optional(root, "alerts", base + ".alerts");
    std::set<std::string> alert_ids;
    for (std::size_t i = 0; i < alerts->size(); ++i) {
        const std::string path = at(base + ".alerts", i);
        auto o = object_at(alerts, i, base + ".alerts");
        check_keys(o, {"id", "tenant_id", "type", "severity", "details", "cleared", "raised_ago_s"}, path);
        Alert a;
        a.id = Poco::toUpper(string_optional(o, "id", path + ".id").value_or(Poco::toUpper(new_uuid())));
        if (!is_uuid(a.id)) throw SeedError(path + ".id: must be a UUID");
        if (!alert_ids.insert(a.id).second) throw SeedError(path + ".id: duplicate alert id");
        a.tenant_id = Poco::toLower(string_required(o, "tenant_id", path + ".tenant_id"));
        const Tenant* tenant = nullptr;
        for (const auto& t : seed.tenants)
            if (t.id == a.tenant_id) tenant = &t;
        if (!tenant) throw SeedError(path + ".tenant_id: unknown tenant " + a.tenant_id);
        if (tenant->kind != "customer") throw SeedError(path + ".tenant_id: alerts belong to customer tenants");
        a.type = string_required(o, "type", path + ".type");
        const AlertType* type = nullptr;
        for (const auto& t : seed.alert_types)
            if (t.id == a.type) type = &t;
        if (!type) throw SeedError(path + ".type: unknown alert type " + a.type + " (not in acronis.alert_types)");
        a.category = type->category;
        a.severity = string_optional(o, "severity", path + ".severity").value_or(type->severity);
        if (!severities.count(a.severity)) throw SeedError(path + ".severity: must be ok, information, warning, error or critical");
        if (auto details = object_optional(o, "details", path + ".details")) a.details = details;
        const long long ago = bool(o->has("raised_ago_s")) ? int_required(o, "raised_ago_s", path + ".raised_ago_s") : 0;
        if (ago < 0) throw SeedError(path + ".raised_ago_s: must not be negative");
        a.created_ns = a.received_ns = a.updated_ns = start - ago * 1000000000LL;
        if (bool_optional(o, "cleared", path + ".cleared").value_or(false)) a.deleted_ns = a.updated_ns;
        seed.alerts.push_back(a);
    }
    // updatedAt is strictly increasing across all alerts: seeded alerts raised at the same moment
    // are a nanosecond apart, in seed order.
    std::vector<Alert*> by_time;
    for (auto& a : seed.alerts) by_time.push_back(&a);
    std::stable_sort(by_time.begin(), by_time.end(), [](const Alert* x, const Alert* y) { return x->updated_ns < y->updated_ns; });
    for (std::size_t i = 1; i < by_time.size(); ++i) {
        if (by_time[i]->updated_ns > by_time[i - 1]->updated_ns) continue;
        const std::int64_t shift = by_time[i - 1]->updated_ns + 1 - by_time[i]->updated_ns;
        by_time[i]->created_ns += shift;
        by_time[i]->received_ns += shift;
        by_time[i]->updated_ns += shift;
        if (by_time[i]->deleted_ns) by_time[i]->deleted_ns = by_time[i]->updated_ns;
    }
    return seed;
}

std::vector<Lookup> parse_lookups(const Object::Ptr& root, const std::string& key, const std::string& base,
                                  const std::set<std::string>& extra) {
    std::vector<Lookup> lookups;
    auto items = array_optional(root, key, base + "." + key);
    std::set<long long> ids;
    std::set<std::string> names;
    std::set<std::string> allowed = {"Id", "Name"};
    allowed.insert(extra.begin(), extra.end());
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string path = at(base + "." + key, i);
        auto o = object_at(items, i, base + "." + key);
        check_keys(o, allowed, path);
        Lookup l;
        l.id = int_required(o, "Id", path + ".Id");
        if (!ids.insert(l.id).second) throw SeedError(path + ".Id: duplicate id " + std::to_string(l.id));
        l.name = string_required(o, "Name", path + ".Name");
        if (Poco::trim(l.name).empty()) throw SeedError(path + ".Name: must not be empty");
        l.closed = bool_optional(o, "IsClosed", path + ".IsClosed").value_or(false);
        l.is_default = bool_optional(o, "IsDefault", path + ".IsDefault").value_or(false);
        lookups.push_back(l);
    }
    return lookups;
}

PsaSeed parse_psa(const Object::Ptr& root) {
    PsaSeed seed;
    const std::string base = "psa";
    check_keys(root, {"api_keys", "customers", "contacts", "links", "ticket_types", "ticket_categories",
                      "ticket_statuses", "teams"},
               base);
    auto keys = array_optional(root, "api_keys", base + ".api_keys");
    if (keys->size() == 0) throw SeedError(base + ".api_keys: at least one API key is needed");
    for (std::size_t i = 0; i < keys->size(); ++i) {
        const auto value = keys->get(static_cast<unsigned>(i));
        if (!value.isString() || value.extract<std::string>().empty())
            throw SeedError(at(base + ".api_keys", i) + ": must be a non-empty string");
        seed.api_keys.push_back(value.extract<std::string>());
    }

    std::set<long long> customer_ids;
    auto customers = array_optional(root, "customers", base + ".customers");
    for (std::size_t i = 0; i < customers->size(); ++i) {
        const std::string path = at(base + ".customers", i);
        auto o = object_at(customers, i, base + ".customers");
        check_keys(o, {"Id", "CompanyName", "AccountID", "Status"}, path);
        Customer c;
        c.id = int_required(o, "Id", path + ".Id");
        if (!customer_ids.insert(c.id).second) throw SeedError(path + ".Id: duplicate customer id " + std::to_string(c.id));
        c.name = string_required(o, "CompanyName", path + ".CompanyName");
        if (Poco::trim(c.name).empty()) throw SeedError(path + ".CompanyName: must not be empty");
        c.account_id = string_optional(o, "AccountID", path + ".AccountID").value_or("CUST-" + std::to_string(c.id));
        c.status = string_optional(o, "Status", path + ".Status").value_or("Active");
        seed.customers.push_back(c);
    }

    auto contacts = array_optional(root, "contacts", base + ".contacts");
    for (std::size_t i = 0; i < contacts->size(); ++i) {
        const std::string path = at(base + ".contacts", i);
        auto o = object_at(contacts, i, base + ".contacts");
        check_keys(o, {"CustomerId", "FirstName", "LastName", "Email", "IsPrimary"}, path);
        PsaContact c;
        c.customer_id = int_required(o, "CustomerId", path + ".CustomerId");
        if (!customer_ids.count(c.customer_id))
            throw SeedError(path + ".CustomerId: unknown customer " + std::to_string(c.customer_id));
        c.first_name = string_optional(o, "FirstName", path + ".FirstName").value_or("");
        c.last_name = string_optional(o, "LastName", path + ".LastName").value_or("");
        c.email = string_optional(o, "Email", path + ".Email").value_or("");
        c.primary = bool_optional(o, "IsPrimary", path + ".IsPrimary").value_or(false);
        seed.contacts.push_back(c);
    }

    auto links = array_optional(root, "links", base + ".links");
    for (std::size_t i = 0; i < links->size(); ++i) {
        const std::string path = at(base + ".links", i);
        auto o = object_at(links, i, base + ".links");
        check_keys(o, {"CustomerId", "ExternalSystem", "ExternalId", "ExternalCustomerName"}, path);
        ExternalLink l;
        l.customer_id = int_required(o, "CustomerId", path + ".CustomerId");
        if (!customer_ids.count(l.customer_id))
            throw SeedError(path + ".CustomerId: unknown customer " + std::to_string(l.customer_id));
        l.system = string_required(o, "ExternalSystem", path + ".ExternalSystem");
        l.external_id = string_required(o, "ExternalId", path + ".ExternalId");
        std::string name;
        for (const auto& c : seed.customers)
            if (c.id == l.customer_id) name = c.name;
        l.external_name = string_optional(o, "ExternalCustomerName", path + ".ExternalCustomerName").value_or(name);
        seed.links.push_back(l);
    }

    seed.ticket_types = parse_lookups(root, "ticket_types", base, {});
    seed.teams = parse_lookups(root, "teams", base, {});
    seed.ticket_statuses = parse_lookups(root, "ticket_statuses", base, {"IsClosed", "IsDefault"});
    int defaults = 0;
    for (const auto& s : seed.ticket_statuses) defaults += s.is_default ? 1 : 0;
    if (defaults != 1) throw SeedError(base + ".ticket_statuses: exactly one status must have IsDefault true");

    auto categories = array_optional(root, "ticket_categories", base + ".ticket_categories");
    std::set<long long> category_ids;
    for (std::size_t i = 0; i < categories->size(); ++i) {
        const std::string path = at(base + ".ticket_categories", i);
        auto o = object_at(categories, i, base + ".ticket_categories");
        check_keys(o, {"Id", "Name", "TicketType"}, path);
        Lookup l;
        l.id = int_required(o, "Id", path + ".Id");
        if (!category_ids.insert(l.id).second) throw SeedError(path + ".Id: duplicate id " + std::to_string(l.id));
        l.name = string_required(o, "Name", path + ".Name");
        const std::string type = string_required(o, "TicketType", path + ".TicketType");
        bool found = false;
        for (const auto& t : seed.ticket_types)
            if (Poco::icompare(t.name, type) == 0) {
                l.type_id = t.id;
                found = true;
            }
        if (!found) throw SeedError(path + ".TicketType: unknown ticket type '" + type + "'");
        seed.ticket_categories.push_back(l);
    }
    return seed;
}

}  // namespace

Seed parse_seed(const std::string& json_text) {
    Object::Ptr root;
    try {
        root = parse_object(json_text, "seed");
        for (const auto& [key, value] : *root) {
            (void)value;
            if (key != "acronis" && key != "psa") throw SeedError(key + ": unknown field (expected acronis and psa)");
        }
        auto acronis = object_optional(root, "acronis", "acronis");
        auto psa = object_optional(root, "psa", "psa");
        if (!acronis) throw SeedError("acronis: is required");
        if (!psa) throw SeedError("psa: is required");
        Seed seed;
        seed.acronis = parse_acronis(acronis);
        seed.psa = parse_psa(psa);
        return seed;
    } catch (const JsonShapeError& e) {
        throw SeedError(e.what());
    } catch (const Poco::Exception& e) {
        throw SeedError("seed: " + e.displayText());
    }
}

Seed load_seed_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SeedError(path + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return parse_seed(text.str());
    } catch (const SeedError& e) {
        throw SeedError(path + ": " + e.what());
    }
}

}  // namespace emulator
