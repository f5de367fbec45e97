#include "acpsa/core/psa_catalog.hpp"

#include "acpsa/core/store.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace acpsa::core {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

/// The settings section the catalog is cached in (the ticketing module's name for it, kept so that
/// a state database written by an earlier build still reads).
const char* kCatalogSection = "ticketing.psa_options";

Array::Ptr to_array(const std::vector<std::string>& items) {
    Array::Ptr array = new Array;
    for (const auto& item : items) array->add(item);
    return array;
}

std::vector<std::string> from_array(const Var& value) {
    std::vector<std::string> items;
    if (value.type() != typeid(Array::Ptr)) return items;
    auto array = value.extract<Array::Ptr>();
    for (std::size_t i = 0; i < array->size(); ++i) items.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    return items;
}

bool same_name(const std::string& a, const std::string& b) { return Poco::icompare(Poco::trim(a), Poco::trim(b)) == 0; }

}  // namespace

std::optional<std::string> PsaCatalog::spelled(const std::vector<std::string>& list, const std::string& name) {
    for (const auto& item : list)
        if (same_name(item, name)) return item;
    return std::nullopt;
}

std::optional<std::string> PsaCatalog::status(const std::string& name) const {
    for (const auto& s : statuses)
        if (same_name(s.name, name)) return s.name;
    return std::nullopt;
}

bool PsaCatalog::is_closed(const std::string& name) const {
    for (const auto& s : statuses)
        if (same_name(s.name, name)) return s.closed;
    return false;
}

std::string PsaCatalog::default_status() const {
    for (const auto& s : statuses)
        if (s.is_default) return s.name;
    return "New";
}

std::string PsaCatalog::default_close_status() const {
    if (auto fixed = status("Fixed")) return *fixed;
    for (const auto& s : statuses)
        if (s.closed) return s.name;
    return "Fixed";
}

Object::Ptr PsaCatalog::lists_json() const {
    Object::Ptr root = new Object;
    root->set("types", to_array(types));
    root->set("teams", to_array(teams));
    Object::Ptr by_type = new Object;
    for (const auto& [type, list] : categories) by_type->set(type, to_array(list));
    root->set("categories", by_type);
    Array::Ptr status_items = new Array;
    for (const auto& s : statuses) {
        Object::Ptr item = new Object;
        item->set("name", s.name);
        item->set("closed", s.closed);
        item->set("default", s.is_default);
        status_items->add(item);
    }
    root->set("statuses", status_items);
    return root;
}

std::string effective_close_status(const std::optional<std::string>& chosen, const std::optional<PsaCatalog>& catalog) {
    if (chosen) return *chosen;
    return catalog ? catalog->default_close_status() : "Fixed";
}

std::string effective_reopen_status(const std::optional<std::string>& chosen, const std::optional<PsaCatalog>& catalog) {
    if (chosen) return *chosen;
    return catalog ? catalog->default_status() : "New";
}

bool closes_ticket(const std::string& status, const std::string& close_status, const std::optional<PsaCatalog>& catalog) {
    return (catalog && catalog->is_closed(status)) || same_name(status, close_status);
}

std::optional<PsaCatalog> load_psa_catalog(const Store& store) {
    auto stored = store.settings(kCatalogSection);
    if (!stored->has("fetched_ns")) return std::nullopt;
    try {
        PsaCatalog c;
        c.fetched_ns = stored->getValue<std::int64_t>("fetched_ns");
        c.types = from_array(stored->get("types"));
        c.teams = from_array(stored->get("teams"));
        if (auto categories = stored->getObject("categories"))
            for (const auto& [type, list] : *categories) c.categories[type] = from_array(list);
        if (auto statuses = stored->getArray("statuses"))
            for (std::size_t i = 0; i < statuses->size(); ++i) {
                auto s = statuses->getObject(static_cast<unsigned>(i));
                if (!s) throw std::runtime_error("a status is not an object");
                c.statuses.push_back({s->getValue<std::string>("name"), s->getValue<bool>("closed"), s->getValue<bool>("default")});
            }
        return c;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error(std::string("state database: the cached PSA lists are malformed: ") + e.displayText());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("state database: the cached PSA lists are malformed: ") + e.what());
    }
}

void save_psa_catalog(Store& store, const PsaCatalog& catalog) {
    Object::Ptr stored = catalog.lists_json();
    stored->set("fetched_ns", catalog.fetched_ns);
    store.put_settings(kCatalogSection, stored);
}

}  // namespace acpsa::core
