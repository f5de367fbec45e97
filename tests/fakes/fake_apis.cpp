#include "fake_apis.hpp"

#include <Poco/String.h>

#include <algorithm>
#include <stdexcept>

namespace fakes {

using namespace acpsa::core;

namespace {

std::int64_t clock_ns(const hostsdk::Clock& clock) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock.now().time_since_epoch()).count();
}

[[noreturn]] void not_faked(const char* call) { throw std::logic_error(std::string("the fake does not model ") + call); }

/// Throws what the real client throws for `fault` (the create-specific ones are handled by the caller).
[[noreturn]] void throw_fault(const std::string& service, const std::string& call, Fault fault) {
    switch (fault) {
        case Fault::refused: throw UpstreamError(service, call, 400, "", "refused by the fake", false);
        case Fault::unauthorized: throw AuthenticationError(service, call, 401, "credentials refused by the fake");
        case Fault::commit_then_504:
        case Fault::accepted_no_id: throw OutcomeUnknownError(service, call, 504, "gateway timeout from the fake");
        case Fault::unavailable: break;
    }
    throw UpstreamError(service, call, 503, "", "unavailable in the fake", true);
}

}  // namespace

std::optional<Fault> Faults::take(const std::string& call) {
    auto it = queued_.find(call);
    if (it == queued_.end() || it->second.empty()) return std::nullopt;
    const Fault fault = it->second.front();
    it->second.pop_front();
    return fault;
}

// ---- Acronis

FakeAcronis::FakeAcronis(const hostsdk::Clock& clock) : clock_(clock) {
    settings_.alerts_overlap = std::chrono::seconds(60);
    settings_.initial_lookback = std::chrono::hours(24);  // a first cycle sees what was raised before it
}

std::int64_t FakeAcronis::now_ns() const { return clock_ns(clock_); }

std::int64_t FakeAcronis::next_change_ns() {
    last_change_ns_ = std::max(last_change_ns_ + 1, now_ns());
    return last_change_ns_;
}

void FakeAcronis::fail_if_faulted(const std::string& call) {
    calls_.push_back(call);
    if (auto fault = faults.take(call)) throw_fault("acronis", call, *fault);
}

Alert& FakeAcronis::raise(const std::string& id, const std::string& tenant_id, const std::string& type,
                          std::optional<std::string> resource_id) {
    auto it = std::find_if(alerts_.begin(), alerts_.end(), [&](const Alert& a) { return a.id == id; });
    if (it == alerts_.end()) {
        Alert a;
        a.id = id;
        a.type = type;
        a.category = "Backup";
        a.severity = "error";
        a.tenant_id = tenant_id;
        a.created_ns = now_ns();
        a.resource_id = resource_id;
        if (resource_id) a.resource_name = "Machine " + *resource_id;
        alerts_.push_back(a);
        it = alerts_.end() - 1;
    }
    it->received_ns = now_ns();
    it->updated_ns = next_change_ns();
    it->deleted_ns.reset();
    return *it;
}

void FakeAcronis::clear(const std::string& id) {
    for (auto& a : alerts_)
        if (a.id == id) {
            a.updated_ns = next_change_ns();
            a.deleted_ns = a.updated_ns;
        }
}

const Alert* FakeAcronis::alert(const std::string& id) const {
    for (const auto& a : alerts_)
        if (a.id == id) return &a;
    return nullptr;
}

AlertPoll FakeAcronis::alerts_changed_since(std::int64_t watermark_ns,
                                            const std::function<bool(const std::string&, std::int64_t)>& already_processed) {
    fail_if_faulted("alerts_changed_since");
    const std::int64_t from = watermark_ns - settings_.alerts_overlap.count() * 1000000000LL;
    AlertPoll poll;
    poll.watermark_ns = watermark_ns;
    for (const auto& a : alerts_) {
        if (a.updated_ns <= from) continue;
        poll.watermark_ns = std::max(poll.watermark_ns, a.updated_ns);
        if (already_processed && already_processed(a.id, a.updated_ns)) continue;
        poll.alerts.push_back(a);
    }
    std::stable_sort(poll.alerts.begin(), poll.alerts.end(),
                     [](const Alert& a, const Alert& b) { return a.updated_ns < b.updated_ns; });
    return poll;
}

