#include "samplehost/scheduler.hpp"

#include "test_support.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Logger.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <deque>
#include <future>

using hostsdk::RunResult;
using samplehost::ManualClock;
using samplehost::ModuleRunner;
using std::chrono::seconds;

namespace {

/// A module whose results are scripted and whose cycles are recorded with the clock's time.
/// Optionally each cycle waits at a gate the test opens.
class ScriptedModule : public hostsdk::Module {
public:
    explicit ScriptedModule(const hostsdk::Clock& clock) : clock_(clock) {}

    hostsdk::ModuleInfo info() const noexcept override { return {"scripted", "0.0.1", seconds(60)}; }
    void configure(const Poco::Util::AbstractConfiguration&) override {}
    void start(hostsdk::Context&) override {}

    RunResult run(const hostsdk::StopToken& stop) override {
        const int now_inside = ++inside_;
        int seen = max_inside_.load();
        while (now_inside > seen && !max_inside_.compare_exchange_weak(seen, now_inside)) {}
        std::unique_lock<std::mutex> lock(mutex_);
        times_.push_back(clock_.now());
        changed_.notify_all();
        if (gated_) changed_.wait(lock, [&] { return gate_open_; });
        if (sleep_in_cycle_) {
            lock.unlock();
            interrupted_ = !stop.sleep_for(std::chrono::hours(1));
            lock.lock();
        }
        RunResult result = RunResult::make_ok(message_);
        if (!script_.empty()) {
            result.status = script_.front();
            script_.pop_front();
        }
        if (throw_next_) {
            throw_next_ = false;
            --inside_;
            throw std::runtime_error("boom");
        }
        --inside_;
        return result;
    }

    /// Waits until at least `n` cycles have started.
    bool wait_runs(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return times_.size() >= n; });
    }
    std::vector<hostsdk::Clock::time_point> times() {
        std::lock_guard<std::mutex> lock(mutex_);
        return times_;
    }
    void script(std::initializer_list<RunResult::Status> statuses) {
        std::lock_guard<std::mutex> lock(mutex_);
        script_.assign(statuses.begin(), statuses.end());
    }
    void open_gate() {
        std::lock_guard<std::mutex> lock(mutex_);
        gate_open_ = true;
        changed_.notify_all();
    }

    std::string message_ = "fine";  ///< set before start
    bool gated_ = false;
    bool sleep_in_cycle_ = false;
    bool throw_next_ = false;
    std::atomic<bool> interrupted_{false};
    std::atomic<int> max_inside_{0};

private:
    const hostsdk::Clock& clock_;
    std::atomic<int> inside_{0};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<hostsdk::Clock::time_point> times_;
    std::deque<RunResult::Status> script_;
    bool gate_open_ = false;
};

struct Fixture {
    ManualClock clock;
    std::shared_ptr<ScriptedModule> module = std::make_shared<ScriptedModule>(clock);
    std::unique_ptr<ModuleRunner> runner;

    void make_runner(seconds interval = seconds(60), seconds max_backoff = seconds(900)) {
        runner = std::make_unique<ModuleRunner>(module, "scripted", "0.0.1", interval, max_backoff, clock,
                                                Poco::Logger::get("test.scheduler"));
    }
    /// Waits for cycle `n` to have started and the runner to park again; returns its deadline.
    hostsdk::Clock::time_point parked_after(std::size_t n) {
        REQUIRE(module->wait_runs(n));
        REQUIRE(clock.wait_for_waiters(1));
        const auto deadlines = clock.waiting_deadlines();
        REQUIRE(deadlines.size() == 1);
        return deadlines.front();
    }
};

}  // namespace

TEST_CASE("next_delay: interval after ok, doubling after failures, capped, never below the interval", "[scheduler]") {
    using S = RunResult::Status;
    CHECK(samplehost::next_delay(seconds(60), seconds(900), S::ok, 0) == seconds(60));
    CHECK(samplehost::next_delay(seconds(60), seconds(900), S::retry, 1) == seconds(60));
    CHECK(samplehost::next_delay(seconds(60), seconds(900), S::retry, 2) == seconds(120));
    CHECK(samplehost::next_delay(seconds(60), seconds(900), S::retry, 4) == seconds(480));
    CHECK(samplehost::next_delay(seconds(60), seconds(900), S::retry, 5) == seconds(900));
    CHECK(samplehost::next_delay(seconds(60), seconds(900), S::failed, 50) == seconds(900));
    CHECK(samplehost::next_delay(seconds(3600), seconds(900), S::retry, 3) == seconds(3600));
}

TEST_CASE("a cycle message that carries a secret is redacted before health and the log see it", "[scheduler]") {
    Fixture f;
    Poco::AutoPtr<testsupport::CapturingChannel> lines(new testsupport::CapturingChannel);
    Poco::Logger::get("test.scheduler").setChannel(lines);
    f.module->message_ = "GET /webapi/v1/x?api_key=K-SECRET-77 answered 500; Authorization: Bearer T-SECRET-88";
    f.make_runner();
    f.runner->start();
    f.parked_after(1);
    const auto status = f.runner->status();
    REQUIRE(status.last_result);
    CHECK(status.last_result->message.find("api_key=***") != std::string::npos);
    CHECK(lines->has({"api_key=***"}));  // the cycle was logged, redacted
    for (const auto& text : std::vector<std::string>{status.last_result->message, [&] {
             std::string all;
             for (const auto& line : lines->lines()) all += line + "\n";
             return all;
         }()}) {
        CHECK(text.find("K-SECRET-77") == std::string::npos);
        CHECK(text.find("T-SECRET-88") == std::string::npos);
    }
    f.runner->request_stop();
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
    Poco::Logger::get("test.scheduler").setChannel(new Poco::ConsoleChannel);
}

