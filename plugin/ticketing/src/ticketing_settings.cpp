#include "ticketing_settings.hpp"

#include "acpsa/core/errors.hpp"
#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/cycle.hpp"
#include "acpsa/core/json_read.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <set>

namespace acpsa::ticketing {

using hostsdk::ApiError;
using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const char* kSettings = "ticketing";
const char* kTypes = "ticketing.alert_types";

}  // namespace

TicketingConfig::TicketingConfig(core::Store& store, core::PsaApi& psa, core::AcronisApi& acronis,
                                 const hostsdk::Clock& clock, std::chrono::seconds ttl)
    : store_(store), psa_(psa), acronis_(acronis), clock_(clock), ttl_(ttl) {}

std::int64_t TicketingConfig::now_ns() const { return core::now_ns(clock_); }

std::optional<PsaOptions> TicketingConfig::cached_options() const { return core::load_psa_catalog(store_); }

void TicketingConfig::save_options(const PsaOptions& o) { core::save_psa_catalog(store_, o); }

PsaOptions TicketingConfig::options(bool allow_refresh) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto cached = cached_options();
    const bool fresh = cached && now_ns() - cached->fetched_ns < static_cast<std::int64_t>(ttl_.count()) * 1000000000LL;
    if (fresh || (!allow_refresh && cached)) return *cached;
    try {
        PsaOptions o;
        for (const auto& t : psa_.ticket_types()) o.types.push_back(t.name);
        for (const auto& type : o.types)
            for (const auto& c : psa_.ticket_categories(type)) o.categories[type].push_back(c.name);
        for (const auto& t : psa_.teams()) o.teams.push_back(t.name);
        for (const auto& s : psa_.ticket_statuses()) o.statuses.push_back({s.name, s.closed, s.is_default});
        o.fetched_ns = now_ns();
        save_options(o);
        return o;
    } catch (const core::UpstreamError& e) {
        if (cached) {
            cached->stale = true;
            return *cached;
        }
        throw ApiError::unavailable("the PSA's ticket lists were never fetched and the PSA cannot be read now: " +
                                    std::string(e.what()));
    }
}

TicketingSettings TicketingConfig::settings() const {
    auto stored = store_.settings(kSettings);
    TicketingSettings s;
    s.ticket_creation = stored->optValue<bool>("ticket_creation", false);
    if (auto close = stored->getObject("auto_close")) {
        s.auto_close = close->optValue<bool>("enabled", false);
        if (close->has("status") && !close->isNull("status")) s.close_status = close->getValue<std::string>("status");
    }
    if (auto reopen = stored->getObject("auto_reopen")) {
        s.auto_reopen = reopen->optValue<bool>("enabled", false);
        s.reopen_days = reopen->optValue<int>("days", 1);
        if (reopen->has("status") && !reopen->isNull("status")) s.reopen_status = reopen->getValue<std::string>("status");
    }
    return s;
}

std::string TicketingConfig::close_status(const TicketingSettings& s, const std::optional<PsaOptions>& o) const {
    return core::effective_close_status(s.close_status, o);
}

std::string TicketingConfig::reopen_status(const TicketingSettings& s, const std::optional<PsaOptions>& o) const {
    return core::effective_reopen_status(s.reopen_status, o);
}

Object::Ptr TicketingConfig::settings_view() {
    const auto s = settings();
    std::optional<PsaOptions> o = cached_options();
    if (!o) {
        try {
            o = options();
        } catch (const ApiError&) {
            // The defaults below do without the PSA's lists.
        }
    }
    Object::Ptr close = new Object;
    close->set("enabled", s.auto_close);
    close->set("status", close_status(s, o));
    Object::Ptr reopen = new Object;
    reopen->set("enabled", s.auto_reopen);
    reopen->set("days", s.reopen_days);
    reopen->set("status", reopen_status(s, o));
    Object::Ptr view = new Object;
    view->set("ticket_creation", s.ticket_creation);
    view->set("auto_close", close);
    view->set("auto_reopen", reopen);
    return view;
}

std::vector<std::string> TicketingConfig::update_settings(const Object::Ptr& patch) {
    std::lock_guard<std::mutex> one_update(update_mutex_);  // two concurrent PUTs must not lose one
    TicketingSettings s = settings();
    std::vector<std::string> changed;
    std::optional<PsaOptions> o;
    auto check_status = [&](const std::string& field, const std::string& name) -> std::string {
        if (!o) o = options();
        auto spelled = o->status(name);
        if (!spelled) throw ApiError::invalid_value(field, "'" + name + "' is not a status of the PSA");
        return *spelled;
    };
    for (const auto& [key, value] : *patch) {
        if (key == "ticket_creation") {
            s.ticket_creation = hostsdk::patch::boolean(value, key);
        } else if (key == "auto_close") {
            for (const auto& [inner, v] : *hostsdk::patch::object(value, key)) {
                const std::string field = "auto_close." + inner;
                if (inner == "enabled") s.auto_close = hostsdk::patch::boolean(v, field);
                else if (inner == "status") s.close_status = check_status(field, hostsdk::patch::string(v, field));
                else hostsdk::patch::unknown(field);
            }
        } else if (key == "auto_reopen") {
            for (const auto& [inner, v] : *hostsdk::patch::object(value, key)) {
                const std::string field = "auto_reopen." + inner;
                if (inner == "enabled") s.auto_reopen = hostsdk::patch::boolean(v, field);
                else if (inner == "days") s.reopen_days = static_cast<int>(hostsdk::patch::integer(v, field, 1, 365));
                else if (inner == "status") s.reopen_status = check_status(field, hostsdk::patch::string(v, field));
                else hostsdk::patch::unknown(field);
            }
        } else {
            hostsdk::patch::unknown(key);
        }
        changed.push_back(key);
    }
    Object::Ptr stored = new Object;
    stored->set("ticket_creation", s.ticket_creation);
    Object::Ptr close = new Object;
    close->set("enabled", s.auto_close);
    close->set("status", s.close_status ? Var(*s.close_status) : hostsdk::json_null());
    stored->set("auto_close", close);
    Object::Ptr reopen = new Object;
    reopen->set("enabled", s.auto_reopen);
    reopen->set("days", s.reopen_days);
    reopen->set("status", s.reopen_status ? Var(*s.reopen_status) : hostsdk::json_null());
    stored->set("auto_reopen", reopen);
    store_.put_settings(kSettings, stored);
    return changed;
}

