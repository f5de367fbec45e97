#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace hostsdk {

namespace detail {
struct StopState {
    std::atomic<bool> stopped{false};
    std::mutex mutex;
    std::condition_variable cv;
};
}  // namespace detail

/// Read side of a stop request, handed to `Module::run`. A module checks `stop_requested()` between
/// units of work and uses `sleep_for` instead of `std::this_thread::sleep_for`, so that a shutdown
/// interrupts it promptly. Cheap to copy; thread-safe; never throws.
class StopToken {
public:
    /// A token that is never stopped (for tools and tests that need none).
    StopToken() : state_(std::make_shared<detail::StopState>()) {}

    /// True once the host asked the module to stop.
    bool stop_requested() const noexcept { return state_->stopped.load(std::memory_order_acquire); }

    /// Waits `duration` or until a stop is requested, whichever comes first.
    /// Returns true when the whole duration passed, false when interrupted by a stop.
    template <class Rep, class Period>
    bool sleep_for(std::chrono::duration<Rep, Period> duration) const {
        std::unique_lock<std::mutex> lock(state_->mutex);
        return !state_->cv.wait_for(lock, duration, [this] { return stop_requested(); });
    }

private:
    friend class StopSource;
    explicit StopToken(std::shared_ptr<detail::StopState> state) : state_(std::move(state)) {}
    std::shared_ptr<detail::StopState> state_;
};

/// Write side, owned by the host: `request_stop()` wakes every `sleep_for` of its tokens.
/// Thread-safe; never throws.
class StopSource {
public:
    StopSource() : state_(std::make_shared<detail::StopState>()) {}

    /// A token observing this source; it stays valid after the source is destroyed.
    StopToken token() const { return StopToken(state_); }

    /// Idempotent.
    void request_stop() noexcept {
        {
            std::lock_guard<std::mutex> lock(state_->mutex);
            state_->stopped.store(true, std::memory_order_release);
        }
        state_->cv.notify_all();
    }

    bool stop_requested() const noexcept { return state_->stopped.load(std::memory_order_acquire); }

private:
    std::shared_ptr<detail::StopState> state_;
};

}  // namespace hostsdk
