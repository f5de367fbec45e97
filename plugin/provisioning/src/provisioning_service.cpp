#include "provisioning_service.hpp"

#include "login.hpp"

#include "acpsa/core/errors.hpp"
#include "acpsa/core/cycle.hpp"
#include "acpsa/core/failpoints.hpp"

#include <Poco/Logger.h>
#include <Poco/String.h>

namespace acpsa::provisioning {

using core::JobStep;

namespace {

/// `text` without the manual password: a vendor may echo it back in an error.
std::string without_password(const std::string& text, const std::optional<std::string>& password) {
    return password ? core::scrub_secret(text, *password) : text;
}

}  // namespace

std::string tenant_tag(const std::string& psa_customer_id) { return "acpsa:psa-customer:" + psa_customer_id; }

JobStep next_step(JobStep step) noexcept {
    switch (step) {
        case JobStep::check_login: return JobStep::create_tenant;
        case JobStep::create_tenant: return JobStep::enable_2fa;
        case JobStep::enable_2fa: return JobStep::create_user;
        case JobStep::create_user: return JobStep::grant_role;
        case JobStep::grant_role: return JobStep::activate;
        case JobStep::activate: return JobStep::done;
        case JobStep::done: return JobStep::done;
    }
    return JobStep::done;
}

ProvisioningService::ProvisioningService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa,
                                         hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), context_(context) {}

std::int64_t ProvisioningService::now_ns() const { return core::now_ns(context_.clock()); }

hostsdk::RunResult ProvisioningService::run_cycle() {
    std::optional<std::string> password;  // the manual password: never in a message (a vendor may echo it)
    auto scrubbed = [&](const std::string& text) { return without_password(text, password); };
    const core::CycleCalls calls(acronis_, psa_);
    Tally tally;
    try {
        const ProvisioningSettings settings = load_settings(store_);
        password = settings.password;
        for (auto job : store_.jobs(core::JobState::running)) run_one(job, settings, tally);
    } catch (const core::StoppedError&) {
        return hostsdk::RunResult::make_retry("stopped", tally.done, calls());
    } catch (const core::AuthenticationError& e) {
        // Credentials or a certificate refused: the connection, not a job, is at fault. Every job
        // stays at its step until the configuration is mended.
        return hostsdk::RunResult::make_failed(scrubbed(e.what()), tally.done, calls());
    } catch (const std::exception& e) {
        return hostsdk::RunResult::make_failed(scrubbed(std::string("provisioning cycle failed: ") + e.what()), tally.done,
                                               calls());
    }
    const std::string summary = std::to_string(tally.done) + " jobs done, " + std::to_string(tally.failed) + " failed, " +
                                std::to_string(tally.waiting) + " waiting";
    if (tally.waiting > 0)
        return hostsdk::RunResult::make_retry(summary + " (" + tally.last_transient + ")", tally.done, calls());
    return hostsdk::RunResult::make_ok(summary, tally.done, calls());
}

void ProvisioningService::run_one(core::ProvisioningJob& job, const ProvisioningSettings& settings, Tally& tally) {
    auto scrubbed = [&](const std::string& text) { return without_password(text, settings.password); };
    try {
        run_job(job, settings);
        ++tally.done;
    } catch (const JobFailure& failure) {
        fail(job, scrubbed(failure.message));
        ++tally.failed;
    } catch (const core::StoppedError&) {
        throw;
    } catch (const core::AuthenticationError&) {
        throw;
    } catch (const core::UpstreamError& e) {
        if (!e.transient() && !dynamic_cast<const core::OutcomeUnknownError*>(&e)) {
            fail(job, scrubbed(std::string("Acronis or the PSA refused a step: ") + e.what()));
            ++tally.failed;
            return;
        }
        // Transient or outcome unknown: the job stays at its step; the next cycle looks first.
        ++tally.waiting;
        tally.last_transient = scrubbed(e.what());
        context_.logger().warning("provisioning job " + std::to_string(job.id) + " waits at step " +
                                  core::to_string(job.step) + ": " + tally.last_transient);
    } catch (const std::exception& e) {
        // E.g. the state database busy: this job stays at its step, the jobs after it still run.
        ++tally.waiting;
        tally.last_transient = scrubbed(e.what());
        context_.logger().error("provisioning job " + std::to_string(job.id) + " stopped at step " +
                                core::to_string(job.step) + ": " + tally.last_transient);
    }
}

ProvisioningService::Account ProvisioningService::account_for(const core::ProvisioningJob& job,
                                                              const ProvisioningSettings& settings,
                                                              const core::PsaCustomer& customer) {
    Account account;
    if (settings.create_accounts_based_on == "company_name") {
        if (!settings.activation_email)
            throw JobFailure{"accounts are based on the company name but no activation e-mail is set"};
        account.email = *settings.activation_email;
        auto login = derive_login({customer.name});
        if (!login) throw JobFailure{"cannot derive a valid login from the company name '" + customer.name + "'"};
        account.login = *login;
    } else {
        const auto contact = psa_.primary_contact(customer);
        if (!contact) throw JobFailure{customer.name + " has no primary contact in the PSA"};
        if (!contact->email) throw JobFailure{"the primary contact of " + customer.name + " has no e-mail address"};
        account.email = *contact->email;
        account.first_name = contact->first_name;
        account.last_name = contact->last_name;
        auto login = derive_login({contact->first_name, contact->last_name});
        if (!login)
            throw JobFailure{"cannot derive a valid login from '" + contact->first_name + " " + contact->last_name +
                             "' (the primary contact of " + customer.name + ")"};
        account.login = *login;
    }
    if (job.login) account.login = *job.login;  // decided once, kept across cycles
    return account;
}