TEST_CASE("the first cycle runs right after start, the next one an interval later", "[scheduler]") {
    Fixture f;
    f.make_runner(seconds(60));
    const auto start = f.clock.now();
    f.runner->start();
    const auto deadline = f.parked_after(1);
    CHECK(f.module->times().front() == start);
    CHECK(deadline == start + seconds(60));
    CHECK(f.runner->status().state == "idle");

    f.clock.advance(seconds(59));
    f.clock.advance(seconds(1));
    f.parked_after(2);
    const auto times = f.module->times();
    REQUIRE(times.size() == 2);
    CHECK(times[1] == start + seconds(60));  // not a second earlier
    f.runner->request_stop();
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
}

TEST_CASE("after retry the delay starts at the interval, doubles up to the cap, and success resets it", "[scheduler]") {
    using S = RunResult::Status;
    Fixture f;
    f.module->script({S::retry, S::retry, S::retry, S::retry, S::ok, S::retry});
    f.make_runner(seconds(100), seconds(350));
    f.runner->start();

    std::vector<seconds> gaps;
    for (std::size_t cycle = 1; cycle <= 6; ++cycle) {
        const auto deadline = f.parked_after(cycle);
        gaps.push_back(std::chrono::duration_cast<seconds>(deadline - f.module->times().back()));
        if (cycle == 4) {
            CHECK(f.runner->status().state == "backing_off");
            CHECK(f.runner->status().consecutive_failures == 4);
        }
        if (cycle == 5) {
            CHECK(f.runner->status().state == "idle");
            CHECK(f.runner->status().consecutive_failures == 0);
        }
        f.clock.advance(deadline - f.clock.now());
    }
    CHECK(gaps == std::vector<seconds>{seconds(100), seconds(200), seconds(350), seconds(350), seconds(100), seconds(100)});
    f.runner->request_stop();
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
}

TEST_CASE("a module never overlaps itself: run_now waits for the running cycle", "[scheduler]") {
    Fixture f;
    f.module->gated_ = true;
    f.make_runner();
    f.runner->start();
    REQUIRE(f.module->wait_runs(1));  // the scheduled cycle is inside run(), at the gate
    CHECK(f.runner->status().state == "running");

    auto manual = std::async(std::launch::async, [&] { return f.runner->run_now(); });
    // The manual run is now waiting for the scheduled one (observable, not timed).
    REQUIRE(testsupport::eventually([&] { return f.runner->queued_runs() == 1; }));
    CHECK(f.module->times().size() == 1);  // it has not entered run()
    f.runner->request_run();               // and one more asked for while running
    f.module->open_gate();
    CHECK(manual.get().status == RunResult::Status::ok);
    REQUIRE(f.module->wait_runs(3));
    CHECK(f.module->max_inside_ == 1);
    f.runner->request_stop();
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
}

TEST_CASE("stop interrupts a module waiting for its next cycle, without the clock moving", "[scheduler]") {
    Fixture f;
    f.make_runner(seconds(3600));
    f.runner->start();
    f.parked_after(1);
    f.runner->request_stop();
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
    CHECK(f.module->times().size() == 1);
    CHECK(f.runner->status().state == "stopping");
}

TEST_CASE("stop signals the stop token of a running cycle", "[scheduler]") {
    Fixture f;
    f.module->sleep_in_cycle_ = true;
    f.make_runner();
    f.runner->start();
    REQUIRE(f.module->wait_runs(1));
    f.runner->request_stop();
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
    CHECK(f.module->interrupted_);
}

TEST_CASE("an exception escaping run counts as failed and backs off", "[scheduler]") {
    Fixture f;
    f.module->throw_next_ = true;
    f.make_runner(seconds(10));
    const auto result = f.runner->run_now();
    CHECK(result.status == RunResult::Status::failed);
    CHECK(result.message.find("boom") != std::string::npos);
    const auto status = f.runner->status();
    CHECK(status.state == "failed");
    CHECK(status.consecutive_failures == 1);
    REQUIRE(status.last_result.has_value());
    CHECK(status.last_result->status == RunResult::Status::failed);
    REQUIRE(status.next_run.has_value());
    CHECK(*status.next_run == f.clock.now() + seconds(10));
}

TEST_CASE("after stop, run_now runs nothing and a waiting run_now gives up", "[scheduler]") {
    Fixture f;
    f.module->gated_ = true;
    f.make_runner();
    f.runner->start();
    REQUIRE(f.module->wait_runs(1));
    auto waiting = std::async(std::launch::async, [&] { return f.runner->run_now(); });
    REQUIRE(testsupport::eventually([&] { return f.runner->queued_runs() == 1; }));
    f.runner->request_stop();
    CHECK_FALSE(f.runner->wait_stopped(std::chrono::milliseconds(0)));  // the gated cycle still runs
    f.module->open_gate();
    CHECK(waiting.get().message == "the host is stopping");
    CHECK(f.runner->wait_stopped(std::chrono::seconds(10)));
    CHECK(f.module->times().size() == 1);
    CHECK(f.runner->run_now().message == "the host is stopping");
}
