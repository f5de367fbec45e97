#pragma once

#include <cstdint>
#include <string>

namespace hostsdk {

/// The outcome of one scheduled cycle (`Module::run`). A value type; copy freely.
struct RunResult {
    enum class Status {
        ok,      ///< the cycle did its work; the host waits the normal interval.
        retry,   ///< a transient failure (network, 5xx, 429): the host backs off and tries again.
        failed,  ///< a failure that repeats until the configuration or settings change.
    };

    Status status = Status::ok;
    /// One line for the log and `/api/health`. Must never hold a secret.
    std::string message;
    /// Work items handled in the cycle, shown in `/api/health`.
    std::uint64_t items = 0;
    /// Upstream API calls made in the cycle, shown in `/api/health`.
    std::uint64_t api_calls = 0;

    static RunResult make_ok(std::string msg = {}, std::uint64_t items = 0, std::uint64_t api_calls = 0) {
        return RunResult{Status::ok, std::move(msg), items, api_calls};
    }
    static RunResult make_retry(std::string msg, std::uint64_t items = 0, std::uint64_t api_calls = 0) {
        return RunResult{Status::retry, std::move(msg), items, api_calls};
    }
    static RunResult make_failed(std::string msg, std::uint64_t items = 0, std::uint64_t api_calls = 0) {
        return RunResult{Status::failed, std::move(msg), items, api_calls};
    }
};

/// `ok`, `retry` or `failed`: the spelling used in logs and the admin API.
inline const char* to_string(RunResult::Status status) noexcept {
    switch (status) {
        case RunResult::Status::ok: return "ok";
        case RunResult::Status::retry: return "retry";
        case RunResult::Status::failed: return "failed";
    }
    return "failed";
}

}  // namespace hostsdk
