#include "acpsa/core/cycle.hpp"

#include "acpsa/core/errors.hpp"

namespace acpsa::core {

std::int64_t now_ns(const hostsdk::Clock& clock) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock.now().time_since_epoch()).count();
}

CycleCalls::CycleCalls(const AcronisApi& acronis, const PsaApi& psa) noexcept
    : acronis_(acronis), psa_(psa), acronis_before_(acronis.api_calls()), psa_before_(psa.api_calls()) {}

std::uint64_t CycleCalls::operator()() const noexcept {
    return (acronis_.api_calls() - acronis_before_) + (psa_.api_calls() - psa_before_);
}

hostsdk::RunResult run_guarded_cycle(const std::string& module, const AcronisApi& acronis, const PsaApi& psa,
                                     const std::function<hostsdk::RunResult(CycleProgress&, const CycleCalls&)>& body) noexcept {
    const CycleCalls calls(acronis, psa);
    CycleProgress progress;
    try {
        try {
            return body(progress, calls);
        } catch (const StoppedError&) {
            return hostsdk::RunResult::make_retry("stopped", progress.items, calls());
        } catch (const AuthenticationError& e) {
            return hostsdk::RunResult::make_failed(e.what(), progress.items, calls());
        } catch (const UpstreamError& e) {
            return e.transient() ? hostsdk::RunResult::make_retry(e.what(), progress.items, calls())
                                 : hostsdk::RunResult::make_failed(e.what(), progress.items, calls());
        } catch (const std::exception& e) {
            return hostsdk::RunResult::make_failed(module + " cycle failed: " + e.what(), progress.items, calls());
        }
    } catch (...) {
        // Building the message itself failed (out of memory): still nothing crosses the boundary.
        return hostsdk::RunResult::make_failed("cycle failed", progress.items, calls());
    }
}

}  // namespace acpsa::core
