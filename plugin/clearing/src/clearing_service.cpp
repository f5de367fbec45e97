#include "clearing_service.hpp"

#include "acpsa/core/errors.hpp"
#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/cycle.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace acpsa::clearing {

using hostsdk::ApiError;

namespace {
const char* kSection = "clearing";
const char* kWatermark = "clearing.tickets_watermark";
}  // namespace

ClearingService::ClearingService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa,
                                 hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), context_(context) {}

std::optional<core::PsaCatalog> ClearingService::catalog(bool allow_fetch) {
    if (auto cached = core::load_psa_catalog(store_)) return cached;
    if (!allow_fetch) return std::nullopt;
    core::PsaCatalog fetched;
    for (const auto& s : psa_.ticket_statuses()) fetched.statuses.push_back({s.name, s.closed, s.is_default});
    return fetched;
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

Poco::JSON::Object::Ptr ClearingService::settings_view() {
    const auto s = settings();
    std::optional<core::PsaCatalog> known;
    try {
        known = catalog(true);
    } catch (const core::UpstreamError&) {
        // the default below does without the PSA
    }
    Poco::JSON::Object::Ptr clear = new Poco::JSON::Object;
    clear->set("enabled", s.enabled);
    clear->set("status", core::effective_close_status(s.status, known));
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("auto_clear", clear);
    return root;
}

Poco::JSON::Object::Ptr ClearingService::update_settings(const Poco::JSON::Object::Ptr& patch) {
    std::lock_guard<std::mutex> lock(settings_mutex_);
    ClearingSettings s = settings();
    std::vector<std::string> changed;
    for (const auto& [key, value] : *patch) {
        if (key != "auto_clear") hostsdk::patch::unknown(key);
        for (const auto& [inner, v] : *hostsdk::patch::object(value, key)) {
            const std::string field = "auto_clear." + inner;
            if (inner == "enabled") {
                s.enabled = hostsdk::patch::boolean(v, field);
            } else if (inner == "status") {
                const std::string wanted = hostsdk::patch::string(v, field);
                std::optional<core::PsaCatalog> known;
                try {
                    known = catalog(true);
                } catch (const core::UpstreamError& e) {
                    throw ApiError::upstream(std::string("cannot read the PSA's statuses: ") + e.what());
                }
                const auto spelled = known->status(wanted);
                if (!spelled) throw ApiError::invalid_value(field, "'" + wanted + "' is not a status of the PSA");
                s.status = spelled;
            } else {
                hostsdk::patch::unknown(field);
            }
            changed.push_back(field);
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

bool ClearingService::clear_alert(const core::TicketLink& link, const core::TicketRow& row,
                                  const std::map<std::string, std::string>& subjects) {
    bool dismissed = false;
    std::optional<std::string> refused;
    try {
        dismissed = acronis_.dismiss_alert(link.alert_id);
    } catch (const core::AuthenticationError&) {
        throw;
    } catch (const core::UpstreamError& e) {
        // Transient or unknown: the next cycle sees the same change again. Refused for good (e.g. a
        // self-service tenant's 403): recorded, and the rows after it still count.
        if (e.transient() || dynamic_cast<const core::OutcomeUnknownError*>(&e)) throw;
        refused = e.what();
    }
    const std::string ticket = "ticket #" + link.ticket_ref.value_or(row.ref) + " set to " + row.status;
    if (refused) {
        context_.activity().record({"alert_cleared", "failed",
                                    core::alert_type_name(link.alert_type) + " not cleared in Acronis (" + ticket + "): " + *refused,
                                    subjects});
        return false;
    }
    context_.activity().record({"alert_cleared", "ok",
                                core::alert_type_name(link.alert_type) + " cleared in Acronis: " + ticket +
                                    (dismissed ? "" : " (the alert was already gone)"),
                                subjects});
    return true;
}

bool ClearingService::observe(const core::TicketRow& row, const ClearingSettings& s, const std::string& chosen,
                              const std::optional<core::PsaCatalog>& known) {
    auto link = store_.link_for_ticket(row.ref, row.id);
    if (!link) return false;  // only tickets the integration created
    const auto mapping = store_.mapping(link->psa_customer_id);
    const bool linked = mapping && mapping->state == core::MappingState::mapped && mapping->tenant_id == link->tenant_id;
    const RowVerdict verdict = judge_row(*link, row.status, linked, s, chosen);
    if (verdict == RowVerdict::ignore) return false;

    const std::map<std::string, std::string> subjects = {{"alert_id", link->alert_id},
                                                         {"tenant_id", link->tenant_id},
                                                         {"psa_customer_id", link->psa_customer_id},
                                                         {"ticket_ref", link->ticket_ref.value_or(row.ref)}};
    // The chosen status clears the alert first: should the dismiss fail, nothing is recorded and
    // the next cycle sees the same change again.
    const bool alert_cleared = verdict == RowVerdict::clear_alert && clear_alert(*link, row, subjects);
    const auto now = core::now_ns(context_.clock());
    const std::string before = link->ticket_status.value_or("?");
    bool closed = false;
    // Merged into the link as stored now: the ticketing module may have written it since it was
    // read, and a dismiss already made must be recorded, not judged again.
    store_.merge_link(*link, [&](core::TicketLink& l) {
        if (alert_cleared) l.alert_state = core::AlertState::cleared;
        closed = record_status(l, row.status, chosen, known, now);
    });
    store_.record_ticket_status(link->id, row.status, closed, now);
    context_.activity().record({"ticket_status_seen", "ok",
                                "ticket #" + link->ticket_ref.value_or(row.ref) + ": " + before + " → " + row.status, subjects});
    return true;
}

std::vector<core::TicketRow> ClearingService::read_rows(std::int64_t& watermark, std::int64_t& read_started) {
    if (psa_.settings().date_mode()) {
        const auto stored = store_.cursor_ns(kWatermark);
        watermark = stored ? *stored : core::now_ns(context_.clock());
        if (!stored) store_.put_cursor(kWatermark, std::to_string(watermark));
        read_started = core::now_ns(context_.clock());
        return psa_.tickets_changed_since(watermark);
    }
    std::vector<std::string> refs;
    for (const auto& link : store_.links_in_states({core::LinkState::open}))
        if (link.ticket_ref) refs.push_back(*link.ticket_ref);
    if (refs.empty()) return {};
    return psa_.tickets_snapshot(refs);
}

hostsdk::RunResult ClearingService::run_cycle() {
    return core::run_guarded_cycle("clearing", acronis_, psa_, [&](core::CycleProgress& progress, const core::CycleCalls& calls) {
        const ClearingSettings s = settings();
        const auto known = catalog(false);
        const std::string chosen = core::effective_close_status(s.status, known);
        std::int64_t watermark = 0, read_started = 0;
        const auto rows = read_rows(watermark, read_started);
        std::int64_t newest = watermark;
        for (const auto& row : rows) {
            if (observe(row, s, chosen, known)) ++progress.items;
            if (row.updated_ns) newest = std::max(newest, *row.updated_ns);
        }
        // Every row up to `newest` is handled: the date watermark moves, but never past when the
        // read began: a ticket updated during it can shift the pages and be skipped, and the next
        // read (from the watermark minus the overlap) must reach back to it.
        newest = std::min(newest, read_started);
        if (psa_.settings().date_mode() && newest > watermark) store_.put_cursor(kWatermark, std::to_string(newest));
        return hostsdk::RunResult::make_ok(
            std::to_string(rows.size()) + " tickets read, " + std::to_string(progress.items) + " status changes",
            progress.items, calls());
    });
}

}  // namespace acpsa::clearing
