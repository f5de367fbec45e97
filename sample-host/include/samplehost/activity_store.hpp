#pragma once

#include <hostsdk/activity.hpp>
#include <hostsdk/clock.hpp>

#include <Poco/Data/SessionPool.h>
#include <Poco/Logger.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samplehost {

/// One stored activity entry.
struct StoredActivity {
    std::int64_t id = 0;
    hostsdk::Clock::time_point at;
    std::string module;
    hostsdk::ActivityEntry entry;
};

/// Filters of `GET /api/activity`; empty means "any".
struct ActivityQuery {
    std::string module;   ///< whole value, case-insensitive
    std::string action;   ///< whole value, case-insensitive
    std::string subject;  ///< any subject value, case-insensitive
    std::optional<hostsdk::Clock::time_point> since;  ///< entries at or after
    std::size_t offset = 0;
    std::size_t limit = 100;
};

/// The activity log in the state database (tables `activity_log`, `activity_subject`, component
/// `host` in `schema_migrations`). Thread-safe: every call takes its own session from the pool.
class ActivityStore {
public:
    /// Runs the host's migrations. `pool`, `clock` and `log` must outlive the store. Throws on
    /// database errors. `retention_days` > 0 prunes older entries now and then.
    ActivityStore(Poco::Data::SessionPool& pool, const hostsdk::Clock& clock, Poco::Logger& log, int retention_days);

    /// Stores an entry for `module`, stamped now. Never throws (a failure is logged).
    void record(const std::string& module, const hostsdk::ActivityEntry& entry) noexcept;

    /// Newest first, and the number of entries matching the filters. Throws on database errors.
    std::pair<std::vector<StoredActivity>, std::size_t> query(const ActivityQuery& query) const;

    /// Deletes entries older than the retention. Never throws.
    void prune() noexcept;

private:
    Poco::Data::SessionPool& pool_;
    const hostsdk::Clock& clock_;
    Poco::Logger& log_;
    int retention_days_;
    std::atomic<std::uint64_t> recorded_{0};
};

/// The `hostsdk::ActivityLog` a module sees: the store, stamped with the module's name.
class ModuleActivityLog final : public hostsdk::ActivityLog {
public:
    ModuleActivityLog(ActivityStore& store, std::string module) : store_(store), module_(std::move(module)) {}
    void record(const hostsdk::ActivityEntry& entry) noexcept override { store_.record(module_, entry); }

private:
    ActivityStore& store_;
    std::string module_;
};

}  // namespace samplehost
