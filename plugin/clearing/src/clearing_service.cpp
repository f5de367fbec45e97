#include "clearing_service.hpp"

#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/json_read.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace acpsa::clearing {

using hostsdk::ApiError;

namespace {
const char* kSection = "clearing";
const char* kWatermark = "clearing.tickets_watermark";
const char* kTicketingOptions = "ticketing.psa_options";  // written by the ticketing module
}  // namespace

ClearingService::ClearingService(core::Store& store, core::AcronisClient& acronis, core::PsaClient& psa,
                                 hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), context_(context) {}

std::int64_t ClearingService::now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(context_.clock().now().time_since_epoch()).count();
}

ClearingService::Statuses ClearingService::statuses(bool allow_fetch) {
    Statuses known;
    auto cached = store_.settings(kTicketingOptions);
    if (auto list = cached->getArray("statuses")) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto s = list->getObject(static_cast<unsigned>(i));
            known.all.push_back(s->getValue<std::string>("name"));
            if (s->optValue<bool>("closed", false)) known.closed.insert(Poco::toLower(known.all.back()));
        }
    } else if (allow_fetch) {
        for (const auto& s : psa_.ticket_statuses()) {
            known.all.push_back(s.name);
            if (s.closed) known.closed.insert(Poco::toLower(s.name));
        }
    }
    known.default_close = "Fixed";
    bool fixed = false;
    for (const auto& name : known.all) fixed = fixed || Poco::icompare(name, "Fixed") == 0;
    if (!fixed)
        for (const auto& name : known.all)
            if (known.closed.count(Poco::toLower(name))) {
                known.default_close = name;
                break;
            }
    return known;
}

ClearingSettings ClearingService::settings() const {
    ClearingSettings s;
    auto stored = store_.settings(kSection);
    if (auto clear = stored->getObject("auto_clear")) {
        s.enabled = clear->optValue<bool>("enabled", false);
        if (clear->has("status") && !clear->isNull("status")) s.status = clear->getValue<std::string>("status");
    }
    return s;
}

std::string ClearingService::chosen_status(const ClearingSettings& s, const std::optional<Statuses>& known) {
    if (s.status) return *s.status;
    return known ? known->default_close : "Fixed";
}

Poco::JSON::Object::Ptr ClearingService::settings_view() {
    const auto s = settings();
    std::optional<Statuses> known;
    try {
        known = statuses(true);
    } catch (const core::UpstreamError&) {
        // the default below does without the PSA
    }
    Poco::JSON::Object::Ptr clear = new Poco::JSON::Object;
    clear->set("enabled", s.enabled);
    clear->set("status", chosen_status(s, known));
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("auto_clear", clear);
    return root;
}

Poco::JSON::Object::Ptr ClearingService::update_settings(const Poco::JSON::Object::Ptr& patch) {
    std::lock_guard<std::mutex> lock(settings_mutex_);
    ClearingSettings s = settings();
    std::vector<std::string> changed;
    for (const auto& [key, value] : *patch) {
        if (key != "auto_clear") throw ApiError::invalid_value(key, "unknown setting '" + key + "'");
        if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError::invalid_type(key, "auto_clear must be an object");
        auto clear = value.extract<Poco::JSON::Object::Ptr>();
        for (const auto& [inner, v] : *clear) {
            if (inner == "enabled") {
                if (!v.isBoolean()) throw ApiError::invalid_type("auto_clear.enabled", "auto_clear.enabled must be true or false");
                s.enabled = v.extract<bool>();
            } else if (inner == "status") {
                if (!v.isString()) throw ApiError::invalid_type("auto_clear.status", "auto_clear.status must be a string");
                Statuses known;
                try {
                    known = statuses(true);
                } catch (const core::UpstreamError& e) {
                    throw ApiError::upstream(std::string("cannot read the PSA's statuses: ") + e.what());
                }
                std::optional<std::string> spelled;
                for (const auto& name : known.all)
                    if (Poco::icompare(Poco::trim(name), Poco::trim(v.extract<std::string>())) == 0) spelled = name;
                if (!spelled)
                    throw ApiError::invalid_value("auto_clear.status", "'" + v.extract<std::string>() + "' is not a status of the PSA");
                s.status = spelled;
            } else {
                throw ApiError::invalid_value("auto_clear." + inner, "unknown setting 'auto_clear." + inner + "'");
            }
            changed.push_back("auto_clear." + inner);
        }
    }
    Poco::JSON::Object::Ptr clear = new Poco::JSON::Object;
    clear->set("enabled", s.enabled);
    clear->set("status", s.status ? Poco::Dynamic::Var(*s.status) : hostsdk::json_null());
    Poco::JSON::Object::Ptr stored = new Poco::JSON::Object;
    stored->set("auto_clear", clear);
    store_.put_settings(kSection, stored);
    if (!changed.empty())
        context_.activity().record({"settings_changed", "ok",
                                    "clearing settings changed: " + Poco::cat(std::string(", "), changed.begin(), changed.end()), {}});
    return settings_view();
}