std::int64_t FakeAcronis::first_watermark_ns() const {
    return now_ns() - settings_.initial_lookback.count() * 1000000000LL + settings_.alerts_overlap.count() * 1000000000LL;
}

bool FakeAcronis::dismiss_alert(const std::string& alert_id) {
    fail_if_faulted("dismiss_alert");
    for (auto& a : alerts_)
        if (Poco::icompare(a.id, alert_id) == 0 && !a.deleted_ns) {
            a.updated_ns = next_change_ns();
            a.deleted_ns = a.updated_ns;
            dismissed.push_back(a.id);
            return true;
        }
    return false;
}

std::vector<AlertType> FakeAcronis::list_alert_types() {
    fail_if_faulted("list_alert_types");
    return {{"BackupFailed", "Backup", "error", true}, {"BackupDidNotStart", "Backup", "warning", true}};
}

std::vector<Tenant> FakeAcronis::list_customer_tenants() {
    fail_if_faulted("list_customer_tenants");
    std::vector<Tenant> customers;
    for (const auto& t : tenants)
        if (t.kind == "customer" && !t.deleted) customers.push_back(t);
    return customers;
}

Tenant FakeAcronis::get_tenant(const std::string& tenant_id) {
    fail_if_faulted("get_tenant");
    for (const auto& t : tenants)
        if (t.id == tenant_id) return t;
    throw UpstreamError("acronis", "get_tenant", 404, "", "no tenant " + tenant_id, false);
}

Tenant FakeAcronis::create_tenant(const NewTenant& request) {
    calls_.push_back("create_tenant");
    const auto fault = faults.take("create_tenant");
    if (fault && *fault != Fault::commit_then_504) throw_fault("acronis", "create_tenant", *fault);
    for (const auto& t : tenants)
        if (Poco::icompare(t.name, request.name) == 0)
            throw UpstreamError("acronis", "create_tenant", 409, "1004", "name taken", false);
    Tenant t;
    t.id = "tenant-" + std::to_string(tenants.size() + 1);
    t.name = request.name;
    t.kind = "customer";
    t.parent_id = "partner";
    t.internal_tag = request.internal_tag;
    if (request.contact) t.contact = *request.contact;
    tenants.push_back(t);
    if (fault) throw OutcomeUnknownError("acronis", "create_tenant", 504, "gateway timeout from the fake");
    return t;
}

std::optional<Tenant> FakeAcronis::find_tenant_by_tag(const std::string& internal_tag) {
    fail_if_faulted("find_tenant_by_tag");
    for (const auto& t : tenants)
        if (t.internal_tag == internal_tag) return t;
    return std::nullopt;
}

void FakeAcronis::set_tenant_mfa(const std::string& tenant_id, bool enabled) {
    fail_if_faulted("set_tenant_mfa");
    for (auto& t : tenants)
        if (t.id == tenant_id) t.mfa_status = enabled ? "enabled" : "disabled";
}

LoginCheck FakeAcronis::check_login(const std::string& login) {
    fail_if_faulted("check_login");
    for (const auto& [id, u] : users)
        if (Poco::icompare(u.login, login) == 0) return LoginCheck::taken;
    return LoginCheck::free;
}

User FakeAcronis::create_user(const std::string& tenant_id, const std::string& login, const AcronisContact& contact) {
    calls_.push_back("create_user");
    const auto fault = faults.take("create_user");
    if (fault && *fault != Fault::commit_then_504) throw_fault("acronis", "create_user", *fault);
    User u;
    u.id = "user-" + std::to_string(users.size() + 1);
    u.tenant_id = tenant_id;
    u.login = login;
    u.contact = contact;
    users[u.id] = u;
    if (fault) throw OutcomeUnknownError("acronis", "create_user", 504, "gateway timeout from the fake");
    return u;
}

