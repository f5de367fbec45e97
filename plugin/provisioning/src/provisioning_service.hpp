#pragma once
/// The provisioning module's work: every queued "map to new" job runs its steps back to back,
/// each recorded in the state database before the next, so that a crash or a lost answer resumes
/// at the right step without a second tenant or user. Thread-safe: cycles never overlap (the host
/// guarantees it) and the admin routes only read jobs and settings.

#include "provisioning_settings.hpp"

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/psa_client.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <string>

namespace acpsa::provisioning {

/// The steps, in order; `done` ends a job.
inline constexpr const char* kSteps[] = {"check_login", "create_tenant", "enable_2fa", "create_user", "grant_role", "activate", "done"};

/// The marker on every tenant the integration creates for a PSA customer (Acronis contract §3.3).
std::string tenant_tag(const std::string& psa_customer_id);

class ProvisioningService {
public:
    ProvisioningService(core::Store& store, core::AcronisClient& acronis, core::PsaClient& psa, hostsdk::Context& context);

    /// Runs every running job. Never throws.
    hostsdk::RunResult run_cycle();

private:
    struct Account {
        std::string login, email, first_name, last_name;
    };
    /// A job that cannot succeed: its message for the partner.
    struct JobFailure {
        std::string message;
    };
    /// Runs the job's remaining steps; returns normally when done, throws JobFailure when it cannot
    /// succeed, core::UpstreamError (transient) when it should be tried again next cycle.
    void run_job(core::ProvisioningJob& job, const ProvisioningSettings& settings);
    Account account_for(const core::ProvisioningJob& job, const ProvisioningSettings& settings, const core::PsaCustomer& customer);
    void advance(core::ProvisioningJob& job, const std::string& next_step, const std::string& message);
    void fail(core::ProvisioningJob& job, const std::string& message);
    std::int64_t now_ns() const;

    core::Store& store_;
    core::AcronisClient& acronis_;
    core::PsaClient& psa_;
    hostsdk::Context& context_;
};

}  // namespace acpsa::provisioning
