#pragma once
/// The clearing engine: change detection on the linked tickets (PSA contract §3.7, by date or by
/// snapshot), each observed row judged by the pure rules (clearing_rules.hpp), the Acronis alert
/// cleared when its ticket reaches the chosen status, and the status recorded on the link.
///
/// Effects go through interfaces (the Acronis and PSA APIs, the state store, the host context).
/// Links are written with a compare-and-set: what a row changed is merged into a link the
/// ticketing module wrote meanwhile (Store::merge_link). Cycles never overlap; the settings routes take their own lock.

#include "clearing_rules.hpp"

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/psa_api.hpp"
#include "acpsa/core/psa_catalog.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <Poco/JSON/Object.h>

#include <mutex>
#include <optional>
#include <string>

namespace acpsa::clearing {

class ClearingService {
public:
    /// Every reference must outlive the service.
    ClearingService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa, hostsdk::Context& context);

    /// One cycle. Never throws.
    hostsdk::RunResult run_cycle();

    Poco::JSON::Object::Ptr settings_view();
    /// Partial update; all or nothing; throws hostsdk::ApiError naming the field.
    Poco::JSON::Object::Ptr update_settings(const Poco::JSON::Object::Ptr& patch);

private:
    /// The PSA's statuses: the catalog the ticketing module cached, else (when `allow_fetch`) the
    /// status list read now, else nullopt.
    std::optional<core::PsaCatalog> catalog(bool allow_fetch);
    ClearingSettings settings() const;
    /// Reads the rows that changed since the last cycle (date mode moves `watermark`).
    std::vector<core::TicketRow> read_rows(std::int64_t& watermark, std::int64_t& read_started);
    /// Handles one observed row; true when it recorded a change. Throws a transient
    /// core::UpstreamError to stop the cycle.
    bool observe(const core::TicketRow& row, const ClearingSettings& s, const std::string& chosen,
                 const std::optional<core::PsaCatalog>& known);
    /// Clears the link's alert in Acronis and records the outcome in the activity log; false when
    /// Acronis refused it for good. Throws what should stop the cycle (transient, unknown outcome).
    bool clear_alert(const core::TicketLink& link, const core::TicketRow& row,
                     const std::map<std::string, std::string>& subjects);

    core::Store& store_;
    core::AcronisApi& acronis_;
    core::PsaApi& psa_;
    hostsdk::Context& context_;
    std::mutex settings_mutex_;
};

}  // namespace acpsa::clearing
