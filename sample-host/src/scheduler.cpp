#include "samplehost/scheduler.hpp"

#include <hostsdk/redact.hpp>

#include <algorithm>

namespace samplehost {

using hostsdk::RunResult;

std::chrono::seconds next_delay(std::chrono::seconds interval, std::chrono::seconds max_backoff,
                                RunResult::Status status, int consecutive_failures) {
    if (status == RunResult::Status::ok || consecutive_failures <= 1) return interval;
    std::chrono::seconds delay = interval;
    for (int i = 1; i < consecutive_failures && delay < max_backoff; ++i) delay *= 2;
    return std::max(interval, std::min(delay, max_backoff));
}

ModuleRunner::ModuleRunner(std::shared_ptr<hostsdk::Module> module, std::string name, std::string version,
                           std::chrono::seconds interval, std::chrono::seconds max_backoff, HostClock& clock,
                           Poco::Logger& log)
    : module_(std::move(module)),
      name_(std::move(name)),
      version_(std::move(version)),
      interval_(interval),
      max_backoff_(max_backoff),
      clock_(clock),
      log_(log) {
    status_.name = name_;
    status_.version = version_;
    status_.state = "starting";
}

ModuleRunner::~ModuleRunner() {
    request_stop();
    // Joining, never detaching: a detached thread would go on using this object. An owner that
    // must not wait for a stuck cycle leaks the runner instead (Scheduler::leak).
    if (thread_.joinable()) thread_.join();
}

void ModuleRunner::start() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        thread_done_ = false;
    }
    thread_ = std::thread([this] { loop(); });
}

int ModuleRunner::queued_runs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queued_runs_;
}

ModuleStatus ModuleRunner::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

void ModuleRunner::request_run() noexcept {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        run_requested_ = true;
    }
    wake_.notify_all();
}

void ModuleRunner::request_stop() noexcept {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!stop_requested_) {
            stop_requested_ = true;
            status_.state = "stopping";
            status_.next_run.reset();
        }
    }
    stop_source_.request_stop();
    wake_.notify_all();
}

bool ModuleRunner::wait_stopped(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    // Real time on purpose: this bounds how long shutdown may take, whatever the host clock says.
    if (!finished_.wait_for(lock, timeout, [this] { return thread_done_ && active_cycles_ == 0; })) return false;
    lock.unlock();
    if (thread_.joinable()) thread_.join();
    return true;
}

hostsdk::RunResult ModuleRunner::run_now() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stop_requested_) return RunResult::make_retry("the host is stopping");
        ++queued_runs_;
    }
    return run_cycle(true);
}

RunResult ModuleRunner::run_cycle(bool asked_by_run_now) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++active_cycles_;
    }
    std::unique_lock<std::mutex> cycle(cycle_mutex_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (asked_by_run_now) --queued_runs_;
        if (stop_requested_) {
            // Stopped while waiting for the running cycle: run nothing more.
            if (--active_cycles_ == 0) finished_.notify_all();
            return RunResult::make_retry("the host is stopping");
        }
    }
    const auto started = clock_.now();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        status_.state = "running";
    }
    RunResult result;
    try {
        result = module_->run(stop_source_.token());
    } catch (const std::exception& e) {
        result = RunResult::make_failed(std::string("the module threw: ") + e.what());
    } catch (...) {
        result = RunResult::make_failed("the module threw an unknown exception");
    }
    // The message goes to the log and to the unauthenticated health route: one redaction for all.
    result.message = hostsdk::redact_secrets(std::move(result.message));
    const auto finished = clock_.now();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(finished - started);

    const std::string line = std::string("cycle ") + hostsdk::to_string(result.status) + ": " + result.message +
                             " (items " + std::to_string(result.items) + ", api calls " +
                             std::to_string(result.api_calls) + ", " + std::to_string(took.count()) + " ms)";
    if (result.status == RunResult::Status::ok)
        log_.information(line);
    else
        log_.warning(line);
    if (took > interval_)
        log_.warning("cycle overran its interval: took " + std::to_string(took.count()) + " ms, interval is " +
                     std::to_string(interval_.count()) + " s");

    cycle.unlock();
    std::lock_guard<std::mutex> lock(mutex_);
    if (--active_cycles_ == 0) finished_.notify_all();
    status_.last_run = started;
    status_.last_result = result;
    if (result.status == RunResult::Status::ok)
        status_.consecutive_failures = 0;
    else
        ++status_.consecutive_failures;
    if (!stop_requested_) {
        status_.state = result.status == RunResult::Status::ok       ? "idle"
                        : result.status == RunResult::Status::retry ? "backing_off"
                                                                     : "failed";
        status_.next_run =
            finished + next_delay(interval_, max_backoff_, result.status, status_.consecutive_failures);
    }
    return result;
}

void ModuleRunner::loop() {
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stop_requested_) break;
            run_requested_ = false;
        }
        run_cycle(false);
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stop_requested_ && !run_requested_ && status_.next_run && clock_.now() < *status_.next_run)
            clock_.wait_until(lock, wake_, *status_.next_run);
        if (stop_requested_) break;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    thread_done_ = true;
    finished_.notify_all();
}

void Scheduler::add(std::unique_ptr<ModuleRunner> runner) { runners_.push_back(std::move(runner)); }

void Scheduler::request_stop_all() noexcept {
    for (auto& runner : runners_) runner->request_stop();
}

void Scheduler::start_all() {
    for (auto& runner : runners_) runner->start();
}

ModuleRunner* Scheduler::find(const std::string& name) const {
    for (const auto& runner : runners_)
        if (runner->name() == name) return runner.get();
    return nullptr;
}

std::vector<ModuleRunner*> Scheduler::runners() const {
    std::vector<ModuleRunner*> all;
    for (const auto& runner : runners_) all.push_back(runner.get());
    return all;
}

void Scheduler::leak() noexcept {
    for (auto& runner : runners_) (void)runner.release();
    runners_.clear();
}

bool Scheduler::stop_all(std::chrono::milliseconds timeout) {
    for (auto& runner : runners_) runner->request_stop();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool all = true;
    for (auto& runner : runners_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (!runner->wait_stopped(std::max(left, std::chrono::milliseconds(0)))) all = false;
    }
    return all;
}

}  // namespace samplehost
