#pragma once

#include <hostsdk/clock.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

namespace samplehost {

/// A clock the scheduler can also wait on, so that tests drive scheduling with a manual clock
/// instead of sleeps. Thread-safe.
class HostClock : public hostsdk::Clock {
public:
    /// Blocks on `cv` (with `lock` held on entry and on return) until it is notified or, by this
    /// clock, `deadline` has come. May return early (spurious wake-ups): callers loop on their
    /// own condition. Never throws.
    virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                            time_point deadline) noexcept = 0;
};

/// The real clock: `std::chrono::system_clock`.
class SystemClock final : public HostClock {
public:
    time_point now() const noexcept override { return std::chrono::system_clock::now(); }
    void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    time_point deadline) noexcept override;
};

/// A clock that moves only when a test says so. `advance` wakes every waiter whose deadline it
/// passes; `wait_for_waiters` lets a test wait (by condition, not by time) until the scheduler
/// threads are parked on the clock.
class ManualClock final : public HostClock {
public:
    explicit ManualClock(time_point start = time_point(std::chrono::seconds(1'800'000'000)));

    time_point now() const noexcept override;
    void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                    time_point deadline) noexcept override;

    /// Moves time forward and wakes all waiters (they re-check their deadlines).
    void advance(std::chrono::nanoseconds by);

    /// Number of threads currently parked in `wait_until`.
    std::size_t waiters() const;

    /// Blocks until at least `count` threads are parked in `wait_until`, or `safety` of real time
    /// passed (then returns false, so that a broken test fails instead of hanging).
    bool wait_for_waiters(std::size_t count, std::chrono::milliseconds safety = std::chrono::seconds(20)) const;

    /// The deadlines of the parked waiters, earliest first.
    std::vector<time_point> waiting_deadlines() const;

private:
    struct Waiter {
        std::mutex* mutex;
        std::condition_variable* cv;
        time_point deadline;
    };
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    time_point now_;
    std::vector<Waiter> waiters_;
};

}  // namespace samplehost
