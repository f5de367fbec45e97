#pragma once

#include <map>
#include <string>

namespace hostsdk {

/// One action a module took (or decided not to take), for the partner's activity log
/// (`GET /api/activity`). A value type.
struct ActivityEntry {
    /// What happened, e.g. `item_created`, `settings_changed`.
    std::string action;
    /// `ok`, `failed` or `skipped`.
    std::string outcome = "ok";
    /// One line a partner can read. Must never hold a secret.
    std::string message;
    /// The ids involved, e.g. {"item_id": "17", "owner_id": "1001"}.
    std::map<std::string, std::string> subjects;
};

/// The activity log service of the host. The host stamps each entry with the time and the calling
/// module's name. Thread-safe. Owned by the host; lives longer than every module.
class ActivityLog {
public:
    virtual ~ActivityLog() = default;
    /// Stores the entry. Never throws: a failure to store is logged by the host and swallowed, so
    /// that the activity log can never fail the action it describes.
    virtual void record(const ActivityEntry& entry) noexcept = 0;
};

}  // namespace hostsdk
