#pragma once
/// The provisioning engine: every queued "map to new" job runs its steps back to back, an enum
/// step machine (`next_step`), each step recorded in the state database before the next, so that a
/// crash or a lost answer resumes at the right step without a second tenant or user. Effects go
/// through interfaces (the Acronis and PSA APIs, the store, the host context). Thread-safe: cycles
/// never overlap (the host guarantees it) and the admin routes only read jobs and settings.

#include "provisioning_settings.hpp"

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/psa_api.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <optional>
#include <string>

namespace acpsa::provisioning {

/// The step that follows `step` once it succeeded (`done` is last: the job maps the customer and
/// ends there).
core::JobStep next_step(core::JobStep step) noexcept;

/// The marker on every tenant the integration creates for a PSA customer (Acronis contract §3.3).
std::string tenant_tag(const std::string& psa_customer_id);

class ProvisioningService {
public:
    /// Every reference must outlive the service.
    ProvisioningService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa, hostsdk::Context& context);

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
    /// What one run of a job works with; the account is derived on first use.
    struct JobRun {
        core::ProvisioningJob& job;
        const ProvisioningSettings& settings;
        core::PsaCustomer customer;
        std::string tag;
        std::optional<Account> account;
        bool tag_looked_up = false;  ///< no tenant carried the tag a moment ago, in this same run
    };
    /// Runs one cycle's jobs; the counts and the last wait reason go to the summary.
    struct Tally {
        std::size_t done = 0, failed = 0, waiting = 0;
        std::string last_transient;
    };
    /// Runs one job and counts its outcome. Throws StoppedError and AuthenticationError (the whole
    /// cycle stops there).
    void run_one(core::ProvisioningJob& job, const ProvisioningSettings& settings, Tally& tally);
    /// Runs the job's remaining steps; returns normally when done, throws JobFailure when it cannot
    /// succeed, core::UpstreamError (transient) when it should be tried again next cycle.
    void run_job(core::ProvisioningJob& job, const ProvisioningSettings& settings);
    /// Carries out `step` of the job; returns the activity message of its success.
    std::string run_step(core::JobStep step, JobRun& run);
    std::string check_login(JobRun& run);
    std::string create_tenant(JobRun& run);
    std::string enable_2fa(JobRun& run);
    std::string create_user(JobRun& run);
    std::string grant_role(JobRun& run);
    std::string activate(JobRun& run);
    /// The last step: maps the customer to its new tenant and ends the job.
    void finish(JobRun& run);
    std::optional<std::string> find_user(const std::string& tenant_id, const std::string& login);
    Account& account(JobRun& run);
    Account account_for(const core::ProvisioningJob& job, const ProvisioningSettings& settings, const core::PsaCustomer& customer);
    void advance(core::ProvisioningJob& job, core::JobStep next, const std::string& message);
    void fail(core::ProvisioningJob& job, const std::string& message);
    std::int64_t now_ns() const;

    core::Store& store_;
    core::AcronisApi& acronis_;
    core::PsaApi& psa_;
    hostsdk::Context& context_;
};

}  // namespace acpsa::provisioning
