#pragma once
/// The integration's state in the host's SQLite database: cached PSA customers and Acronis
/// tenants, customer mappings, provisioning jobs, marketplace proposals, settings, alert rules,
/// alert↔ticket links, ticket status observations and sync cursors.
///
/// Thread-safe: every call takes its own session from the pool; module writers and admin readers
/// run concurrently (WAL, busy timeout). Every statement binds its values. Multi-row changes run
/// in one transaction. Errors: StoreConflict for a uniqueness rule, Poco::Data exceptions for the
/// rest (the failed transaction is rolled back: nothing half-written).

#include "acpsa/core/acronis_types.hpp"
#include "acpsa/core/psa_types.hpp"
#include "acpsa/core/states.hpp"

#include <Poco/Data/SessionPool.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace acpsa::core {

/// A write refused by a uniqueness rule (one tenant per customer, one open link per alert, ...).
class StoreConflict : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A link update refused because the link changed since it was read (another module wrote it):
/// read it again and decide again. Nothing was written.
class StaleLink : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A customer mapping.
struct Mapping {
    std::string psa_customer_id;
    std::optional<std::string> tenant_id;
    std::string psa_customer_name;  ///< last known, so a customer gone from the PSA stays listed
    std::string tenant_name;        ///< last known
    MappingState state = MappingState::mapped;
    std::optional<std::string> error;
    std::string source = "manual";  ///< manual | marketplace | provisioned
    std::int64_t updated_ns = 0;
};

/// A "map to new" job. `step` is the next step to run (the last one tried when failed).
struct ProvisioningJob {
    std::int64_t id = 0;
    std::string psa_customer_id;
    JobState state = JobState::running;
    JobStep step = JobStep::check_login;
    std::optional<std::string> tenant_id, user_id, login, error;
    std::int64_t created_ns = 0, updated_ns = 0;
};

struct MarketplaceProposal {
    std::string psa_customer_id, psa_customer_name, tenant_id, tenant_name, osa_account_id;
};

struct MarketplaceSkip {
    std::string osa_account_id, reason;
};

/// A row of the Ticket creation tab: an alert type, on or off, with its Type, Category and Team.
struct AlertRule {
    std::string alert_type;
    bool enabled = false;
    std::optional<std::string> ticket_type, ticket_category, team;
};

/// An alert occurrence and its ticket.
struct TicketLink {
    std::int64_t id = 0;
    std::string alert_id;  ///< upper-case
    int occurrence = 1;
    std::string alert_type;
    std::string tenant_id;
    std::optional<std::string> resource_key;  ///< tenant-scoped resource, when the alert names one
    std::string psa_customer_id;
    std::optional<std::string> ticket_id, ticket_ref, ticket_status;
    LinkState state = LinkState::creating;
    AlertState alert_state = AlertState::active;
    std::int64_t intent_ns = 0;
    std::int64_t created_ns = 0;
    std::optional<std::int64_t> resolved_ns;     ///< resolved by the integration or first seen closed
    std::optional<std::int64_t> closed_seen_ns;  ///< first time the ticket was seen closed
    std::optional<std::string> error;
    /// The ticket's title and description as written in the intent, so that a settled intent or a
    /// retried link can be created without the alert at hand.
    std::string ticket_title, ticket_description;
    /// updatedAt of the last alert change acted on: a change at or before it was already handled.
    std::int64_t last_change_ns = 0;
    /// When the last create was attempted (the lookup window starts at `intent_ns`).
    std::int64_t attempt_ns = 0;
    /// The PSA answered a create with 2xx but no id: the ticket exists, only ever look it up.
    bool create_accepted = false;
    /// Bumped by every update: an update names the version it read (compare-and-set).
    std::int64_t version = 0;
};

/// Filters of the links listing; empty / nullopt = any.
struct LinkQuery {
    std::optional<LinkState> state;
    std::string psa_customer_id, alert_id;
    std::size_t offset = 0, limit = 100;
};

class Store {
public:
    /// Runs the migrations of component `acpsa_core`. `pool` must outlive the store.
    explicit Store(Poco::Data::SessionPool& pool);

    // ---- caches (replaced whole on each refresh)
    void replace_psa_customers(const std::vector<PsaCustomer>& customers);
    std::vector<PsaCustomer> psa_customers() const;
    std::optional<PsaCustomer> psa_customer(const std::string& id) const;
    void replace_tenants(const std::vector<Tenant>& tenants);
    std::vector<Tenant> tenants() const;
    std::optional<Tenant> tenant(const std::string& id) const;

    // ---- mappings (a customer maps to at most one tenant, a tenant to at most one customer)
    std::optional<Mapping> mapping(const std::string& psa_customer_id) const;
    std::optional<Mapping> mapping_for_tenant(const std::string& tenant_id) const;
    std::vector<Mapping> mappings() const;
    /// Inserts or replaces the customer's mapping. Throws StoreConflict when the tenant is mapped
    /// to another customer.
    void put_mapping(const Mapping& mapping);
    void remove_mapping(const std::string& psa_customer_id);

