#include "provisioning_service.hpp"

#include "login.hpp"

#include "acpsa/core/failpoints.hpp"

#include <Poco/String.h>

namespace acpsa::provisioning {

std::string tenant_tag(const std::string& psa_customer_id) { return "acpsa:psa-customer:" + psa_customer_id; }

ProvisioningService::ProvisioningService(core::Store& store, core::AcronisClient& acronis, core::PsaClient& psa,
                                         hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), context_(context) {}

std::int64_t ProvisioningService::now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(context_.clock().now().time_since_epoch()).count();
}

hostsdk::RunResult ProvisioningService::run_cycle() {
    const auto acronis_before = acronis_.api_calls();
    const auto psa_before = psa_.api_calls();
    auto calls = [&] { return (acronis_.api_calls() - acronis_before) + (psa_.api_calls() - psa_before); };
    std::size_t done = 0, failed = 0, waiting = 0;
    std::string last_transient;
    std::optional<std::string> password;  // the manual password: never in a message (a vendor may echo it)
    auto scrubbed = [&](const std::string& text) { return password ? core::scrub_secret(text, *password) : text; };
    try {
        const ProvisioningSettings settings = load_settings(store_);
        password = settings.password;
        for (auto job : store_.jobs("running")) {
            try {
                run_job(job, settings);
                ++done;
            } catch (const JobFailure& failure) {
                fail(job, scrubbed(failure.message));
                ++failed;
            } catch (const core::StoppedError&) {
                return hostsdk::RunResult::make_retry("stopped", done, calls());
            } catch (const core::AuthenticationError& e) {
                // Credentials or a certificate refused: the connection, not this job, is at fault.
                // Every job stays at its step until the configuration is mended.
                return hostsdk::RunResult::make_failed(scrubbed(e.what()), done, calls());
            } catch (const core::UpstreamError& e) {
                if (!e.transient() && !dynamic_cast<const core::OutcomeUnknownError*>(&e)) {
                    fail(job, scrubbed(std::string("Acronis or the PSA refused a step: ") + e.what()));
                    ++failed;
                    continue;
                }
                // Transient or outcome unknown: the job stays at its step; the next cycle looks first.
                ++waiting;
                last_transient = scrubbed(e.what());
                context_.logger().warning("provisioning job " + std::to_string(job.id) + " waits at step " + job.step + ": " +
                                          last_transient);
            } catch (const std::exception& e) {
                // E.g. the state database busy: this job stays at its step, the jobs after it still run.
                ++waiting;
                last_transient = scrubbed(e.what());
                context_.logger().error("provisioning job " + std::to_string(job.id) + " stopped at step " + job.step +
                                        ": " + last_transient);
            }
        }
    } catch (const std::exception& e) {
        return hostsdk::RunResult::make_failed(scrubbed(std::string("provisioning cycle failed: ") + e.what()), done, calls());
    }
    const std::string summary = std::to_string(done) + " jobs done, " + std::to_string(failed) + " failed, " +
                                std::to_string(waiting) + " waiting";
    if (waiting > 0) return hostsdk::RunResult::make_retry(summary + " (" + last_transient + ")", done, calls());
    return hostsdk::RunResult::make_ok(summary, done, calls());
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

void ProvisioningService::advance(core::ProvisioningJob& job, const std::string& next_step, const std::string& message) {
    job.step = next_step;
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
    mapping.state = "failed";
    mapping.error = "provisioning failed: " + text;
    mapping.source = "provisioned";
    mapping.updated_ns = now_ns();
    store_.put_mapping(mapping);
    job.state = "failed";
    job.error = text;
    job.updated_ns = now_ns();
    store_.update_job(job);
    std::map<std::string, std::string> subjects = {{"psa_customer_id", job.psa_customer_id}, {"job_id", std::to_string(job.id)}};
    if (job.tenant_id) subjects["tenant_id"] = *job.tenant_id;
    context_.activity().record({"provisioning_failed", "failed", text, subjects});
    context_.logger().warning("provisioning job " + std::to_string(job.id) + " failed: " + text);
}

void ProvisioningService::run_job(core::ProvisioningJob& job, const ProvisioningSettings& settings) {
    const auto customer = store_.psa_customer(job.psa_customer_id);
    if (!customer) throw JobFailure{"customer " + job.psa_customer_id + " is no longer in the PSA"};
    const std::string tag = tenant_tag(job.psa_customer_id);
    std::optional<Account> account;
    bool tag_looked_up = false;  // no tenant carried the tag a moment ago, in this same run
    auto need_account = [&]() -> Account& {
        if (!account) account = account_for(job, settings, *customer);
        return *account;
    };

    if (job.step == "check_login") {
        context_.activity().record({"provisioning_started", "ok", "provisioning a new tenant for " + customer->name,
                                    {{"psa_customer_id", job.psa_customer_id}, {"job_id", std::to_string(job.id)}}});
        Account& a = need_account();
        // A tenant already carrying our tag means an earlier run got further: its user is looked
        // up at create_user, so a taken login is no reason to stop here.
        const auto earlier = acronis_.find_tenant_by_tag(tag);
        if (earlier) job.tenant_id = earlier->id;  // kept by advance() below: no second lookup at create_tenant
        else tag_looked_up = true;
        if (!earlier) {
            switch (acronis_.check_login(a.login)) {
                case core::LoginCheck::invalid: throw JobFailure{"cannot derive a valid login from '" + a.login + "'"};
                case core::LoginCheck::taken:
                    throw JobFailure{"login " + a.login + " is taken in Acronis; change the " +
                                     (settings.create_accounts_based_on == "company_name" ? std::string("company name")
                                                                                           : std::string("primary contact")) +
                                     " or create the account by hand"};
                case core::LoginCheck::free: break;
            }
        }
        job.login = a.login;
        core::failpoint("provisioning.after_check_login");
        advance(job, "create_tenant", "login " + a.login + " is free");
    }

    if (job.step == "create_tenant") {
        if (!job.tenant_id) {
            // Resumed here after a crash or a lost answer: an earlier run may have made it.
            if (auto existing = tag_looked_up ? std::nullopt : acronis_.find_tenant_by_tag(tag)) {
                job.tenant_id = existing->id;
            } else {
                Account& a = need_account();
                try {
                    auto created = acronis_.create_tenant(
                        core::NewTenant{customer->name, "", tag, core::AcronisContact{a.email, a.first_name, a.last_name}});
                    job.tenant_id = created.id;
                } catch (const core::OutcomeUnknownError&) {
                    auto found = acronis_.find_tenant_by_tag(tag);
                    if (!found) throw;  // not made: the next cycle creates it
                    job.tenant_id = found->id;
                } catch (const core::UpstreamError& e) {
                    if (e.status() == 409 || e.code() == "1004")
                        throw JobFailure{"a tenant named '" + customer->name +
                                         "' already exists under the partner; map to it instead, or rename one of them"};
                    throw;
                }
            }
        }
        core::failpoint("provisioning.after_create_tenant");
        advance(job, "enable_2fa", "tenant " + customer->name + " created (" + *job.tenant_id + ")");
    }

    if (job.step == "enable_2fa") {
        if (settings.two_factor) acronis_.set_tenant_mfa(*job.tenant_id, true);
        core::failpoint("provisioning.after_enable_2fa");
        advance(job, "create_user", settings.two_factor ? "two-factor authentication enabled" : "two-factor authentication left off");
    }

    if (job.step == "create_user") {
        Account& a = need_account();
        if (!job.user_id) {
            auto find_user = [&]() -> std::optional<std::string> {
                for (const auto& id : acronis_.list_tenant_users(*job.tenant_id))
                    if (Poco::icompare(acronis_.get_user(id).login, a.login) == 0) return id;
                return std::nullopt;
            };
            if (auto existing = find_user()) {
                job.user_id = existing;
            } else {
                try {
                    job.user_id = acronis_.create_user(*job.tenant_id, a.login, {a.email, a.first_name, a.last_name}).id;
                } catch (const core::OutcomeUnknownError&) {
                    job.user_id = find_user();
                    if (!job.user_id) throw;
                } catch (const core::UpstreamError& e) {
                    if (e.status() == 409) throw JobFailure{"login " + a.login + " is taken in Acronis"};
                    if (e.status() == 400) throw JobFailure{"Acronis refused the account " + a.login + ": " + e.message()};
                    throw;
                }
            }
        }
        core::failpoint("provisioning.after_create_user");
        advance(job, "grant_role", "administrator " + a.login + " created");
    }

    if (job.step == "grant_role") {
        acronis_.grant_company_admin(*job.user_id, *job.tenant_id);
        core::failpoint("provisioning.after_grant_role");
        advance(job, "activate", "company administrator role granted");
    }

    if (job.step == "activate") {
        if (settings.password_mode == "manual") {
            if (!settings.password) throw JobFailure{"password_mode is manual but no password is set"};
            try {
                acronis_.set_password(*job.user_id, *settings.password);
            } catch (const core::UpstreamError& e) {
                if (e.status() == 400) throw JobFailure{"Acronis refused the password: " + e.message()};
                throw;
            }
        } else {
            try {
                acronis_.send_activation_email(*job.user_id);
            } catch (const core::OutcomeUnknownError& e) {
                // Nothing shows whether the e-mail went out: a second one is better than none.
                if (acronis_.get_user(*job.user_id).activated) {
                } else {
                    context_.logger().warning("activation e-mail for job " + std::to_string(job.id) +
                                              " not confirmed; sending it once more");
                    acronis_.send_activation_email(*job.user_id);
                }
            }
        }
        core::failpoint("provisioning.after_activate");
        advance(job, "done", settings.password_mode == "manual" ? "password set" : "activation e-mail sent");
    }

    if (job.step == "done") {
        auto tenant = acronis_.get_tenant(*job.tenant_id);
        core::Mapping m;
        m.psa_customer_id = job.psa_customer_id;
        m.tenant_id = *job.tenant_id;
        m.psa_customer_name = customer->name;
        m.tenant_name = tenant.name;
        m.state = "mapped";
        m.source = "provisioned";
        m.updated_ns = now_ns();
        try {
            store_.put_mapping(m);
        } catch (const core::StoreConflict&) {
            throw JobFailure{"tenant " + tenant.name + " (" + *job.tenant_id + ") is already mapped to another PSA customer"};
        }
        job.state = "done";
        job.error.reset();
        job.updated_ns = now_ns();
        store_.update_job(job);
        context_.activity().record({"provisioning_done", "ok", customer->name + " → new tenant " + tenant.name,
                                    {{"psa_customer_id", job.psa_customer_id}, {"tenant_id", *job.tenant_id},
                                     {"job_id", std::to_string(job.id)}}});
    }
}

}  // namespace acpsa::provisioning
