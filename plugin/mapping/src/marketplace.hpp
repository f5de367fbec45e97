#pragma once
/// Ingram Cloud Marketplace matching (product guide, "Ingram Cloud MarketPlace Customer
/// Synchronization"): a tenant whose Custom ID holds `osa_account_id=N` and a PSA customer linked to
/// the CMP external system with id N are proposed as a pair. Pure: no I/O.

#include "acpsa/core/acronis_types.hpp"
#include "acpsa/core/psa_types.hpp"
#include "acpsa/core/store.hpp"

#include <set>
#include <string>
#include <vector>

namespace acpsa::mapping {

struct MarketplaceResult {
    std::vector<core::MarketplaceProposal> proposals;
    std::vector<core::MarketplaceSkip> skipped;
};

/// Pairs tenants and CMP-linked customers by account id (digit strings, leading zeros stripped).
/// Not proposed, and listed in `skipped` with the reason: an id on two tenants or on two CMP
/// links, a tenant that cannot be managed, a tenant or customer already mapped, a linked customer
/// the PSA does not list. Ids found on one side only are neither proposed nor skipped.
MarketplaceResult compute_proposals(const std::vector<core::Tenant>& tenants, const std::vector<core::LinkedCustomer>& links,
                                    const std::vector<core::PsaCustomer>& customers,
                                    const std::vector<core::Mapping>& mappings);

/// The wizard's state, kept in the settings section `mapping.wizard`.
struct WizardState {
    bool pending = false;
    std::set<std::string> known;  ///< proposal keys (`customer|tenant`) at the last confirm or dismiss
};

/// The key of a proposal, for the wizard.
std::string proposal_key(const core::MarketplaceProposal& proposal);

/// After a cycle found `proposals`: pending turns true when one is not among the known keys
/// (so after the first cycle that finds any, and again when new ones appear after a dismiss).
WizardState after_cycle(WizardState state, const std::vector<core::MarketplaceProposal>& proposals);

/// After a confirm or dismiss: not pending, and the current proposals become known.
WizardState after_decision(const std::vector<core::MarketplaceProposal>& proposals);

}  // namespace acpsa::mapping
