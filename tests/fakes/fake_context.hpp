#pragma once
// A hostsdk::Context for unit tests (Envoy's test/mocks, collectd's plugin_mock): a manual clock,
// the activity log kept in memory, a state database on :memory:, routes collected, run requests
// counted. Not thread-safe beyond what one engine thread needs.

#include "samplehost/host_clock.hpp"
#include "samplehost/state_database.hpp"

#include <hostsdk/context.hpp>

#include <Poco/Logger.h>
#include <Poco/Util/MapConfiguration.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace fakes {

class FakeContext final : public hostsdk::Context {
public:
    FakeContext()
        : pool_(samplehost::open_state_database(":memory:", std::chrono::seconds(5))),
          config_(new Poco::Util::MapConfiguration) {}

    const Poco::Util::AbstractConfiguration& config() const override { return *config_; }
    Poco::Logger& logger() const override { return Poco::Logger::get("fake-module"); }
    const hostsdk::Clock& clock() const override { return clock_; }
    Poco::Data::SessionPool& database() const override { return *pool_; }
    void add_route(hostsdk::Route route) override { routes.push_back(std::move(route)); }
    hostsdk::ActivityLog& activity() const override { return activity_; }
    bool is_enabled(const std::string&) const override { return true; }
    void request_run(const std::string& name) const noexcept override { run_requests.push_back(name); }

    /// Advances the manual clock.
    void advance(std::chrono::nanoseconds by) { clock_.advance(by); }
    samplehost::ManualClock& manual_clock() { return clock_; }

    /// Every activity entry so far, oldest first.
    const std::vector<hostsdk::ActivityEntry>& entries() const { return activity_.entries; }
    /// How many entries have `action` and `outcome` (empty = any outcome).
    std::size_t count(const std::string& action, const std::string& outcome = {}) const {
        std::size_t n = 0;
        for (const auto& e : activity_.entries)
            if (e.action == action && (outcome.empty() || e.outcome == outcome)) ++n;
        return n;
    }
    /// The message of the last entry with `action`, or "" when none.
    std::string last_message(const std::string& action) const {
        for (auto it = activity_.entries.rbegin(); it != activity_.entries.rend(); ++it)
            if (it->action == action) return it->message;
        return {};
    }

    std::vector<hostsdk::Route> routes;
    mutable std::vector<std::string> run_requests;

private:
    struct Activity final : hostsdk::ActivityLog {
        void record(const hostsdk::ActivityEntry& entry) noexcept override {
            std::lock_guard<std::mutex> lock(mutex);
            entries.push_back(entry);
        }
        std::mutex mutex;
        std::vector<hostsdk::ActivityEntry> entries;
    };

    samplehost::ManualClock clock_;
    std::unique_ptr<Poco::Data::SessionPool> pool_;
    Poco::AutoPtr<Poco::Util::MapConfiguration> config_;
    mutable Activity activity_;
};

}  // namespace fakes
