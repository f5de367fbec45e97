#pragma once

#include <chrono>

namespace hostsdk {

/// Wall-clock time as the host sees it. Modules read `now()` from here instead of
/// `std::chrono::system_clock` so that tests can drive time with a manual clock.
/// Thread-safe: `now()` may be called from any thread. Owned by the host; lives longer than every
/// module.
class Clock {
public:
    using time_point = std::chrono::system_clock::time_point;

    virtual ~Clock() = default;
    /// The current UTC time. Never throws.
    virtual time_point now() const noexcept = 0;
};

}  // namespace hostsdk
