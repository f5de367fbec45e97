#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace emulator {

/// One injected fault: the next `remaining` calls to `route` (a route template such as
/// `POST /webapi/{ver}/tickets/createticket`) get `kind`.
struct Fault {
    std::string route;
    std::string kind;  ///< 401 429 500 503 slow drop apply_then_drop malformed expired_token
    int remaining = 1;
    int retry_after_s = 1;
    int delay_ms = 5000;
    /// For the error kinds (400 401 429 500 503): the message of the error body instead of the
    /// API's usual words, e.g. one that echoes a credential back. Empty = the usual words.
    std::string message;
};

/// The fault kinds every port accepts; `expired_token` only where `allow_expired_token`.
bool valid_fault_kind(const std::string& kind, bool allow_expired_token);

/// Faults waiting to fire, in the order they were added. Thread-safe.
class FaultTable {
public:
    void add(Fault fault);
    /// Takes one shot of the first fault for `route`, if any.
    std::optional<Fault> take(const std::string& route);
    std::vector<Fault> list() const;
    void clear();

private:
    mutable std::mutex mutex_;
    std::vector<Fault> faults_;
};

/// Per-route request counts of API traffic (control calls are never counted). Thread-safe.
class RequestStats {
public:
    void count(const std::string& route);
    std::map<std::string, long> snapshot() const;
    void reset();

private:
    mutable std::mutex mutex_;
    std::map<std::string, long> counts_;
};

}  // namespace emulator
