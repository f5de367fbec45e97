#pragma once
/// The mapping module's work: the refresh cycle, the mapping checks, the marketplace proposals and
/// the partner's actions (map, unlink, map to new, confirm, dismiss). Thread-safe: the cycle and
/// the admin routes run concurrently; changes to mappings are serialised by one lock, network
/// calls are made outside it where the result is only read.

#include "marketplace.hpp"

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/psa_client.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/admin_json.hpp>
#include <hostsdk/context.hpp>
#include <hostsdk/run_result.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace acpsa::mapping {

/// A row of the Customer Mapping tab.
struct CustomerRow {
    std::string psa_customer_id, name, psa_status;
    std::string mapping;  ///< not_mapped | mapped | provisioning | failed
    std::optional<std::string> tenant_id, tenant_name, error;
};

struct ConfirmResult {
    std::string psa_customer_id;
    std::string outcome;  ///< mapped | failed
    std::optional<std::string> tenant_id, error;
};

struct ConnectionCheck {
    bool ok = false;
    std::optional<std::string> message;
    std::optional<std::string> partner_tenant_id;
};

class MappingService {
public:
    /// Every reference must outlive the service.
    MappingService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa, hostsdk::Context& context);

    /// One cycle: refresh both sides, check the mappings, recompute the proposals. Never throws.
    hostsdk::RunResult run_cycle();

    /// Refresh now (for `reload=true`), clearing the errors of failed actions. Throws
    /// core::UpstreamError when a side cannot be read.
    void reload();

    /// True once a refresh has completed (the lists have data).
    bool refreshed() const;

    std::vector<CustomerRow> customer_rows() const;
    std::optional<CustomerRow> customer_row(const std::string& psa_customer_id) const;

    /// Map to an existing tenant. Returns the row, or throws hostsdk::ApiError.
    CustomerRow map(const std::string& psa_customer_id, const std::string& tenant_id);
    /// Unlink. Returns the row, or throws hostsdk::ApiError.
    CustomerRow unmap(const std::string& psa_customer_id);
    /// Map to new: a provisioning job. Returns the job, or throws hostsdk::ApiError.
    core::ProvisioningJob map_new(const std::string& psa_customer_id);

    WizardState wizard() const;
    /// Whether the PSA has the linked-customers endpoint, and why not.
    std::pair<bool, std::optional<std::string>> marketplace_available() const;
    std::vector<ConfirmResult> confirm(const std::vector<std::string>& psa_customer_ids);
    void dismiss();

    ConnectionCheck check_acronis();
    ConnectionCheck check_psa();

private:
    struct Snapshot {
        std::vector<core::PsaCustomer> customers;
        std::vector<core::Tenant> tenants;
        std::optional<std::vector<core::LinkedCustomer>> links;
        std::int64_t started_ns = 0;  ///< mappings changed since are newer than the snapshot
    };
    Snapshot fetch();
    /// Writes the snapshot and derives everything from it; callers hold `mutex_`.
    void apply(const Snapshot& snapshot, bool clear_action_errors);
    void check_mappings(const Snapshot& snapshot);
    void save_wizard(const WizardState& state);
    void record(const std::string& action, const std::string& outcome, const std::string& message,
                std::map<std::string, std::string> subjects);
    std::int64_t now_ns() const;
    CustomerRow row_for(const std::string& psa_customer_id) const;

    core::Store& store_;
    core::AcronisApi& acronis_;
    core::PsaApi& psa_;
    hostsdk::Context& context_;
    mutable std::mutex mutex_;
};

}  // namespace acpsa::mapping
