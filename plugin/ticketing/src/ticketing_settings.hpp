#pragma once
/// The Ticket creation settings, the PSA's lookup lists (cached), and the alert rules: what the
/// admin routes read and change and what the cycle decides with. Thread-safe.

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/psa_catalog.hpp"
#include "acpsa/core/psa_api.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/clock.hpp>

#include <Poco/JSON/Object.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::ticketing {

/// The PSA's lists, shared with the clearing module (core/psa_catalog.hpp).
using PsaOptions = core::PsaCatalog;
using StatusOption = core::StatusOption;

struct TicketingSettings {
    bool ticket_creation = false;
    bool auto_close = false;
    std::optional<std::string> close_status;  ///< nullopt: the PSA-derived default
    bool auto_reopen = false;
    int reopen_days = 1;
    std::optional<std::string> reopen_status;
};

struct AlertTypeRow {
    std::string type, name, category;
    core::AlertRule rule;
};

class TicketingConfig {
public:
    /// `ttl`: how long the PSA lists (and the Acronis type list) are cached.
    TicketingConfig(core::Store& store, core::PsaApi& psa, core::AcronisApi& acronis, const hostsdk::Clock& clock,
                    std::chrono::seconds ttl);

    /// The PSA lists: fresh when the cache is older than the TTL and the PSA answers, else the
    /// cache (`stale` when a refresh failed). Throws hostsdk::ApiError 503 when never fetched and
    /// the PSA cannot be read.
    PsaOptions options(bool allow_refresh = true);
    /// The cached lists only (never a request); nullopt when never fetched.
    std::optional<PsaOptions> cached_options() const;

    TicketingSettings settings() const;
    /// The admin API view with effective statuses.
    Poco::JSON::Object::Ptr settings_view();
    /// Partial update (nested objects merge); all or nothing; throws hostsdk::ApiError naming the
    /// field. Returns the changed keys.
    std::vector<std::string> update_settings(const Poco::JSON::Object::Ptr& patch);
    /// The effective close and reopen statuses (settings, else derived from the PSA lists).
    std::string close_status(const TicketingSettings& settings, const std::optional<PsaOptions>& options) const;
    std::string reopen_status(const TicketingSettings& settings, const std::optional<PsaOptions>& options) const;

    /// Every known alert type with its rule.
    std::vector<AlertTypeRow> alert_types();
    /// Partial update of a type's rule; throws hostsdk::ApiError (404 unknown type, 422 names).
    AlertTypeRow update_alert_type(const std::string& type, const Poco::JSON::Object::Ptr& patch);

private:
    std::int64_t now_ns() const;
    void save_options(const PsaOptions& options);

    core::Store& store_;
    core::PsaApi& psa_;
    core::AcronisApi& acronis_;
    const hostsdk::Clock& clock_;
    std::chrono::seconds ttl_;
    std::mutex mutex_;
    std::mutex update_mutex_;  ///< one settings update at a time (read, check, write)
};

}  // namespace acpsa::ticketing
