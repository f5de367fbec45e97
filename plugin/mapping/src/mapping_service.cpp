#include "mapping_service.hpp"

#include "acpsa/core/cycle.hpp"

#include "acpsa/core/json_read.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <map>
#include <set>

namespace acpsa::mapping {

using hostsdk::ApiError;

namespace {

const char* kStateSection = "mapping.state";
const char* kWizardSection = "mapping.wizard";
const std::string kCustomerGone = "customer no longer in the PSA";

std::map<std::string, core::Tenant> by_id(const std::vector<core::Tenant>& tenants) {
    std::map<std::string, core::Tenant> map;
    for (const auto& t : tenants) map[t.id] = t;
    return map;
}

}  // namespace

MappingService::MappingService(core::Store& store, core::AcronisApi& acronis, core::PsaApi& psa,
                               hostsdk::Context& context)
    : store_(store), acronis_(acronis), psa_(psa), context_(context) {}

std::int64_t MappingService::now_ns() const { return core::now_ns(context_.clock()); }

void MappingService::record(const std::string& action, const std::string& outcome, const std::string& message,
                            std::map<std::string, std::string> subjects) {
    context_.activity().record({action, outcome, message, std::move(subjects)});
}

MappingService::Snapshot MappingService::fetch() {
    Snapshot snapshot;
    snapshot.started_ns = now_ns();
    snapshot.customers = psa_.list_customers();
    snapshot.tenants = acronis_.list_customer_tenants();
    snapshot.links = psa_.linked_customers();
    return snapshot;
}

hostsdk::RunResult MappingService::run_cycle() {
    return core::run_guarded_cycle("mapping", acronis_, psa_, [&](core::CycleProgress& progress, const core::CycleCalls& calls) {
        const Snapshot snapshot = fetch();
        std::lock_guard<std::mutex> lock(mutex_);
        apply(snapshot, false);
        const auto proposals = store_.proposals().size();
        progress.items = snapshot.customers.size();
        return hostsdk::RunResult::make_ok(std::to_string(snapshot.customers.size()) + " customers, " +
                                               std::to_string(snapshot.tenants.size()) + " tenants, " +
                                               std::to_string(proposals) + " marketplace proposals",
                                           snapshot.customers.size(), calls());
    });
}

void MappingService::reload() {
    const Snapshot snapshot = fetch();
    std::lock_guard<std::mutex> lock(mutex_);
    apply(snapshot, true);
}

bool MappingService::refreshed() const { return store_.settings(kStateSection)->has("refreshed_ns"); }

void MappingService::apply(const Snapshot& snapshot, bool clear_action_errors) {
    store_.replace_psa_customers(snapshot.customers);
    store_.replace_tenants(snapshot.tenants);
    if (clear_action_errors) {
        // "Mapping errors will be cleared automatically on the next list reload": a failed action
        // (no tenant linked) goes back to not mapped; failed checks are recomputed below.
        for (const auto& m : store_.mappings())
            if (m.state == core::MappingState::failed && !m.tenant_id) store_.remove_mapping(m.psa_customer_id);
        for (auto& job : store_.jobs(core::JobState::failed)) {
            job.error.reset();
            store_.update_job(job);
        }
    }
    check_mappings(snapshot);

    Poco::JSON::Object::Ptr state = store_.settings(kStateSection);
    state->set("refreshed_ns", now_ns());
    state->set("linked_available", snapshot.links.has_value());
    store_.put_settings(kStateSection, state);

    if (snapshot.links) {
        const auto result = compute_proposals(snapshot.tenants, *snapshot.links, snapshot.customers, store_.mappings());
        store_.replace_proposals(result.proposals, result.skipped);
        save_wizard(after_cycle(wizard(), result.proposals));
    } else {
        store_.replace_proposals({}, {});
    }
}

void MappingService::check_mappings(const Snapshot& snapshot) {
    const auto tenants = by_id(snapshot.tenants);
    std::map<std::string, const core::PsaCustomer*> customers;
    for (const auto& c : snapshot.customers) customers[c.id] = &c;
    for (auto m : store_.mappings()) {
        if (!m.tenant_id) continue;  // provisioning, or a failed action: not a link to check
        // Mapped (or provisioned) while the lists were read: the snapshot may not show its tenant
        // yet. The next cycle checks it.
        if (m.updated_ns > snapshot.started_ns) continue;
        std::string reason;
        auto tenant = tenants.find(*m.tenant_id);
        auto customer = customers.find(m.psa_customer_id);
        if (customer == customers.end()) reason = kCustomerGone;
        else if (tenant == tenants.end()) reason = "the tenant was deleted";
        else if (!tenant->second.manageable()) reason = tenant->second.unmanageable_reason();
        const bool renamed = (customer != customers.end() && m.psa_customer_name != customer->second->name) ||
                             (tenant != tenants.end() && m.tenant_name != tenant->second.name);
        if (customer != customers.end()) m.psa_customer_name = customer->second->name;
        if (tenant != tenants.end()) m.tenant_name = tenant->second.name;
        const std::map<std::string, std::string> subjects = {{"psa_customer_id", m.psa_customer_id},
                                                             {"tenant_id", *m.tenant_id}};
        if (!reason.empty() && (m.state != core::MappingState::failed || m.error != reason)) {
            m.state = core::MappingState::failed;
            m.error = reason;
            m.updated_ns = now_ns();
            store_.put_mapping(m);
            record("mapping_failed", "failed", m.psa_customer_name + " → " + m.tenant_name + ": " + reason, subjects);
            context_.logger().warning("mapping of customer " + m.psa_customer_id + " to tenant " + *m.tenant_id +
                                      " failed: " + reason);
        } else if (reason.empty() && m.state == core::MappingState::failed) {
            m.state = core::MappingState::mapped;
            m.error.reset();
            m.updated_ns = now_ns();
            store_.put_mapping(m);
            record("mapping_restored", "ok", m.psa_customer_name + " → " + m.tenant_name + " holds again", subjects);
        } else if (reason.empty() && renamed) {
            store_.put_mapping(m);  // names refreshed; an unchanged mapping is not written again
        }
    }
}

namespace {
/// The mapping's side of a customer row; `tenant` is the cached tenant, when there is one.
void fill_from_mapping(CustomerRow& row, const core::Mapping& m, const core::Tenant* tenant) {
    if (row.name.empty()) row.name = m.psa_customer_name;
    row.mapping = core::to_string(m.state);
    row.tenant_id = m.tenant_id;
    row.error = m.error;
    if (m.tenant_id) row.tenant_name = tenant ? tenant->name : m.tenant_name;
}
}  // namespace

CustomerRow MappingService::row_for(const std::string& psa_customer_id) const {
    CustomerRow row;
    row.psa_customer_id = psa_customer_id;
    row.mapping = "not_mapped";
    if (auto customer = store_.psa_customer(psa_customer_id)) {
        row.name = customer->name;
        row.psa_status = customer->status;
    }
    if (auto m = store_.mapping(psa_customer_id)) {
        const auto tenant = m->tenant_id ? store_.tenant(*m->tenant_id) : std::nullopt;
        fill_from_mapping(row, *m, tenant ? &*tenant : nullptr);
    }
    return row;
}

std::vector<CustomerRow> MappingService::customer_rows() const {
    std::vector<CustomerRow> rows;
    std::set<std::string> listed;
    const auto tenants = by_id(store_.tenants());
    std::map<std::string, core::Mapping> mappings;
    for (auto& m : store_.mappings()) mappings[m.psa_customer_id] = m;
    auto fill = [&](CustomerRow& row) {
        auto it = mappings.find(row.psa_customer_id);
        if (it == mappings.end()) return;
        const auto& m = it->second;
        const auto tenant = m.tenant_id ? tenants.find(*m.tenant_id) : tenants.end();
        fill_from_mapping(row, m, tenant != tenants.end() ? &tenant->second : nullptr);
    };
    for (const auto& c : store_.psa_customers()) {
        CustomerRow row{c.id, c.name, c.status, "not_mapped", std::nullopt, std::nullopt, std::nullopt};
        fill(row);
        listed.insert(c.id);
        rows.push_back(row);
    }
    // A mapping whose PSA customer is gone stays listed (failed) until unlinked.
    for (const auto& [id, m] : mappings) {
        if (listed.count(id)) continue;
        CustomerRow row{id, m.psa_customer_name, "", "not_mapped", std::nullopt, std::nullopt, std::nullopt};
        fill(row);
        rows.push_back(row);
    }
    return rows;
}

std::optional<CustomerRow> MappingService::customer_row(const std::string& psa_customer_id) const {
    if (!store_.psa_customer(psa_customer_id) && !store_.mapping(psa_customer_id)) return std::nullopt;
    return row_for(psa_customer_id);
}

CustomerRow MappingService::map(const std::string& psa_customer_id, const std::string& raw_tenant_id) {
    const std::string tenant_id = Poco::toLower(Poco::trim(raw_tenant_id));
    std::lock_guard<std::mutex> lock(mutex_);
    const auto customer = store_.psa_customer(psa_customer_id);
    const auto existing = store_.mapping(psa_customer_id);
    if (!customer && !existing) throw ApiError::not_found("PSA customer " + psa_customer_id + " was never seen");
    if (!customer) throw ApiError::conflict("PSA customer " + psa_customer_id + " is no longer in the PSA; unlink it");
    auto tenant = store_.tenant(tenant_id);
    if (!tenant) throw ApiError::not_found("Acronis tenant " + tenant_id + " was never seen");
    if (store_.running_job_for(psa_customer_id))
        throw ApiError::conflict("a provisioning job is running for " + customer->name);
    if (existing && existing->state == core::MappingState::mapped && existing->tenant_id == tenant_id) return row_for(psa_customer_id);
    if (existing && (existing->state != core::MappingState::failed || existing->tenant_id))
        throw ApiError::conflict(customer->name + " is already mapped; unlink it first");
    if (auto other = store_.mapping_for_tenant(tenant_id))
        throw ApiError::conflict("tenant " + tenant->name + " is mapped to another customer (" + other->psa_customer_name + ")");
    if (!tenant->manageable()) throw ApiError::not_manageable("tenant_id", tenant->name + ": " + tenant->unmanageable_reason());

    // A fresh look at the tenant: the cached one may be minutes old.
    try {
        auto live = acronis_.get_tenant(tenant_id);
        if (!live.manageable()) throw ApiError::not_manageable("tenant_id", live.name + ": " + live.unmanageable_reason());
        tenant = live;
    } catch (const core::AuthenticationError& e) {
        // Credentials or a certificate refused: the connection is at fault, not this mapping.
        throw ApiError::upstream(e.what());
    } catch (const core::UpstreamError& e) {
        if (e.status() == 404) throw ApiError::not_manageable("tenant_id", tenant->name + ": the tenant was deleted");
        if (e.status() == 403) throw ApiError::not_manageable("tenant_id", tenant->name + ": the tenant is in self-service mode");
        core::Mapping failed;
        failed.psa_customer_id = psa_customer_id;
        failed.psa_customer_name = customer->name;
        failed.tenant_name = tenant->name;
        failed.state = core::MappingState::failed;
        failed.error = "mapping to " + tenant->name + " failed: " + e.what();
        failed.updated_ns = now_ns();
        store_.put_mapping(failed);
        record("mapping_failed", "failed", customer->name + " → " + tenant->name + ": " + e.what(),
               {{"psa_customer_id", psa_customer_id}, {"tenant_id", tenant_id}});
        throw ApiError::upstream("Acronis: " + std::string(e.what()));
    }
    core::Mapping m;
    m.psa_customer_id = psa_customer_id;
    m.tenant_id = tenant_id;
    m.psa_customer_name = customer->name;
    m.tenant_name = tenant->name;
    m.state = core::MappingState::mapped;
    m.source = "manual";
    m.updated_ns = now_ns();
    try {
        store_.put_mapping(m);
    } catch (const core::StoreConflict& e) {
        throw ApiError::conflict(e.what());
    }
    record("mapping_created", "ok", customer->name + " → " + tenant->name,
           {{"psa_customer_id", psa_customer_id}, {"tenant_id", tenant_id}});
    return row_for(psa_customer_id);
}

CustomerRow MappingService::unmap(const std::string& psa_customer_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto existing = store_.mapping(psa_customer_id);
    if (!existing && !store_.psa_customer(psa_customer_id))
        throw ApiError::not_found("PSA customer " + psa_customer_id + " was never seen");
    if (store_.running_job_for(psa_customer_id))
        throw ApiError::conflict("a provisioning job is running for customer " + psa_customer_id);
    CustomerRow row = row_for(psa_customer_id);
    if (existing) {
        store_.remove_mapping(psa_customer_id);
        std::map<std::string, std::string> subjects = {{"psa_customer_id", psa_customer_id}};
        if (existing->tenant_id) subjects["tenant_id"] = *existing->tenant_id;
        record("mapping_removed", "ok",
               existing->psa_customer_name + (existing->tenant_id ? " unlinked from " + existing->tenant_name : " unlinked"),
               subjects);
    }
    row.mapping = "not_mapped";
    row.tenant_id.reset();
    row.tenant_name.reset();
    row.error.reset();
    return row;
}

core::ProvisioningJob MappingService::map_new(const std::string& psa_customer_id) {
    if (!context_.is_enabled("provisioning"))
        throw ApiError::unavailable("the provisioning module is not enabled (host.modules)");
    std::lock_guard<std::mutex> lock(mutex_);
    const auto customer = store_.psa_customer(psa_customer_id);
    if (!customer) {
        if (store_.mapping(psa_customer_id))
            throw ApiError::conflict("PSA customer " + psa_customer_id + " is no longer in the PSA; unlink it");
        throw ApiError::not_found("PSA customer " + psa_customer_id + " was never seen");
    }
    if (store_.running_job_for(psa_customer_id)) throw ApiError::conflict("a provisioning job is already running for " + customer->name);
    core::ProvisioningJob job;
    try {
        job = store_.start_provisioning(psa_customer_id, customer->name, now_ns());
    } catch (const core::StoreConflict& e) {
        throw ApiError::conflict(customer->name + " is already mapped; unlink it first");
    }
    context_.request_run("provisioning");
    return job;
}

WizardState MappingService::wizard() const {
    WizardState state;
    auto section = store_.settings(kWizardSection);
    state.pending = section->optValue<bool>("pending", false);
    if (auto known = section->getArray("known"))
        for (std::size_t i = 0; i < known->size(); ++i) state.known.insert(known->getElement<std::string>(static_cast<unsigned>(i)));
    return state;
}

void MappingService::save_wizard(const WizardState& state) {
    Poco::JSON::Object::Ptr section = new Poco::JSON::Object;
    section->set("pending", state.pending);
    Poco::JSON::Array::Ptr known = new Poco::JSON::Array;
    for (const auto& key : state.known) known->add(key);
    section->set("known", known);
    store_.put_settings(kWizardSection, section);
}

std::pair<bool, std::optional<std::string>> MappingService::marketplace_available() const {
    const bool available = store_.settings(kStateSection)->optValue<bool>("linked_available", false);
    if (available) return {true, std::nullopt};
    return {false, std::string("the PSA has no linked-customers endpoint (acpsa.psa.path.linked_customers)")};
}

std::vector<ConfirmResult> MappingService::confirm(const std::vector<std::string>& psa_customer_ids) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto proposals = store_.proposals();
    const auto skipped = store_.skipped_proposals();
    std::vector<ConfirmResult> results;
    std::set<std::string> confirmed;
    for (const auto& id : psa_customer_ids) {
        auto proposal = std::find_if(proposals.begin(), proposals.end(),
                                     [&](const core::MarketplaceProposal& p) { return p.psa_customer_id == id; });
        if (proposal == proposals.end() || confirmed.count(id)) {
            results.push_back({id, "failed", std::nullopt, std::string("no longer proposed")});
            continue;
        }
        auto fail = [&](const std::string& why) { results.push_back({id, "failed", std::nullopt, why}); };
        const auto tenant = store_.tenant(proposal->tenant_id);
        const auto existing = store_.mapping(id);
        if (!tenant || !tenant->manageable()) {
            fail("the tenant cannot be managed" + (tenant ? ": " + tenant->unmanageable_reason() : std::string()));
            continue;
        }
        if (existing && (existing->state != core::MappingState::failed || existing->tenant_id)) {
            fail("the PSA customer is already mapped");
            continue;
        }
        if (store_.running_job_for(id)) {
            fail("a provisioning job is running for the customer");
            continue;
        }
        core::Mapping m;
        m.psa_customer_id = id;
        m.tenant_id = proposal->tenant_id;
        m.psa_customer_name = proposal->psa_customer_name;
        m.tenant_name = proposal->tenant_name;
        m.state = core::MappingState::mapped;
        m.source = "marketplace";
        m.updated_ns = now_ns();
        try {
            store_.put_mapping(m);
        } catch (const core::StoreConflict&) {
            fail("the tenant is already mapped to another customer");
            continue;
        }
        confirmed.insert(id);
        record("marketplace_confirmed", "ok",
               proposal->psa_customer_name + " → " + proposal->tenant_name + " (Ingram account " + proposal->osa_account_id + ")",
               {{"psa_customer_id", id}, {"tenant_id", proposal->tenant_id}});
        results.push_back({id, "mapped", proposal->tenant_id, std::nullopt});
    }
    const auto decided = after_decision(proposals);
    proposals.erase(std::remove_if(proposals.begin(), proposals.end(),
                                   [&](const core::MarketplaceProposal& p) { return confirmed.count(p.psa_customer_id) > 0; }),
                    proposals.end());
    store_.replace_proposals(proposals, skipped);
    save_wizard(decided);
    return results;
}

void MappingService::dismiss() {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto proposals = store_.proposals();
    save_wizard(after_decision(proposals));
    record("marketplace_dismissed", "ok",
           "Ingram Marketplace wizard dismissed with " + std::to_string(proposals.size()) + " proposals open", {});
}

ConnectionCheck MappingService::check_acronis() {
    ConnectionCheck check;
    try {
        // A client of its own: a fresh token proves the credentials now.
        core::AcronisClient fresh(acronis_.settings(), context_.clock(), context_.logger());
        check.partner_tenant_id = fresh.partner_tenant_id();
        fresh.get_tenant(*check.partner_tenant_id);
        check.ok = true;
    } catch (const std::exception& e) {
        check.message = e.what();
    }
    return check;
}

ConnectionCheck MappingService::check_psa() {
    ConnectionCheck check;
    try {
        psa_.ticket_statuses();
        check.ok = true;
    } catch (const std::exception& e) {
        check.message = e.what();
    }
    return check;
}

}  // namespace acpsa::mapping
