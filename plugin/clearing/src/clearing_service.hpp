#pragma once
/// The clearing module's work: change detection on the linked tickets (PSA contract §3.7, by date or
/// by snapshot), the status observations, and clearing the Acronis alert when its ticket reaches the
/// chosen status. Thread-safe: cycles never overlap; the settings routes take their own lock.

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/psa_client.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <Poco/JSON/Object.h>

#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace acpsa::clearing {

struct ClearingSettings {
    bool enabled = false;
    std::optional<std::string> status;  ///< nullopt: the default (as auto_close.status's)
};

class ClearingService {
public:
    ClearingService(core::Store& store, core::AcronisClient& acronis, core::PsaClient& psa, hostsdk::Context& context);

    /// One cycle. Never throws.
    hostsdk::RunResult run_cycle();

    Poco::JSON::Object::Ptr settings_view();
    /// Partial update; all or nothing; throws hostsdk::ApiError naming the field.
    Poco::JSON::Object::Ptr update_settings(const Poco::JSON::Object::Ptr& patch);

private:
    /// The PSA's statuses: the ticketing module's cached lists, else read now.
    struct Statuses {
        std::vector<std::string> all;
        std::set<std::string> closed;  ///< lower-case
        std::string default_close;     ///< `Fixed` when listed, else the first closed one
    };
    Statuses statuses(bool allow_fetch);
    ClearingSettings settings() const;
    std::string chosen_status(const ClearingSettings& s, const std::optional<Statuses>& known);
    /// Handles one observed row; throws a transient core::UpstreamError to stop the cycle.
    bool observe(const core::TicketRow& row, const ClearingSettings& s, const std::string& chosen,
                 std::optional<Statuses>& known);
    std::int64_t now_ns() const;

    core::Store& store_;
    core::AcronisClient& acronis_;
    core::PsaClient& psa_;
    hostsdk::Context& context_;
    std::mutex settings_mutex_;
};

}  // namespace acpsa::clearing