void ProvisioningService::advance(core::ProvisioningJob& job, core::JobStep next, const std::string& message) {
    job.step = next;
    job.updated_ns = now_ns();
    store_.update_job(job);
    std::map<std::string, std::string> subjects = {{"psa_customer_id", job.psa_customer_id}, {"job_id", std::to_string(job.id)}};
    if (job.tenant_id) subjects["tenant_id"] = *job.tenant_id;
    context_.activity().record({"provisioning_step", "ok", message, subjects});
}

void ProvisioningService::fail(core::ProvisioningJob& job, const std::string& message) {
    std::string text = message;
    if (job.tenant_id) {
        // The tenant bears the customer's name (it was created with it); the cache may not know it yet.
        auto tenant = store_.tenant(*job.tenant_id);
        auto customer = store_.psa_customer(job.psa_customer_id);
        const std::string name = tenant ? tenant->name : customer ? customer->name : std::string();
        text += "; tenant " + (name.empty() ? *job.tenant_id : name + " (" + *job.tenant_id + ")") +
                " was created and is left in place";
    }
    // The mapping first: a crash before the job is written leaves the job running, and the next
    // cycle fails it again; the other order could leave the customer `provisioning` for good.
    auto mapping = store_.mapping(job.psa_customer_id).value_or(core::Mapping{});
    mapping.psa_customer_id = job.psa_customer_id;
    mapping.tenant_id.reset();  // a failed action: a reload clears it
    mapping.state = core::MappingState::failed;
    mapping.error = "provisioning failed: " + text;
    mapping.source = "provisioned";
    mapping.updated_ns = now_ns();
    store_.put_mapping(mapping);
    job.state = core::JobState::failed;
    job.error = text;
    job.updated_ns = now_ns();
    store_.update_job(job);
    std::map<std::string, std::string> subjects = {{"psa_customer_id", job.psa_customer_id}, {"job_id", std::to_string(job.id)}};
    if (job.tenant_id) subjects["tenant_id"] = *job.tenant_id;
    context_.activity().record({"provisioning_failed", "failed", text, subjects});
    context_.logger().warning("provisioning job " + std::to_string(job.id) + " failed: " + text);
}

ProvisioningService::Account& ProvisioningService::account(JobRun& run) {
    if (!run.account) run.account = account_for(run.job, run.settings, run.customer);
    return *run.account;
}

void ProvisioningService::run_job(core::ProvisioningJob& job, const ProvisioningSettings& settings) {
    const auto customer = store_.psa_customer(job.psa_customer_id);
    if (!customer) throw JobFailure{"customer " + job.psa_customer_id + " is no longer in the PSA"};
    JobRun run{job, settings, *customer, tenant_tag(job.psa_customer_id), std::nullopt, false};
    while (job.step != JobStep::done) {
        const JobStep step = job.step;
        const std::string message = run_step(step, run);
        core::failpoint((std::string("provisioning.after_") + core::to_string(step)).c_str());
        advance(job, next_step(step), message);
    }
    finish(run);
}

std::string ProvisioningService::run_step(JobStep step, JobRun& run) {
    switch (step) {
        case JobStep::check_login: return check_login(run);
        case JobStep::create_tenant: return create_tenant(run);
        case JobStep::enable_2fa: return enable_2fa(run);
        case JobStep::create_user: return create_user(run);
        case JobStep::grant_role: return grant_role(run);
        case JobStep::activate: return activate(run);
        case JobStep::done: break;
    }
    return {};
}

std::string ProvisioningService::check_login(JobRun& run) {
    auto& job = run.job;
    context_.activity().record({"provisioning_started", "ok", "provisioning a new tenant for " + run.customer.name,
                                {{"psa_customer_id", job.psa_customer_id}, {"job_id", std::to_string(job.id)}}});
    Account& a = account(run);
    // A tenant already carrying our tag means an earlier run got further: its user is looked up at
    // create_user, so a taken login is no reason to stop here.
    const auto earlier = acronis_.find_tenant_by_tag(run.tag);
    if (earlier) job.tenant_id = earlier->id;  // kept by advance(): no second lookup at create_tenant
    run.tag_looked_up = !earlier;
    if (!earlier) {
        switch (acronis_.check_login(a.login)) {
            case core::LoginCheck::invalid: throw JobFailure{"cannot derive a valid login from '" + a.login + "'"};
            case core::LoginCheck::taken:
                throw JobFailure{"login " + a.login + " is taken in Acronis; change the " +
                                 (run.settings.create_accounts_based_on == "company_name" ? std::string("company name")
                                                                                           : std::string("primary contact")) +
                                 " or create the account by hand"};
            case core::LoginCheck::free: break;
        }
    }
    job.login = a.login;
    return "login " + a.login + " is free";
}

