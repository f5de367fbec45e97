#pragma once

#include "samplehost/activity_store.hpp"
#include "samplehost/admin_server.hpp"
#include "samplehost/host_clock.hpp"
#include "samplehost/host_settings.hpp"
#include "samplehost/plugin_loader.hpp"
#include "samplehost/router.hpp"
#include "samplehost/scheduler.hpp"

#include <Poco/Data/SessionPool.h>
#include <Poco/Logger.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace samplehost {

class ModuleContext;

/// A fatal start-up problem (bad module, a configure/start that threw, a database or listener
/// that cannot be opened). `what()` is the one line the host prints before it exits non-zero.
class StartupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The host: loads the enabled modules, configures and starts them, schedules their cycles, keeps
/// their state database and serves the admin API. One instance per process (main) or per test.
///
/// Lifecycle: construct (parses `host.*`, throws hostsdk::ConfigError) → `load_and_configure()` →
/// either stop there (`--check-config`) or `start()` → ... → `stop()` → destroy.
/// The methods are called from one thread; what they start runs on its own threads.
class Host {
public:
    /// `config` and `clock` must outlive the host. Throws hostsdk::ConfigError for bad `host.*` keys.
    Host(const Poco::Util::AbstractConfiguration& config, HostClock& clock);
    ~Host();

    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    const HostSettings& settings() const noexcept { return settings_; }

    /// Loads the enabled modules and calls `configure` on each (no database, no network).
    /// Throws LoadError, hostsdk::ConfigError (from a module) or StartupError.
    void load_and_configure();

    /// Opens the state database, starts every module (migrations, routes), and — as asked — starts
    /// the scheduler threads and the admin listener. Throws StartupError.
    void start(bool scheduler, bool admin);

    /// Runs one cycle of module `name` now. Throws StartupError when it is not enabled.
    hostsdk::RunResult run_once(const std::string& name);

    /// Signals every stop token, stops the admin listener and scheduling, and waits for running
    /// cycles and requests, all within `host.shutdown_timeout_s`; then stops and destroys the
    /// modules. Returns false when something did not end in time: everything it may still use is
    /// then left alive and the caller must exit the process (the host cannot be destroyed safely).
    /// Idempotent.
    bool stop();

    /// The admin listener's bound port, or 0 when it is off.
    std::uint16_t admin_port() const;

    /// What `/api/health` shows of each started module, in start order.
    std::vector<ModuleStatus> statuses() const;

    /// The names of the loaded modules, in start order.
    std::vector<std::string> module_names() const;

private:
    const Poco::Util::AbstractConfiguration& config_;
    HostClock& clock_;
    HostSettings settings_;
    Poco::Logger& log_;
    hostsdk::Clock::time_point started_at_;
    std::vector<LoadedModule> modules_;
    std::unique_ptr<Poco::Data::SessionPool> pool_;
    std::unique_ptr<ActivityStore> activity_;
    std::vector<std::unique_ptr<ModuleContext>> contexts_;
    std::vector<std::string> started_;  ///< modules whose start() returned, in order
    Router router_;
    Scheduler scheduler_;
    std::unique_ptr<AdminDispatcher> dispatcher_;
    std::unique_ptr<AdminServer> admin_;
    bool stopped_ = false;
    bool leaked_ = false;
};

}  // namespace samplehost