std::vector<std::string> FakeAcronis::list_tenant_users(const std::string& tenant_id) {
    fail_if_faulted("list_tenant_users");
    std::vector<std::string> ids;
    for (const auto& [id, u] : users)
        if (u.tenant_id == tenant_id) ids.push_back(id);
    return ids;
}

User FakeAcronis::get_user(const std::string& user_id) {
    fail_if_faulted("get_user");
    auto it = users.find(user_id);
    if (it == users.end()) throw UpstreamError("acronis", "get_user", 404, "", "no user " + user_id, false);
    return it->second;
}

void FakeAcronis::grant_company_admin(const std::string& user_id, const std::string&) {
    fail_if_faulted("grant_company_admin");
    if (!users.count(user_id)) not_faked("grant_company_admin for an unknown user");
}

void FakeAcronis::send_activation_email(const std::string& user_id) {
    fail_if_faulted("send_activation_email");
    if (!users.count(user_id)) not_faked("send_activation_email for an unknown user");
}

void FakeAcronis::set_password(const std::string& user_id, const std::string&) {
    fail_if_faulted("set_password");
    users.at(user_id).activated = true;
}

// ---- PSA

FakePsa::FakePsa(const hostsdk::Clock& clock) : clock_(clock) {
    statuses = {{"1", "New", false, true}, {"2", "In Progress", false, false}, {"3", "Fixed", true, false}, {"4", "Closed", true, false}};
}

std::int64_t FakePsa::now_ns() const { return clock_ns(clock_); }

void FakePsa::fail_if_faulted(const std::string& call) {
    calls_.push_back(call);
    if (auto fault = faults.take(call)) throw_fault("psa", call, *fault);
}

std::size_t FakePsa::count(const std::string& name) const {
    return static_cast<std::size_t>(std::count(calls_.begin(), calls_.end(), name));
}

FakeTicket* FakePsa::find(const std::string& ref) {
    for (auto& t : tickets)
        if (t.row.ref == ref) return &t;
    return nullptr;
}

FakeTicket& FakePsa::existing(const TicketHandle& handle) {
    for (auto& t : tickets)
        if ((!handle.ref.empty() && t.row.ref == handle.ref) || (handle.ref.empty() && t.row.id == handle.id)) return t;
    throw UpstreamError("psa", "ticket", 404, "", "no ticket " + handle.ref + handle.id, false);
}

std::vector<PsaCustomer> FakePsa::list_customers() {
    fail_if_faulted("list_customers");
    return customers;
}

std::optional<PsaContact> FakePsa::primary_contact(const PsaCustomer& customer) {
    fail_if_faulted("primary_contact");
    const auto space = customer.primary_contact_full_name.rfind(' ');
    if (space == std::string::npos) return std::nullopt;
    return PsaContact{customer.primary_contact_full_name.substr(0, space), customer.primary_contact_full_name.substr(space + 1),
                      "admin@" + customer.id + ".example"};
}

std::optional<std::vector<LinkedCustomer>> FakePsa::linked_customers() {
    fail_if_faulted("linked_customers");
    return std::nullopt;
}

std::vector<LookupItem> FakePsa::ticket_types() {
    fail_if_faulted("ticket_types");
    return {{"1", "Incident", false, false}};
}

std::vector<LookupItem> FakePsa::ticket_categories(const std::string&) {
    fail_if_faulted("ticket_categories");
    return {{"1", "Backup", false, false}};
}

std::vector<LookupItem> FakePsa::ticket_statuses() {
    fail_if_faulted("ticket_statuses");
    return statuses;
}

std::vector<LookupItem> FakePsa::teams() {
    fail_if_faulted("teams");
    return {{"1", "Service Desk", false, false}};
}

