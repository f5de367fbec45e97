#pragma once
/// Retry timing shared by both clients: capped exponential backoff with jitter, and Retry-After.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace acpsa::core {

/// `retry.*` settings of a client.
struct RetrySettings {
    int max_attempts = 3;                          ///< attempts in all, the first included
    std::chrono::milliseconds base_delay{1000};    ///< before the second attempt
    std::chrono::seconds max_delay{60};            ///< cap of any one wait
};

/// The wait before attempt `attempt + 1` after `attempt` (1-based) failed: base × 2^(attempt-1),
/// capped at max_delay, then scaled by `jitter` in [0.5, 1.0] (full jitter halves the herd).
std::chrono::milliseconds backoff_delay(const RetrySettings& settings, int attempt, double jitter);

/// A `Retry-After` value: whole seconds, or an HTTP date (then the time from `now` until it).
/// nullopt when absent or unreadable. Never negative.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

/// The one retry rule of both clients and the token call: the wait before the attempt that follows
/// failed attempt `attempt` (1-based) is the server's `Retry-After` when it sent a readable one,
/// else the jittered backoff (`backoff_delay` with a random jitter in [0.5, 1.0]); either way at
/// most `max_delay`. `retry_after` is the header's value ("" when absent). Thread-safe.
std::chrono::milliseconds retry_delay(const RetrySettings& settings, int attempt, const std::string& retry_after,
                                      std::chrono::system_clock::time_point now);

/// Waits `delay`; returns false when the wait was cut short by a stop request. Injected so that
/// modules pass their stop token and tests record the waits instead of sleeping.
using Sleeper = std::function<bool(std::chrono::milliseconds)>;

/// A Sleeper that sleeps on the calling thread and is never interrupted.
Sleeper plain_sleeper();

}  // namespace acpsa::core
