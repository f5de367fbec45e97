// Ingram Cloud Marketplace matching and the wizard's pending rule, as pure functions.

#include "marketplace.hpp"

#include <catch2/catch.hpp>

using namespace acpsa;

namespace {

core::Tenant tenant(const std::string& id, const std::string& custom_id, bool manageable = true) {
    core::Tenant t;
    t.id = id;
    t.name = "Tenant " + id;
    t.kind = "customer";
    t.customer_id = custom_id;
    t.ancestral_access = manageable;
    return t;
}

std::vector<std::string> reasons(const mapping::MarketplaceResult& r) {
    std::vector<std::string> out;
    for (const auto& s : r.skipped) out.push_back(s.osa_account_id + ": " + s.reason);
    return out;
}

}  // namespace

TEST_CASE("marketplace: pairs by account id, leading zeros ignored, one-sided ids ignored", "[marketplace]") {
    const std::vector<core::PsaCustomer> customers = {{"1", "One", "", "", ""}, {"2", "Two", "", "", ""}};
    const auto result = mapping::compute_proposals({tenant("t1", "osa_account_id=0042"), tenant("t9", "osa_account_id=99")},
                                                   {{"1", "One", "42", "One"}, {"2", "Two", "77", "Two"}}, customers, {});
    REQUIRE(result.proposals.size() == 1);
    CHECK(result.proposals[0].psa_customer_id == "1");
    CHECK(result.proposals[0].tenant_id == "t1");
    CHECK(result.proposals[0].osa_account_id == "42");
    CHECK(result.skipped.empty());
}

TEST_CASE("marketplace: every skip rule", "[marketplace]") {
    const std::vector<core::PsaCustomer> customers = {{"1", "One", "", "", ""}, {"2", "Two", "", "", ""}, {"3", "Three", "", "", ""},
                                                      {"4", "Four", "", "", ""}, {"5", "Five", "", "", ""}};
    core::Mapping mapped_customer;
    mapped_customer.psa_customer_id = "4";
    mapped_customer.tenant_id = "tx";
    core::Mapping mapped_tenant;
    mapped_tenant.psa_customer_id = "9";
    mapped_tenant.tenant_id = "t5";
    core::Mapping failed_action;  // a failed action maps nothing
    failed_action.psa_customer_id = "5";
    failed_action.state = core::MappingState::failed;
    const auto result = mapping::compute_proposals(
        {tenant("t1a", "osa_account_id=1"), tenant("t1b", "osa_account_id=1"), tenant("t2", "osa_account_id=2"),
         tenant("t3", "osa_account_id=3", false), tenant("t4", "osa_account_id=4"), tenant("t5", "osa_account_id=5"),
         tenant("t6", "osa_account_id=6"), tenant("t7", "osa_account_id=7")},
        {{"1", "One", "1", ""}, {"2", "Two", "2", ""}, {"2b", "Two bis", "2", ""}, {"3", "Three", "3", ""}, {"4", "Four", "4", ""},
         {"5", "Five", "5", ""}, {"66", "Gone", "6", ""}, {"5", "Five", "7", ""}},
        customers, {mapped_customer, mapped_tenant, failed_action});
    CHECK(reasons(result) == std::vector<std::string>{
                                 "1: two tenants carry this account id",
                                 "2: two PSA customers are linked to this account id",
                                 "3: the tenant cannot be managed: the tenant is in self-service mode (support access off)",
                                 "4: the PSA customer is already mapped",
                                 "5: the tenant is already mapped",
                                 "6: the linked PSA customer 66 is not in the customer list",
                             });
    REQUIRE(result.proposals.size() == 1);
    CHECK(result.proposals[0].osa_account_id == "7");
}

TEST_CASE("marketplace wizard: pending on the first proposals, off after a decision, on for new ones", "[marketplace]") {
    const core::MarketplaceProposal a{"1", "One", "t1", "T1", "1"}, b{"2", "Two", "t2", "T2", "2"};
    auto state = mapping::after_cycle({}, {});
    CHECK_FALSE(state.pending);
    state = mapping::after_cycle(state, {a});
    CHECK(state.pending);
    state = mapping::after_decision({a});
    CHECK_FALSE(state.pending);
    state = mapping::after_cycle(state, {a});
    CHECK_FALSE(state.pending);
    state = mapping::after_cycle(state, {a, b});
    CHECK(state.pending);
}
