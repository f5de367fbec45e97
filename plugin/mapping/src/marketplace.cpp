#include "marketplace.hpp"

#include "acpsa/core/custom_id.hpp"

#include <Poco/String.h>

#include <map>

namespace acpsa::mapping {

MarketplaceResult compute_proposals(const std::vector<core::Tenant>& tenants, const std::vector<core::LinkedCustomer>& links,
                                    const std::vector<core::PsaCustomer>& customers,
                                    const std::vector<core::Mapping>& mappings) {
    std::map<std::string, std::vector<const core::Tenant*>> tenants_by_id;
    for (const auto& t : tenants)
        if (t.kind == "customer" && !t.deleted)
            if (auto id = core::ingram_account_id(t.customer_id)) tenants_by_id[*id].push_back(&t);
    std::map<std::string, std::vector<const core::LinkedCustomer*>> links_by_id;
    for (const auto& l : links) {
        const std::string digits = Poco::trim(l.external_id);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
        links_by_id[core::normalize_digits(digits)].push_back(&l);
    }
    std::set<std::string> mapped_customers, mapped_tenants;
    for (const auto& m : mappings) {
        if (m.state == core::MappingState::failed && !m.tenant_id) continue;  // a failed action maps nothing
        mapped_customers.insert(m.psa_customer_id);
        if (m.tenant_id) mapped_tenants.insert(Poco::toLower(*m.tenant_id));
    }
    std::map<std::string, const core::PsaCustomer*> customer_by_id;
    for (const auto& c : customers) customer_by_id[c.id] = &c;

    MarketplaceResult result;
    for (const auto& [id, tenant_list] : tenants_by_id) {
        auto link_it = links_by_id.find(id);
        if (link_it == links_by_id.end()) continue;
        const auto& link_list = link_it->second;
        if (tenant_list.size() > 1) {
            result.skipped.push_back({id, "two tenants carry this account id"});
            continue;
        }
        if (link_list.size() > 1) {
            result.skipped.push_back({id, "two PSA customers are linked to this account id"});
            continue;
        }
        const core::Tenant& tenant = *tenant_list.front();
        const core::LinkedCustomer& link = *link_list.front();
        if (!tenant.manageable()) {
            result.skipped.push_back({id, "the tenant cannot be managed: " + tenant.unmanageable_reason()});
            continue;
        }
        auto customer = customer_by_id.find(link.customer_id);
        if (customer == customer_by_id.end()) {
            result.skipped.push_back({id, "the linked PSA customer " + link.customer_id + " is not in the customer list"});
            continue;
        }
        if (mapped_tenants.count(tenant.id)) {
            result.skipped.push_back({id, "the tenant is already mapped"});
            continue;
        }
        if (mapped_customers.count(link.customer_id)) {
            result.skipped.push_back({id, "the PSA customer is already mapped"});
            continue;
        }
        result.proposals.push_back(
            core::MarketplaceProposal{link.customer_id, customer->second->name, tenant.id, tenant.name, id});
    }
    return result;
}

std::string proposal_key(const core::MarketplaceProposal& proposal) {
    return proposal.psa_customer_id + "|" + proposal.tenant_id;
}

WizardState after_cycle(WizardState state, const std::vector<core::MarketplaceProposal>& proposals) {
    for (const auto& p : proposals)
        if (!state.known.count(proposal_key(p))) state.pending = true;
    return state;
}

WizardState after_decision(const std::vector<core::MarketplaceProposal>& proposals) {
    WizardState state;
    for (const auto& p : proposals) state.known.insert(proposal_key(p));
    return state;
}

}  // namespace acpsa::mapping