std::string ProvisioningService::create_tenant(JobRun& run) {
    auto& job = run.job;
    // Resumed here after a crash or a lost answer: an earlier run may have made it.
    if (!job.tenant_id) {
        if (auto existing = run.tag_looked_up ? std::nullopt : acronis_.find_tenant_by_tag(run.tag)) {
            job.tenant_id = existing->id;
        } else {
            Account& a = account(run);
            try {
                job.tenant_id = acronis_
                                    .create_tenant(core::NewTenant{run.customer.name, "", run.tag,
                                                                   core::AcronisContact{a.email, a.first_name, a.last_name}})
                                    .id;
            } catch (const core::OutcomeUnknownError&) {
                auto found = acronis_.find_tenant_by_tag(run.tag);
                if (!found) throw;  // not made: the next cycle creates it
                job.tenant_id = found->id;
            } catch (const core::UpstreamError& e) {
                if (e.status() == 409 || e.code() == "1004")
                    throw JobFailure{"a tenant named '" + run.customer.name +
                                     "' already exists under the partner; map to it instead, or rename one of them"};
                throw;
            }
        }
    }
    return "tenant " + run.customer.name + " created (" + *job.tenant_id + ")";
}

std::string ProvisioningService::enable_2fa(JobRun& run) {
    if (run.settings.two_factor) acronis_.set_tenant_mfa(*run.job.tenant_id, true);
    return run.settings.two_factor ? "two-factor authentication enabled" : "two-factor authentication left off";
}

std::optional<std::string> ProvisioningService::find_user(const std::string& tenant_id, const std::string& login) {
    for (const auto& id : acronis_.list_tenant_users(tenant_id))
        if (Poco::icompare(acronis_.get_user(id).login, login) == 0) return id;
    return std::nullopt;
}

std::string ProvisioningService::create_user(JobRun& run) {
    auto& job = run.job;
    Account& a = account(run);
    if (!job.user_id) job.user_id = find_user(*job.tenant_id, a.login);
    if (!job.user_id) {
        try {
            job.user_id = acronis_.create_user(*job.tenant_id, a.login, {a.email, a.first_name, a.last_name}).id;
        } catch (const core::OutcomeUnknownError&) {
            job.user_id = find_user(*job.tenant_id, a.login);
            if (!job.user_id) throw;
        } catch (const core::UpstreamError& e) {
            if (e.status() == 409) throw JobFailure{"login " + a.login + " is taken in Acronis"};
            if (e.status() == 400) throw JobFailure{"Acronis refused the account " + a.login + ": " + e.message()};
            throw;
        }
    }
    return "administrator " + a.login + " created";
}

std::string ProvisioningService::grant_role(JobRun& run) {
    acronis_.grant_company_admin(*run.job.user_id, *run.job.tenant_id);
    return "company administrator role granted";
}

std::string ProvisioningService::activate(JobRun& run) {
    const auto& user_id = *run.job.user_id;
    if (run.settings.password_mode == "manual") {
        if (!run.settings.password) throw JobFailure{"password_mode is manual but no password is set"};
        try {
            acronis_.set_password(user_id, *run.settings.password);
        } catch (const core::UpstreamError& e) {
            if (e.status() == 400) throw JobFailure{"Acronis refused the password: " + e.message()};
            throw;
        }
        return "password set";
    }
    try {
        acronis_.send_activation_email(user_id);
    } catch (const core::OutcomeUnknownError&) {
        // Nothing shows whether the e-mail went out: a second one is better than none.
        if (!acronis_.get_user(user_id).activated) {
            context_.logger().warning("activation e-mail for job " + std::to_string(run.job.id) +
                                      " not confirmed; sending it once more");
            acronis_.send_activation_email(user_id);
        }
    }
    return "activation e-mail sent";
}

void ProvisioningService::finish(JobRun& run) {
    auto& job = run.job;
    auto tenant = acronis_.get_tenant(*job.tenant_id);
    core::Mapping m;
    m.psa_customer_id = job.psa_customer_id;
    m.tenant_id = *job.tenant_id;
    m.psa_customer_name = run.customer.name;
    m.tenant_name = tenant.name;
    m.state = core::MappingState::mapped;
    m.source = "provisioned";
    m.updated_ns = now_ns();
    try {
        store_.put_mapping(m);
    } catch (const core::StoreConflict&) {
        throw JobFailure{"tenant " + tenant.name + " (" + *job.tenant_id + ") is already mapped to another PSA customer"};
    }
    job.state = core::JobState::done;
    job.error.reset();
    job.updated_ns = now_ns();
    store_.update_job(job);
    context_.activity().record({"provisioning_done", "ok", run.customer.name + " → new tenant " + tenant.name,
                                {{"psa_customer_id", job.psa_customer_id}, {"tenant_id", *job.tenant_id},
                                 {"job_id", std::to_string(job.id)}}});
}

}  // namespace acpsa::provisioning