TicketHandle FakePsa::create_ticket(const NewTicket& request) {
    calls_.push_back("create_ticket");
    const auto fault = faults.take("create_ticket");
    if (fault && *fault != Fault::commit_then_504 && *fault != Fault::accepted_no_id) throw_fault("psa", "create_ticket", *fault);
    FakeTicket t;
    t.row.id = std::to_string(next_id_++);
    t.row.ref = std::to_string(10000 + next_id_);
    t.row.title = request.title;
    t.row.type = request.type;
    t.row.status = request.status.empty() ? "New" : request.status;
    for (const auto& c : customers)
        if (c.id == request.customer) t.row.customer_name = c.name;
    if (t.row.customer_name.empty()) t.row.customer_name = request.customer_name;
    t.row.created_ns = t.row.updated_ns = now_ns();
    t.customer = request.customer;
    t.category = request.category;
    t.team = request.team;
    tickets.push_back(t);
    if (fault == Fault::commit_then_504)
        throw PendingCreateError("psa", "POST create ticket", 504, "gateway timeout from the fake", false);
    if (fault == Fault::accepted_no_id)
        throw PendingCreateError("psa", "POST create ticket", 200, "accepted without an id", true);
    return TicketHandle{t.row.id, t.row.ref};
}

std::optional<TicketRow> FakePsa::lookup_ticket(const std::string& marker, const std::string& customer_name, std::int64_t) {
    fail_if_faulted("lookup_ticket");
    for (const auto& t : tickets)
        if (t.listed && t.row.title.find(marker) != std::string::npos && t.row.customer_name == customer_name) return t.row;
    return std::nullopt;
}

void FakePsa::set_status(const TicketHandle& handle, const std::string& status, const std::string& comment) {
    fail_if_faulted("set_status");
    auto& t = existing(handle);
    t.row.status = status;
    t.row.updated_ns = now_ns();
    if (!comment.empty()) t.comments.push_back(comment);
    if (after_set_status) after_set_status();
}

void FakePsa::add_comment(const TicketHandle& handle, const std::string& text) {
    fail_if_faulted("add_comment");
    auto& t = existing(handle);
    t.comments.push_back(text);
    t.row.updated_ns = now_ns();
}

std::optional<TicketRow> FakePsa::ticket(const TicketHandle& handle) {
    fail_if_faulted("ticket");
    for (const auto& t : tickets)
        if (t.listed && ((!handle.ref.empty() && t.row.ref == handle.ref) || (handle.ref.empty() && t.row.id == handle.id)))
            return t.row;
    return std::nullopt;
}

std::vector<TicketRow> FakePsa::tickets_changed_since(std::int64_t watermark_ns) {
    fail_if_faulted("tickets_changed_since");
    const std::int64_t from = watermark_ns - settings_.updated_overlap.count() * 1000000000LL;
    std::vector<TicketRow> rows;
    for (const auto& t : tickets)
        if (t.listed && t.row.updated_ns && *t.row.updated_ns >= from) rows.push_back(t.row);
    std::stable_sort(rows.begin(), rows.end(), [](const TicketRow& a, const TicketRow& b) { return a.updated_ns < b.updated_ns; });
    return rows;
}

std::vector<TicketRow> FakePsa::tickets_snapshot(const std::vector<std::string>& refs) {
    fail_if_faulted("tickets_snapshot");
    std::vector<TicketRow> rows;
    for (const auto& t : tickets)
        if (t.listed && std::find(refs.begin(), refs.end(), t.row.ref) != refs.end()) rows.push_back(t.row);
    return rows;
}

void FakePsa::technician_sets(const std::string& ref, const std::string& status) {
    auto* t = find(ref);
    if (!t) throw std::logic_error("no ticket " + ref + " in the fake");
    t->row.status = status;
    t->row.updated_ns = now_ns();
}

}  // namespace fakes