bool ClearingService::observe(const core::TicketRow& row, const ClearingSettings& s, const std::string& chosen,
                              std::optional<Statuses>& known) {
    auto guard = core::lock_links();  // the ticketing module writes links too
    auto link = store_.link_for_ticket(row.ref, row.id);
    if (!link || row.status.empty()) return false;  // only tickets the integration created
    if (link->ticket_status && Poco::icompare(*link->ticket_status, row.status) == 0) return false;  // seen before
    // Links of unlinked customers are left alone.
    const auto mapping = store_.mapping(link->psa_customer_id);
    if (!mapping || mapping->state != "mapped" || mapping->tenant_id != link->tenant_id) return false;

    std::map<std::string, std::string> subjects = {{"alert_id", link->alert_id},
                                                   {"tenant_id", link->tenant_id},
                                                   {"psa_customer_id", link->psa_customer_id},
                                                   {"ticket_ref", link->ticket_ref.value_or(row.ref)}};
    // The chosen status clears the alert first: should the dismiss fail, nothing is recorded and
    // the next cycle sees the same change again.
    if (s.enabled && Poco::icompare(row.status, chosen) == 0 && link->alert_state == "active") {
        bool dismissed = false;
        std::optional<std::string> refused;
        try {
            dismissed = acronis_.dismiss_alert(link->alert_id);
        } catch (const core::AuthenticationError&) {
            throw;
        } catch (const core::UpstreamError& e) {
            // Transient or unknown: the next cycle sees the same change again. Refused for good
            // (e.g. a self-service tenant's 403): recorded, and the rows after it still count.
            if (e.transient() || dynamic_cast<const core::OutcomeUnknownError*>(&e)) throw;
            refused = e.what();
        }
        if (refused) {
            context_.activity().record({"alert_cleared", "failed",
                                        core::alert_type_name(link->alert_type) + " not cleared in Acronis (ticket #" +
                                            link->ticket_ref.value_or(row.ref) + " set to " + row.status + "): " + *refused,
                                        subjects});
        } else {
            link->alert_state = "cleared";
            context_.activity().record({"alert_cleared", "ok",
                                        core::alert_type_name(link->alert_type) + " cleared in Acronis: ticket #" +
                                            link->ticket_ref.value_or(row.ref) + " set to " + row.status +
                                            (dismissed ? "" : " (the alert was already gone)"),
                                        subjects});
        }
    }
    if (!known) known = statuses(false);
    const bool closed = known->closed.count(Poco::toLower(row.status)) > 0 || Poco::icompare(row.status, chosen) == 0;
    const auto now = now_ns();
    const std::string before = link->ticket_status.value_or("?");
    link->ticket_status = row.status;
    if (closed && !link->closed_seen_ns) link->closed_seen_ns = now;  // the reopen window starts here
    if (!closed && link->state == "open") link->closed_seen_ns.reset();  // reopened by a technician
    store_.update_link(*link);
    store_.record_ticket_status(link->id, row.status, closed, now);
    context_.activity().record({"ticket_status_seen", "ok",
                                "ticket #" + link->ticket_ref.value_or(row.ref) + ": " + before + " → " + row.status, subjects});
    return true;
}

hostsdk::RunResult ClearingService::run_cycle() {
    const auto acronis_before = acronis_.api_calls();
    const auto psa_before = psa_.api_calls();
    auto calls = [&] { return (acronis_.api_calls() - acronis_before) + (psa_.api_calls() - psa_before); };
    std::size_t changes = 0;
    try {
        const ClearingSettings s = settings();
        std::optional<Statuses> known;
        const std::string chosen = chosen_status(s, statuses(false));
        std::vector<core::TicketRow> rows;
        std::int64_t watermark = 0;
        std::int64_t read_started = 0;
        const bool date_mode = psa_.settings().date_mode();
        if (date_mode) {
            const auto stored = store_.cursor_ns(kWatermark);
            watermark = stored ? *stored : now_ns();
            if (!stored) store_.put_cursor(kWatermark, std::to_string(watermark));
            read_started = now_ns();
            rows = psa_.tickets_changed_since(watermark);
        } else {
            std::vector<std::string> refs;
            for (const auto& link : store_.links_in_states({"open"}))
                if (link.ticket_ref) refs.push_back(*link.ticket_ref);
            if (!refs.empty()) rows = psa_.tickets_snapshot(refs);
        }
        std::int64_t newest = watermark;
        for (const auto& row : rows) {
            if (observe(row, s, chosen, known)) ++changes;
            if (row.updated_ns) newest = std::max(newest, *row.updated_ns);
        }
        // Every row up to `newest` is handled: the date watermark moves, but never past when the
        // read began: a ticket updated during it can shift the pages and be skipped, and the next
        // read (from the watermark minus the overlap) must reach back to it.
        newest = std::min(newest, read_started);
        if (date_mode && newest > watermark) store_.put_cursor(kWatermark, std::to_string(newest));
        return hostsdk::RunResult::make_ok(std::to_string(rows.size()) + " tickets read, " + std::to_string(changes) +
                                               " status changes",
                                           changes, calls());
    } catch (const core::StoppedError&) {
        return hostsdk::RunResult::make_retry("stopped", changes, calls());
    } catch (const core::AuthenticationError& e) {
        return hostsdk::RunResult::make_failed(e.what(), changes, calls());
    } catch (const core::UpstreamError& e) {
        return e.transient() ? hostsdk::RunResult::make_retry(e.what(), changes, calls())
                             : hostsdk::RunResult::make_failed(e.what(), changes, calls());
    } catch (const std::exception& e) {
        return hostsdk::RunResult::make_failed(std::string("clearing cycle failed: ") + e.what(), changes, calls());
    }
}

}  // namespace acpsa::clearing
