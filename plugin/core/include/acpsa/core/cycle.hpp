#pragma once
/// The scaffold every module's cycle runs in: the requests it sent, and the one ladder that turns
/// what a cycle throws into the host's RunResult (stopped → retry, refused credentials or
/// certificate → failed, a transient upstream error → retry, anything else → failed).

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/psa_api.hpp"

#include <hostsdk/clock.hpp>
#include <hostsdk/run_result.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace acpsa::core {

/// Nanoseconds since the epoch on `clock` (a manual clock in tests).
std::int64_t now_ns(const hostsdk::Clock& clock) noexcept;

/// Counts the requests both clients sent since it was made. Not thread-safe (one per cycle).
class CycleCalls {
public:
    CycleCalls(const AcronisApi& acronis, const PsaApi& psa) noexcept;
    std::uint64_t operator()() const noexcept;

private:
    const AcronisApi& acronis_;
    const PsaApi& psa_;
    std::uint64_t acronis_before_, psa_before_;
};

/// What a cycle body reports while it runs: how many items it changed (read on failure too).
struct CycleProgress {
    std::size_t items = 0;
};

/// Runs `body` and returns its result, or the ladder's result for what it threw, with the items
/// counted so far and the requests sent. `module` names the cycle in the catch-all message. Never
/// throws.
hostsdk::RunResult run_guarded_cycle(const std::string& module, const AcronisApi& acronis, const PsaApi& psa,
                                     const std::function<hostsdk::RunResult(CycleProgress&, const CycleCalls&)>& body) noexcept;

}  // namespace acpsa::core
