#pragma once
// In-memory fakes of the Acronis and PSA APIs for the unit tier: the engines run against them with
// a manual clock, and each call can be made to fail the way the real service fails (a refusal, a
// 5xx, a gateway timeout after the PSA committed, an accepted create without an id). Calls a fake
// does not model throw std::logic_error, so a test never passes on a call it did not expect.

#include "acpsa/core/acronis_api.hpp"
#include "acpsa/core/errors.hpp"
#include "acpsa/core/psa_api.hpp"

#include <hostsdk/clock.hpp>

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fakes {

/// How the next call of a kind fails.
enum class Fault {
    refused,          ///< 4xx: permanent
    unavailable,      ///< 503: transient, nothing happened
    commit_then_504,  ///< the PSA made the ticket, the gateway answered 504 (outcome unknown)
    accepted_no_id,   ///< 2xx without an id: the ticket exists
    unauthorized,     ///< 401: the credentials were refused
};

/// Queued faults by call name (`create_ticket`, `set_status`, ...), consumed one per call.
class Faults {
public:
    void add(const std::string& call, Fault fault) { queued_[call].push_back(fault); }
    /// The fault for this call, if one is queued.
    std::optional<Fault> take(const std::string& call);

private:
    std::map<std::string, std::deque<Fault>> queued_;
};

class FakeAcronis final : public acpsa::core::AcronisApi {
public:
    explicit FakeAcronis(const hostsdk::Clock& clock);

    const acpsa::core::AcronisSettings& settings() const noexcept override { return settings_; }
    std::uint64_t api_calls() const noexcept override { return calls_.size(); }

    std::vector<acpsa::core::Tenant> list_customer_tenants() override;
    acpsa::core::Tenant get_tenant(const std::string& tenant_id) override;
    acpsa::core::Tenant create_tenant(const acpsa::core::NewTenant& tenant) override;
    std::optional<acpsa::core::Tenant> find_tenant_by_tag(const std::string& internal_tag) override;
    void set_tenant_mfa(const std::string& tenant_id, bool enabled) override;
    acpsa::core::LoginCheck check_login(const std::string& login) override;
    acpsa::core::User create_user(const std::string& tenant_id, const std::string& login,
                                  const acpsa::core::AcronisContact& contact) override;
    std::vector<std::string> list_tenant_users(const std::string& tenant_id) override;
    acpsa::core::User get_user(const std::string& user_id) override;
    void grant_company_admin(const std::string& user_id, const std::string& tenant_id) override;
    void send_activation_email(const std::string& user_id) override;
    void set_password(const std::string& user_id, const std::string& password) override;
    acpsa::core::AlertPoll alerts_changed_since(
        std::int64_t watermark_ns, const std::function<bool(const std::string&, std::int64_t)>& already_processed) override;
    std::int64_t first_watermark_ns() const override;
    std::vector<acpsa::core::AlertType> list_alert_types() override;
    bool dismiss_alert(const std::string& alert_id) override;

    /// Raises (or raises again) an alert now: a new `updatedAt`, `deleted` cleared.
    acpsa::core::Alert& raise(const std::string& id, const std::string& tenant_id, const std::string& type = "BackupFailed",
                              std::optional<std::string> resource_id = std::nullopt);
    /// Clears an alert now (as a dismiss in the console does).
    void clear(const std::string& id);
    const acpsa::core::Alert* alert(const std::string& id) const;

    acpsa::core::AcronisSettings settings_;
    Faults faults;
    std::vector<std::string> dismissed;  ///< alert ids, in order
    std::vector<acpsa::core::Tenant> tenants;
    std::map<std::string, acpsa::core::User> users;  ///< by id
    std::vector<std::string> calls_;                 ///< call names, in order

private:
    void fail_if_faulted(const std::string& call);
    std::int64_t now_ns() const;
    /// A distinct `updatedAt` for every change (the clock may not move between two).
    std::int64_t next_change_ns();

    const hostsdk::Clock& clock_;
    std::vector<acpsa::core::Alert> alerts_;
    std::int64_t last_change_ns_ = 0;
};

struct FakeTicket {
    acpsa::core::TicketRow row;
    std::string customer;  ///< the customer's id as sent
    std::string category, team;
    std::vector<std::string> comments;
    bool listed = true;  ///< shows in the tickets report (lookup, change detection)
};

class FakePsa final : public acpsa::core::PsaApi {
public:
    explicit FakePsa(const hostsdk::Clock& clock);

    const acpsa::core::PsaSettings& settings() const noexcept override { return settings_; }
    std::uint64_t api_calls() const noexcept override { return calls_.size(); }

    std::vector<acpsa::core::PsaCustomer> list_customers() override;
    std::optional<acpsa::core::PsaContact> primary_contact(const acpsa::core::PsaCustomer& customer) override;
    std::optional<std::vector<acpsa::core::LinkedCustomer>> linked_customers() override;
    std::vector<acpsa::core::LookupItem> ticket_types() override;
    std::vector<acpsa::core::LookupItem> ticket_categories(const std::string& type = {}) override;
    std::vector<acpsa::core::LookupItem> ticket_statuses() override;
    std::vector<acpsa::core::LookupItem> teams() override;
    acpsa::core::TicketHandle create_ticket(const acpsa::core::NewTicket& ticket) override;
    std::optional<acpsa::core::TicketRow> lookup_ticket(const std::string& marker, const std::string& customer_name,
                                                        std::int64_t since_ns) override;
    void set_status(const acpsa::core::TicketHandle& ticket, const std::string& status, const std::string& comment = {}) override;
    void add_comment(const acpsa::core::TicketHandle& ticket, const std::string& text) override;
    std::optional<acpsa::core::TicketRow> ticket(const acpsa::core::TicketHandle& ticket) override;
    std::vector<acpsa::core::TicketRow> tickets_changed_since(std::int64_t watermark_ns) override;
    std::vector<acpsa::core::TicketRow> tickets_snapshot(const std::vector<std::string>& refs) override;

    /// A technician sets a ticket's status in the PSA.
    void technician_sets(const std::string& ref, const std::string& status);
    FakeTicket* find(const std::string& ref);
    /// How many calls of `name` were made.
    std::size_t count(const std::string& name) const;

    acpsa::core::PsaSettings settings_;
    Faults faults;
    /// Runs after a status change was made (e.g. another module writes the link meanwhile).
    std::function<void()> after_set_status;
    std::vector<FakeTicket> tickets;
    std::vector<acpsa::core::LookupItem> statuses;
    std::vector<acpsa::core::PsaCustomer> customers;
    std::vector<std::string> calls_;  ///< call names, in order

private:
    void fail_if_faulted(const std::string& call);
    FakeTicket& existing(const acpsa::core::TicketHandle& handle);
    std::int64_t now_ns() const;

    const hostsdk::Clock& clock_;
    int next_id_ = 5530;
};

}  // namespace fakes
