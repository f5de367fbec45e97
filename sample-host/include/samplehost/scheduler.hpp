#pragma once

#include "samplehost/host_clock.hpp"

#include <hostsdk/module.hpp>

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace samplehost {

/// The delay before the next cycle: the interval after `ok`; after `retry` or `failed` the
/// interval doubled for each consecutive failure after the first, capped at `max_backoff`
/// (never below the interval). Pure.
std::chrono::seconds next_delay(std::chrono::seconds interval, std::chrono::seconds max_backoff,
                                hostsdk::RunResult::Status status, int consecutive_failures);

/// What `/api/health` shows of one module. A value type.
struct ModuleStatus {
    std::string name;
    std::string version;
    std::string state;  ///< starting | idle | running | backing_off | failed | stopping
    std::optional<hostsdk::Clock::time_point> last_run;
    std::optional<hostsdk::RunResult> last_result;
    std::optional<hostsdk::Clock::time_point> next_run;
    int consecutive_failures = 0;
};

/// Runs one module's cycles on its own thread: the first right after `start`, then after
/// `next_delay`. Cycles never overlap: the scheduled ones and those asked for by `run_now` take
/// the same lock. Thread-safe.
class ModuleRunner {
public:
    /// `module`, `clock` and `log` must outlive the runner.
    ModuleRunner(std::shared_ptr<hostsdk::Module> module, std::string name, std::string version,
                 std::chrono::seconds interval, std::chrono::seconds max_backoff, HostClock& clock, Poco::Logger& log);
    ~ModuleRunner();

    ModuleRunner(const ModuleRunner&) = delete;
    ModuleRunner& operator=(const ModuleRunner&) = delete;

    /// Starts the scheduling thread. Call once.
    void start();

    /// Runs one cycle now on the calling thread, after any running cycle has finished.
    /// Never throws: an exception escaping the module becomes a `failed` result; once a stop was
    /// requested it runs nothing and answers `retry` ("the host is stopping").
    hostsdk::RunResult run_now();

    /// Wakes the scheduling thread to run a cycle as soon as possible (after the running one).
    void request_run() noexcept;

    /// Stops scheduling new cycles and signals the stop token of a running one. Idempotent.
    void request_stop() noexcept;

    /// Waits until the scheduling thread ended and no cycle runs (scheduled or `run_now`), at
    /// most `timeout`; true when so (the thread is then joined). False means a cycle still runs.
    bool wait_stopped(std::chrono::milliseconds timeout);

    /// Callers of `run_now` waiting for the running cycle to end (a seam for tests).
    int queued_runs() const;

    ModuleStatus status() const;
    const std::string& name() const noexcept { return name_; }
    std::chrono::seconds interval() const noexcept { return interval_; }

private:
    void loop();
    /// One cycle under the cycle lock; `asked_by_run_now` counts it out of `queued_runs`.
    hostsdk::RunResult run_cycle(bool asked_by_run_now);

    std::shared_ptr<hostsdk::Module> module_;
    std::string name_;
    std::string version_;
    std::chrono::seconds interval_;
    std::chrono::seconds max_backoff_;
    HostClock& clock_;
    Poco::Logger& log_;
    hostsdk::StopSource stop_source_;

    std::mutex cycle_mutex_;  ///< held for the whole of a cycle

    mutable std::mutex mutex_;  ///< guards everything below
    std::condition_variable wake_;
    std::condition_variable finished_;
    bool stop_requested_ = false;
    bool run_requested_ = false;
    int active_cycles_ = 0;  ///< cycles entered or waiting to enter (scheduled and run_now)
    int queued_runs_ = 0;
    bool thread_done_ = true;  ///< no scheduling thread runs
    ModuleStatus status_;
    std::thread thread_;
};

/// The runners of all started modules, by name.
class Scheduler {
public:
    /// Adds a runner (not started). Names are unique (the loader made sure).
    void add(std::unique_ptr<ModuleRunner> runner);
    /// Starts every runner's thread.
    void start_all();
    /// The runner for `name`, or nullptr.
    ModuleRunner* find(const std::string& name) const;
    /// All runners in the order added.
    std::vector<ModuleRunner*> runners() const;
    /// Signals every runner to stop (their stop tokens included). Idempotent.
    void request_stop_all() noexcept;
    /// Signals every runner to stop, then waits for them, together at most `timeout`.
    /// True when all stopped; false when some cycle is still running.
    bool stop_all(std::chrono::milliseconds timeout);

    /// Gives up ownership of every runner without destroying it (for an exit while a cycle still
    /// runs: its thread keeps using the runner).
    void leak() noexcept;

private:
    std::vector<std::unique_ptr<ModuleRunner>> runners_;
};

}  // namespace samplehost
