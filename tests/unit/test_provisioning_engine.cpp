// The provisioning step machine against in-memory fakes: every step transition, the failures a
// partner can act on, and lost answers that must not make a second tenant or user.

#include "provisioning_service.hpp"

#include "fake_apis.hpp"
#include "fake_context.hpp"

#include <catch2/catch.hpp>

using namespace acpsa;
using core::JobState;
using core::JobStep;
using core::MappingState;
using fakes::Fault;

namespace {

/// Provisioning wired to fakes, with "map to new" started for customer 1008 (Contoso Ltd, primary
/// contact Ann Smith).
struct Provisioning {
    fakes::FakeContext ctx;
    fakes::FakeAcronis acronis{ctx.clock()};
    fakes::FakePsa psa{ctx.clock()};
    core::Store store{ctx.database()};
    provisioning::ProvisioningService service{store, acronis, psa, ctx};
    core::ProvisioningJob job;

    Provisioning() {
        psa.customers = {{"1008", "Contoso Ltd", "A-8", "Active", "Ann Smith"}};
        store.replace_psa_customers(psa.customers);
        job = store.start_provisioning("1008", "Contoso Ltd", 1);
    }
    hostsdk::RunResult cycle() { return service.run_cycle(); }
    core::ProvisioningJob stored() { return *store.job(job.id); }
};

}  // namespace

TEST_CASE("provisioning steps: each step leads to the next, done is last", "[unit][provisioning]") {
    using provisioning::next_step;
    CHECK(next_step(JobStep::check_login) == JobStep::create_tenant);
    CHECK(next_step(JobStep::create_tenant) == JobStep::enable_2fa);
    CHECK(next_step(JobStep::enable_2fa) == JobStep::create_user);
    CHECK(next_step(JobStep::create_user) == JobStep::grant_role);
    CHECK(next_step(JobStep::grant_role) == JobStep::activate);
    CHECK(next_step(JobStep::activate) == JobStep::done);
    CHECK(next_step(JobStep::done) == JobStep::done);
}

TEST_CASE("provisioning engine: map to new runs every step and maps the customer to its new tenant", "[unit][provisioning]") {
    Provisioning p;
    const auto result = p.cycle();
    CHECK(result.status == hostsdk::RunResult::Status::ok);
    CHECK(p.stored().state == JobState::done);
    REQUIRE(p.acronis.tenants.size() == 1);
    CHECK(p.acronis.tenants[0].internal_tag == std::optional<std::string>("acpsa:psa-customer:1008"));
    REQUIRE(p.acronis.users.size() == 1);
    CHECK(p.acronis.users.begin()->second.login == "AnnSmith");
    const auto mapping = p.store.mapping("1008");
    CHECK(mapping->state == MappingState::mapped);
    CHECK(mapping->tenant_id == std::optional<std::string>(p.acronis.tenants[0].id));
    CHECK(p.ctx.count("provisioning_step", "ok") == 6);  // one per step before done
    CHECK(p.ctx.count("provisioning_done", "ok") == 1);
    CHECK(p.acronis.calls_.back() == "get_tenant");  // the mapping takes the tenant's name
}

TEST_CASE("provisioning engine: a taken login fails the job and the mapping, naming what to change", "[unit][provisioning]") {
    Provisioning p;
    p.acronis.users["u-other"] = core::User{"u-other", 1, "t-other", "annsmith", {}, true};
    p.cycle();
    CHECK(p.stored().state == JobState::failed);
    CHECK(p.stored().step == JobStep::check_login);
    CHECK(p.store.mapping("1008")->state == MappingState::failed);
    CHECK(p.store.mapping("1008")->error->find("login AnnSmith is taken") != std::string::npos);
    CHECK(p.acronis.tenants.empty());
}

TEST_CASE("provisioning engine: a transient error waits at its step: the next cycle goes on from there", "[unit][provisioning]") {
    Provisioning p;
    p.acronis.faults.add("grant_company_admin", Fault::unavailable);
    CHECK(p.cycle().status == hostsdk::RunResult::Status::retry);
    CHECK(p.stored().state == JobState::running);
    CHECK(p.stored().step == JobStep::grant_role);
    CHECK(p.cycle().status == hostsdk::RunResult::Status::ok);
    CHECK(p.stored().state == JobState::done);
    CHECK(p.acronis.tenants.size() == 1);
    CHECK(p.acronis.users.size() == 1);
}

TEST_CASE("provisioning engine: lost answers on the creates find what was made instead of making it twice",
          "[unit][provisioning]") {
    Provisioning p;
    p.acronis.faults.add("create_tenant", Fault::commit_then_504);
    p.acronis.faults.add("create_user", Fault::commit_then_504);
    p.cycle();
    CHECK(p.stored().state == JobState::done);
    CHECK(p.acronis.tenants.size() == 1);
    CHECK(p.acronis.users.size() == 1);
}

TEST_CASE("provisioning engine: refused credentials stop the cycle and leave every job at its step", "[unit][provisioning]") {
    Provisioning p;
    p.acronis.faults.add("find_tenant_by_tag", Fault::unauthorized);
    CHECK(p.cycle().status == hostsdk::RunResult::Status::failed);
    CHECK(p.stored().state == JobState::running);
    CHECK(p.stored().step == JobStep::check_login);
    CHECK(p.cycle().status == hostsdk::RunResult::Status::ok);
}

TEST_CASE("provisioning engine: a refusal for good after the tenant was made fails the job and names the tenant left",
          "[unit][provisioning]") {
    Provisioning p;
    p.acronis.faults.add("send_activation_email", Fault::refused);
    p.cycle();
    CHECK(p.stored().state == JobState::failed);
    CHECK(p.stored().step == JobStep::activate);
    CHECK(p.stored().error->find("was created and is left in place") != std::string::npos);
}