std::vector<AlertTypeRow> TicketingConfig::alert_types() {
    // The type list: Acronis' own (cached for the TTL), with the embedded table's names; the
    // table alone when Acronis was never reached.
    std::vector<core::AlertType> types;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto cached = store_.settings(kTypes);
        const bool fresh = cached->has("fetched_ns") &&
                           now_ns() - cached->getValue<std::int64_t>("fetched_ns") < static_cast<std::int64_t>(ttl_.count()) * 1000000000LL;
        if (!fresh) {
            try {
                Object::Ptr stored = new Object;
                Array::Ptr list = new Array;
                for (const auto& t : acronis_.list_alert_types()) {
                    Object::Ptr item = new Object;
                    item->set("id", t.id);
                    item->set("category", t.category);
                    list->add(item);
                }
                stored->set("fetched_ns", now_ns());
                stored->set("types", list);
                store_.put_settings(kTypes, stored);
                cached = stored;
            } catch (const core::UpstreamError&) {
                // served from the cache or the table
            }
        }
        if (auto list = cached->getArray("types"))
            for (std::size_t i = 0; i < list->size(); ++i) {
                auto item = list->getObject(static_cast<unsigned>(i));
                types.push_back({item->getValue<std::string>("id"), item->optValue<std::string>("category", ""), "", true});
            }
    }
    std::set<std::string> seen;
    for (const auto& t : types) seen.insert(t.id);
    for (const auto& known : core::known_alert_types())
        if (!seen.count(known.id)) types.push_back({known.id, known.category, "", true});

    std::vector<AlertTypeRow> rows;
    for (const auto& t : types) {
        AlertTypeRow row;
        row.type = t.id;
        row.name = core::alert_type_name(t.id);
        row.category = t.category;
        row.rule = store_.alert_rule(t.id).value_or(core::AlertRule{t.id, false, std::nullopt, std::nullopt, std::nullopt});
        rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end(), [](const AlertTypeRow& a, const AlertTypeRow& b) { return a.name < b.name; });
    return rows;
}

AlertTypeRow TicketingConfig::update_alert_type(const std::string& type, const Object::Ptr& patch) {
    auto rows = alert_types();
    auto row = std::find_if(rows.begin(), rows.end(), [&](const AlertTypeRow& r) { return r.type == type; });
    if (row == rows.end()) throw ApiError::not_found("unknown alert type " + type);
    core::AlertRule rule = row->rule;
    std::optional<PsaOptions> o;
    auto lists = [&]() -> PsaOptions& {
        if (!o) o = options();
        return *o;
    };
    std::optional<std::string> type_name, category_name, team_name;
    for (const auto& [key, value] : *patch) {
        if (key == "enabled") rule.enabled = hostsdk::patch::boolean(value, key);
        else if (key == "ticket_type") type_name = hostsdk::patch::string(value, key);
        else if (key == "ticket_category") category_name = hostsdk::patch::string(value, key);
        else if (key == "team") team_name = hostsdk::patch::string(value, key);
        else throw ApiError::invalid_value(key, "unknown field '" + key + "'");
    }
    if (type_name) {
        auto spelled = PsaOptions::spelled(lists().types, *type_name);
        if (!spelled) throw ApiError::invalid_value("ticket_type", "'" + *type_name + "' is not a ticket type of the PSA");
        rule.ticket_type = spelled;
    }
    if (category_name || (type_name && rule.ticket_category)) {
        const std::string category = category_name ? *category_name : *rule.ticket_category;
        if (!rule.ticket_type) throw ApiError::invalid_value("ticket_type", "set ticket_type before ticket_category");
        auto spelled = PsaOptions::spelled(lists().categories[*rule.ticket_type], category);
        if (!spelled)
            throw ApiError::invalid_value("ticket_category", "'" + category + "' is not a category of ticket type '" +
                                                                 *rule.ticket_type + "'");
        rule.ticket_category = spelled;
    }
    if (team_name) {
        auto spelled = PsaOptions::spelled(lists().teams, *team_name);
        if (!spelled) throw ApiError::invalid_value("team", "'" + *team_name + "' is not a team of the PSA");
        rule.team = spelled;
    }
    if (rule.enabled) {
        for (const auto& [field, value] : {std::make_pair("ticket_type", rule.ticket_type),
                                           std::make_pair("ticket_category", rule.ticket_category), std::make_pair("team", rule.team)})
            if (!value) throw ApiError::invalid_value(field, std::string("enabling needs ") + field);
    }
    rule.alert_type = type;
    store_.put_alert_rule(rule);
    row->rule = rule;
    return *row;
}

}  // namespace acpsa::ticketing