    // ---- provisioning jobs (one running job per customer)
    /// Throws StoreConflict when a job is already running for the customer.
    ProvisioningJob create_job(const std::string& psa_customer_id, std::int64_t now_ns);
    /// "Map to new": in one transaction, a running job and the customer's mapping in state
    /// `provisioning` (replacing a failed one). Throws StoreConflict when a job already runs or
    /// the customer is mapped (state mapped, provisioning, or failed with a tenant).
    ProvisioningJob start_provisioning(const std::string& psa_customer_id, const std::string& psa_customer_name,
                                       std::int64_t now_ns);
    void update_job(const ProvisioningJob& job);
    std::optional<ProvisioningJob> job(std::int64_t id) const;
    std::optional<ProvisioningJob> running_job_for(const std::string& psa_customer_id) const;
    /// Oldest first; nullopt = every job.
    std::vector<ProvisioningJob> jobs(std::optional<JobState> state = std::nullopt) const;

    // ---- marketplace
    void replace_proposals(const std::vector<MarketplaceProposal>& proposals, const std::vector<MarketplaceSkip>& skipped);
    std::vector<MarketplaceProposal> proposals() const;
    std::vector<MarketplaceSkip> skipped_proposals() const;

    // ---- settings: one JSON object per section
    Poco::JSON::Object::Ptr settings(const std::string& section) const;
    void put_settings(const std::string& section, const Poco::JSON::Object::Ptr& values);

    // ---- alert rules
    std::vector<AlertRule> alert_rules() const;
    std::optional<AlertRule> alert_rule(const std::string& alert_type) const;
    void put_alert_rule(const AlertRule& rule);

    // ---- alert↔ticket links (DESIGN §5: one per alert and occurrence, one open per alert, one
    //      open per tenant + type + resource when the resource is known)
    /// Writes the intent (state `creating`) and returns it with its id. Throws StoreConflict.
    TicketLink create_link(TicketLink link);
    /// Saves every field of an existing link if it is still at `link.version` (then bumps
    /// `link.version`). Throws StaleLink when another writer changed it since it was read (the
    /// ticketing and clearing modules write links from their own threads, without a shared lock),
    /// StoreConflict when a uniqueness rule refuses it.
    void update_link(TicketLink& link);
    /// Applies `change` to `link` and saves it; when another writer changed the link since it was
    /// read, reads it again, applies `change` to the fresh copy and saves that (a few times at
    /// most). For writes that record an effect already carried out (a PSA or Acronis call made):
    /// such an effect must be recorded, never decided again. `link` ends as saved. Throws
    /// StaleLink when the link kept changing, StoreConflict.
    void merge_link(TicketLink& link, const std::function<void(TicketLink&)>& change);
    std::optional<TicketLink> link(std::int64_t id) const;
    /// The link in state creating or open for the alert, if any.
    std::optional<TicketLink> open_link_for_alert(const std::string& alert_id) const;
    /// The alert's link with the highest occurrence, if any.
    std::optional<TicketLink> latest_link_for_alert(const std::string& alert_id) const;
    std::optional<TicketLink> open_link_for_resource(const std::string& tenant_id, const std::string& alert_type,
                                                     const std::string& resource_key) const;
    /// The newest link whose ticket has this RefNumber (or, without one, this id).
    std::optional<TicketLink> link_for_ticket(const std::string& ticket_ref, const std::string& ticket_id) const;
    /// Newest first, and the count of all matching.
    std::pair<std::vector<TicketLink>, std::size_t> links(const LinkQuery& query) const;
    std::vector<TicketLink> links_in_states(const std::vector<LinkState>& states) const;

    // ---- ticket status observations
    void record_ticket_status(std::int64_t link_id, const std::string& status, bool closed, std::int64_t observed_ns);
    /// Statuses seen for a link, oldest first.
    std::vector<std::pair<std::string, std::int64_t>> ticket_status_history(std::int64_t link_id) const;

    // ---- sync cursors and processed alert changes
    std::optional<std::string> cursor(const std::string& name) const;
    void put_cursor(const std::string& name, const std::string& value);
    /// A cursor that holds a time in nanoseconds. Throws std::runtime_error naming the cursor when
    /// what is stored is not a number (the cursor is left as it is).
    std::optional<std::int64_t> cursor_ns(const std::string& name) const;
    bool alert_change_processed(const std::string& alert_id, std::int64_t updated_ns) const;
    void mark_alert_change_processed(const std::string& alert_id, std::int64_t updated_ns);
    /// Forgets processed changes older than `before_ns` (outside the overlap window).
    void prune_processed_alert_changes(std::int64_t before_ns);

private:
    Poco::Data::SessionPool& pool_;
};

}  // namespace acpsa::core
