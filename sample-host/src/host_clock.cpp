#include "samplehost/host_clock.hpp"

#include <algorithm>

namespace samplehost {

void SystemClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                             time_point deadline) noexcept {
    const auto remaining = deadline - now();
    if (remaining <= std::chrono::nanoseconds::zero()) return;
    // Waiting on the steady clock keeps the wait right when the wall clock jumps.
    cv.wait_for(lock, remaining);
}

ManualClock::ManualClock(time_point start) : now_(start) {}

ManualClock::time_point ManualClock::now() const noexcept {
    std::lock_guard<std::mutex> guard(mutex_);
    return now_;
}

void ManualClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                             time_point deadline) noexcept {
    {
        std::lock_guard<std::mutex> guard(mutex_);
        if (now_ >= deadline) return;
        waiters_.push_back(Waiter{lock.mutex(), &cv, deadline});
        changed_.notify_all();
    }
    // `advance` takes the waiter's mutex before notifying, and we hold it until `wait` releases
    // it atomically: a notification cannot fall between the check above and the wait.
    cv.wait(lock);
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = std::find_if(waiters_.begin(), waiters_.end(), [&](const Waiter& w) { return w.cv == &cv; });
    if (it != waiters_.end()) waiters_.erase(it);
    changed_.notify_all();
}

void ManualClock::advance(std::chrono::nanoseconds by) {
    std::vector<Waiter> to_wake;
    {
        std::lock_guard<std::mutex> guard(mutex_);
        now_ += std::chrono::duration_cast<time_point::duration>(by);
        to_wake = waiters_;
    }
    for (const auto& waiter : to_wake) {
        std::lock_guard<std::mutex> guard(*waiter.mutex);
        waiter.cv->notify_all();
    }
}

std::size_t ManualClock::waiters() const {
    std::lock_guard<std::mutex> guard(mutex_);
    return waiters_.size();
}

bool ManualClock::wait_for_waiters(std::size_t count, std::chrono::milliseconds safety) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, safety, [&] { return waiters_.size() >= count; });
}

std::vector<ManualClock::time_point> ManualClock::waiting_deadlines() const {
    std::lock_guard<std::mutex> guard(mutex_);
    std::vector<time_point> deadlines;
    for (const auto& w : waiters_) deadlines.push_back(w.deadline);
    std::sort(deadlines.begin(), deadlines.end());
    return deadlines;
}

}  // namespace samplehost
