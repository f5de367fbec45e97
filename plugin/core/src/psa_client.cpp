#include "acpsa/core/psa_client.hpp"

#include "acpsa/core/json_read.hpp"
#include "acpsa/core/timestamps.hpp"

#include <hostsdk/redact.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>

namespace acpsa::core {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

const char* kService = "psa";

std::string encode(const std::string& value) { return percent_encode(value); }

std::string lower_trim(const std::string& text) { return Poco::toLower(Poco::trim(text)); }

bool contains_nocase(const std::string& haystack, const std::string& needle) {
    return Poco::toLower(haystack).find(Poco::toLower(needle)) != std::string::npos;
}

std::string cell(const Object::Ptr& row, const std::string& column) {
    if (column.empty()) return "";
    return json::text(json::get(row, column)).value_or("");
}

/// The client-side evaluation of a condition, for servers that refuse a filter (§2).
bool row_matches(const Object::Ptr& row, const GridFilter& filter) {
    const std::string value = lower_trim(cell(row, filter.field));
    const std::string data = lower_trim(filter.data);
    if (filter.op == "eq") return value == data;
    if (filter.op == "cn") return value.find(data) != std::string::npos;
    if (filter.op == "in") {
        Poco::StringTokenizer items(filter.data, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        for (const auto& item : items)
            if (lower_trim(item) == value) return true;
        return false;
    }
    if (filter.op == "ge") {
        auto a = parse_timestamp_ns(cell(row, filter.field));
        auto b = parse_timestamp_ns(filter.data);
        if (a && b) return *a >= *b;
        return value >= data;
    }
    return true;
}

}  // namespace

std::string psa_error_message(const std::string& body) {
    try {
        const Var root = json::parse(body);
        if (auto object = json::unwrap_object(root)) {
            for (const char* key : {"Message", "ExceptionMessage", "error", "error_description"})
                if (auto text = json::text(json::get(object, key))) return hostsdk::redact_secrets(*text);
        }
        if (auto text = json::text(root)) return hostsdk::redact_secrets(*text);
    } catch (const std::exception&) {
        // not JSON: the raw text below
    }
    return hostsdk::redact_secrets(Poco::trim(body.substr(0, 2048)));
}

std::optional<TicketHandle> parse_create_reply(const std::string& body, const std::string& ref_prefix) {
    Var root;
    try {
        root = json::parse(body);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    auto from_scalar = [&](const Var& value) -> std::optional<TicketHandle> {
        auto text = json::text(value);
        if (!text) return std::nullopt;
        std::string t = Poco::trim(*text);
        if (!ref_prefix.empty() && t.rfind(ref_prefix, 0) == 0) {
            const std::string ref = Poco::trim(t.substr(ref_prefix.size()));
            if (ref.empty()) return std::nullopt;  // "#" alone names no ticket
            return TicketHandle{"", ref};
        }
        if (!t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return TicketHandle{t, ""};
        return std::nullopt;
    };
    if (!root.isEmpty() && root.type() != typeid(Object::Ptr) && root.type() != typeid(Array::Ptr)) return from_scalar(root);
    auto object = json::unwrap_object(root);
    if (!object) return std::nullopt;
    TicketHandle handle;
    if (auto id = json::text(json::get(object, "Id"))) handle.id = Poco::trim(*id);
    else if (auto ticket_id = from_scalar(json::get(object, "TicketId"))) handle = *ticket_id;
    if (auto ref = json::text(json::get(object, "RefNumber"))) {
        handle.ref = Poco::trim(*ref);
        if (!ref_prefix.empty() && handle.ref.rfind(ref_prefix, 0) == 0) handle.ref = handle.ref.substr(ref_prefix.size());
    }
    if (handle.id.empty() && handle.ref.empty()) {
        // {"Data": 5531} and the like
        for (const char* key : {"data", "Data"})
            if (auto inner = from_scalar(json::get(root.type() == typeid(Object::Ptr) ? root.extract<Object::Ptr>() : nullptr, key)))
                return inner;
        return std::nullopt;
    }
    return handle;
}

PsaClient::PsaClient(PsaSettings settings, const hostsdk::Clock& clock, Poco::Logger& log, Sleeper sleeper)
    : settings_(std::move(settings)),
      clock_(clock),
      log_(log),
      endpoint_("acpsa.psa.site", psa_base_url(settings_.site), settings_.endpoint),
      sleeper_(std::move(sleeper)) {}

void PsaClient::set_sleeper(Sleeper sleeper) {
    std::lock_guard<std::mutex> lock(mutex_);
    sleeper_ = std::move(sleeper);
}

bool PsaClient::wait(std::chrono::milliseconds delay) {
    Sleeper sleeper;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        sleeper = sleeper_;
    }
    return sleeper(delay);
}

std::string PsaClient::call_name(const std::string& method, const std::string& path) const { return method + " " + path; }

std::string PsaClient::scrub(std::string text) const { return scrub_secret(std::move(text), settings_.api_key); }

std::string PsaClient::address(const TicketHandle& ticket) const {
    return ticket.ref.empty() ? ticket.id : settings_.ref_prefix + ticket.ref;
}

HttpResponse PsaClient::call(const std::string& method, const std::string& path, const std::string& query,
                             const std::optional<std::string>& json_body, Safety safety) {
    const std::string name = call_name(method, path);
    for (int attempt = 1;; ++attempt) {
        HttpRequest request;
        request.method = method;
        request.target = "/webapi/" + path + "?api_key=" + encode(settings_.api_key) + (query.empty() ? "" : "&" + query);
        request.headers = {{"Accept", "application/json"}};
        if (json_body) {
            request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
            request.body = *json_body;
        }
        request.fresh_connection = safety == Safety::not_idempotent;
        ++api_calls_;
        HttpResponse response;
        const std::chrono::milliseconds delay = retry_delay(settings_.retry, attempt, "", clock_.now());
        try {
            response = endpoint_.send(request);
        } catch (const CertificateRefusedError& e) {
            throw CertificateError(kService, name, hostsdk::redact_secrets(e.what()));
        } catch (const NotSentError& e) {
            if (attempt >= settings_.retry.max_attempts) throw UpstreamError(kService, name, 0, "", hostsdk::redact_secrets(e.what()), true);
            log_.warning("psa: " + name + " not sent (" + hostsdk::redact_secrets(e.what()) + "), retrying");
            if (!wait(delay)) throw StoppedError();
            continue;
        } catch (const NoAnswerError& e) {
            if (safety == Safety::not_idempotent && e.timed_out())
                throw PendingCreateError(kService, name, 0, hostsdk::redact_secrets(e.what()), false);
            if (safety == Safety::not_idempotent) throw OutcomeUnknownError(kService, name, 0, hostsdk::redact_secrets(e.what()));
            if (attempt >= settings_.retry.max_attempts) throw UpstreamError(kService, name, 0, "", hostsdk::redact_secrets(e.what()), true);
            log_.warning("psa: " + name + ": " + hostsdk::redact_secrets(e.what()) + ", retrying");
            if (!wait(delay)) throw StoppedError();
            continue;
        }
        if (response.status >= 200 && response.status < 300) return response;
        const std::string message = scrub(psa_error_message(response.body));
        if (response.status == 401)
            throw AuthenticationError(kService, name, 401, message + " (check acpsa.psa.api_key)");
        if (safety == Safety::not_idempotent && (response.status >= 500 || response.status == 429)) {
            // Never repeated blindly (§4): after the server's pause, the caller checks first.
            if (auto after = parse_retry_after(response.header("retry-after"), clock_.now()))
                if (!wait(std::min(*after, std::chrono::milliseconds(settings_.retry.max_delay)))) throw StoppedError();
            throw OutcomeUnknownError(kService, name, response.status, message);
        }
        if (response.status == 429 || response.status >= 500) {
            if (attempt >= settings_.retry.max_attempts) throw UpstreamError(kService, name, response.status, "", message, true);
            log_.warning("psa: " + name + " answered " + std::to_string(response.status) + ", retrying");
            if (!wait(retry_delay(settings_.retry, attempt, response.header("retry-after"), clock_.now()))) throw StoppedError();
            continue;
        }
        throw UpstreamError(kService, name, response.status, "", message, false);
    }
}

std::vector<Object::Ptr> PsaClient::grid(const std::string& path, const std::vector<GridFilter>& filters,
                                         const std::string& columns, const std::string& sort_column, bool descending,
                                         const std::string& extra_query, int page_size, bool all_pages) {
    bool server_filters = true;
    std::vector<Object::Ptr> rows;
    for (int page = 1;; ++page) {
        Object::Ptr filter = new Object;
        filter->set("pageno", page);
        filter->set("pagesize", page_size);
        Array::Ptr conditions = new Array;
        if (server_filters)
            for (const auto& f : filters) {
                Object::Ptr c = new Object;
                c->set("field", f.field);
                c->set("op", f.op);
                c->set("data", f.data);
                conditions->add(c);
            }
        filter->set("filters", conditions);
        filter->set("filterop", "AND");
        if (!sort_column.empty()) {
            filter->set("sortcolumn", sort_column);
            filter->set("sortorder", descending ? "Desc" : "Asc");
        }
        filter->set("resulttype", "Json");
        filter->set("includeccysymbols", false);
        filter->set("gridcolumns", columns + ",TotalRows");
        const std::string query = "filter=" + encode(json::stringify(Var(filter))) + (extra_query.empty() ? "" : "&" + extra_query);
        HttpResponse response;
        try {
            response = call("GET", path, query, std::nullopt, Safety::idempotent);
        } catch (const UpstreamError& e) {
            if (e.status() == 400 && server_filters && !filters.empty()) {
                // The server refused a filter: the same request without it, filtered here (§2).
                // Filtering here needs every row, so every page is read, at the full page size.
                log_.warning("psa: " + path + " refused the filter (" + e.message() + "); filtering locally");
                server_filters = false;
                all_pages = true;
                page_size = settings_.page_size;
                rows.clear();
                page = 0;
                continue;
            }
            throw;
        }
        Array::Ptr page_rows;
        try {
            page_rows = json::rows(json::parse(response.body));
        } catch (const std::exception& e) {
            throw MalformedResponseError(kService, call_name("GET", path), e.what());
        }
        if (!page_rows) throw MalformedResponseError(kService, call_name("GET", path), "not a list of rows");
        std::optional<long long> total;
        for (std::size_t i = 0; i < page_rows->size(); ++i) {
            auto row = json::object_at(page_rows, i);
            if (!row) throw MalformedResponseError(kService, call_name("GET", path), "a row is not an object");
            if (!total) total = json::integer(json::get(row, "TotalRows"));
            rows.push_back(row);
        }
        const auto fetched = page_rows->size();
        if (!all_pages || fetched == 0 || fetched < static_cast<std::size_t>(page_size)) break;
        if (total && static_cast<long long>(page * page_size) >= *total) break;
        if (settings_.page_delay.count() > 0 && !wait(settings_.page_delay)) throw StoppedError();
    }
    if (!server_filters) {
        std::vector<Object::Ptr> kept;
        for (const auto& row : rows)
            if (std::all_of(filters.begin(), filters.end(), [&](const GridFilter& f) { return row_matches(row, f); }))
                kept.push_back(row);
        return kept;
    }
    return rows;
}

std::vector<PsaCustomer> PsaClient::list_customers() {
    const auto& s = settings_;
    std::vector<std::string> columns;
    for (const auto* c : {&s.col_customer_id, &s.col_customer_name, &s.col_customer_account, &s.col_customer_status,
                          &s.col_customer_primary_contact})
        if (!c->empty()) columns.push_back(*c);
    const auto rows = grid(s.path_customers, {}, Poco::cat(std::string(","), columns.begin(), columns.end()), "", false, "",
                           s.page_size, true);
    std::vector<PsaCustomer> customers;
    for (const auto& row : rows) {
        PsaCustomer c;
        c.name = cell(row, s.col_customer_name);
        c.id = s.col_customer_id.empty() ? c.name : cell(row, s.col_customer_id);
        if (c.id.empty()) continue;
        c.account_id = cell(row, s.col_customer_account);
        c.status = cell(row, s.col_customer_status);
        c.primary_contact_full_name = cell(row, s.col_customer_primary_contact);
        customers.push_back(c);
    }
    return customers;
}

std::optional<PsaContact> PsaClient::primary_contact(const PsaCustomer& customer) {
    const auto& s = settings_;
    auto fallback = [&]() -> std::optional<PsaContact> {
        const std::string full = Poco::trim(customer.primary_contact_full_name);
        if (full.empty()) return std::nullopt;
        PsaContact contact;
        const auto space = full.rfind(' ');
        contact.first_name = space == std::string::npos ? full : full.substr(0, space);
        contact.last_name = space == std::string::npos ? "" : full.substr(space + 1);
        return contact;  // e-mail unknown
    };
    if (s.path_contacts.empty()) return fallback();
    std::vector<Object::Ptr> rows;
    try {
        rows = grid(s.path_contacts, {{s.col_contact_company_filter, "eq", customer.name}},
                    s.col_contact_first + "," + s.col_contact_last + "," + s.col_contact_email + "," + s.col_contact_is_primary +
                        "," + s.col_contact_company_filter,
                    "", false, "", 100, true);
    } catch (const UpstreamError& e) {
        if (e.status() == 404) return fallback();
        throw;
    }
    Object::Ptr chosen;
    for (const auto& row : rows)
        if (json::boolean(json::get(row, s.col_contact_is_primary)).value_or(false)) {
            chosen = row;
            break;
        }
    if (!chosen && rows.size() == 1) chosen = rows.front();
    if (!chosen) return std::nullopt;
    PsaContact contact;
    contact.first_name = Poco::trim(cell(chosen, s.col_contact_first));
    contact.last_name = Poco::trim(cell(chosen, s.col_contact_last));
    const std::string email = Poco::trim(cell(chosen, s.col_contact_email));
    if (!email.empty()) contact.email = email;
    return contact;
}

std::optional<std::vector<LinkedCustomer>> PsaClient::linked_customers() {
    const auto& s = settings_;
    if (s.path_linked_customers.empty()) return std::nullopt;
    std::string columns = s.col_linked_customer_id + "," + s.col_linked_customer_name + "," + s.col_linked_external_id;
    if (!s.col_linked_external_name.empty()) columns += "," + s.col_linked_external_name;
    if (!s.col_linked_system.empty()) columns += "," + s.col_linked_system;
    std::vector<Object::Ptr> rows;
    try {
        rows = grid(s.path_linked_customers, {}, columns, "", false,
                    encode(s.param_external_system) + "=" + encode(s.external_system), s.page_size, true);
    } catch (const UpstreamError& e) {
        if (e.status() == 404) return std::nullopt;
        throw;
    }
    std::vector<LinkedCustomer> links;
    for (const auto& row : rows) {
        if (!s.col_linked_system.empty()) {
            const std::string system = cell(row, s.col_linked_system);
            if (!system.empty() && Poco::icompare(Poco::trim(system), s.external_system) != 0) continue;
        }
        LinkedCustomer link{cell(row, s.col_linked_customer_id), cell(row, s.col_linked_customer_name),
                            Poco::trim(cell(row, s.col_linked_external_id)), cell(row, s.col_linked_external_name)};
        if (link.customer_id.empty() || link.external_id.empty()) continue;
        links.push_back(link);
    }
    return links;
}

std::vector<LookupItem> PsaClient::lookup(const std::string& path, const std::string& query, const char* what) {
    const auto response = call("GET", path, "resultType=Json" + (query.empty() ? "" : "&" + query), std::nullopt, Safety::idempotent);
    Array::Ptr rows;
    try {
        rows = json::rows(json::parse(response.body));
    } catch (const std::exception& e) {
        throw MalformedResponseError(kService, call_name("GET", path), e.what());
    }
    if (!rows) throw MalformedResponseError(kService, call_name("GET", path), std::string(what) + ": not a list");
    std::vector<LookupItem> items;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        auto row = json::object_at(rows, i);
        if (!row) continue;
        LookupItem item;
        item.id = cell(row, settings_.col_lookup_id);
        item.name = Poco::trim(cell(row, settings_.col_lookup_name));
        item.closed = json::boolean(json::get(row, settings_.col_lookup_is_closed)).value_or(false);
        item.is_default = json::boolean(json::get(row, settings_.col_lookup_is_default)).value_or(false);
        if (!item.name.empty()) items.push_back(item);
    }
    return items;
}

std::vector<LookupItem> PsaClient::report_values(const std::string& column, const std::vector<std::string>& configured) {
    std::vector<LookupItem> items;
    std::set<std::string> seen;
    auto add = [&](const std::string& name) {
        const std::string trimmed = Poco::trim(name);
        if (!trimmed.empty() && seen.insert(Poco::toLower(trimmed)).second) items.push_back(LookupItem{"", trimmed});
    };
    for (const auto& row : grid(settings_.path_tickets_report, {}, column, "", false, "", settings_.page_size, true))
        add(cell(row, column));
    for (const auto& name : configured) add(name);
    return items;
}

namespace {
std::vector<LookupItem> from_names(const std::vector<std::string>& names) {
    std::vector<LookupItem> items;
    for (const auto& name : names) items.push_back(LookupItem{"", name});
    return items;
}
}  // namespace

std::vector<LookupItem> PsaClient::ticket_types() {
    const auto& s = settings_;
    if (!s.path_ticket_types.empty()) {
        try {
            return lookup(s.path_ticket_types, "", "ticket types");
        } catch (const UpstreamError& e) {
            if (e.status() != 404) throw;
        }
    }
    return report_values(s.col_ticket_type, s.fallback_ticket_types);
}

std::vector<LookupItem> PsaClient::ticket_categories(const std::string& type) {
    const auto& s = settings_;
    if (!s.path_ticket_categories.empty()) {
        try {
            return lookup(s.path_ticket_categories, type.empty() ? "" : encode(s.param_category_ticket_type) + "=" + encode(type),
                          "ticket categories");
        } catch (const UpstreamError& e) {
            if (e.status() != 404) throw;
        }
    }
    return from_names(s.fallback_ticket_categories);
}

std::vector<LookupItem> PsaClient::ticket_statuses() {
    const auto& s = settings_;
    if (!s.path_ticket_statuses.empty()) {
        try {
            return lookup(s.path_ticket_statuses, "", "ticket statuses");
        } catch (const UpstreamError& e) {
            if (e.status() != 404) throw;
        }
    }
    // No flags in a fallback list: New is the default; Fixed, Closed and Resolved count as closed.
    auto items = report_values(s.col_ticket_status, s.fallback_ticket_statuses);
    for (auto& item : items) {
        const std::string name = Poco::toLower(item.name);
        item.is_default = name == "new";
        item.closed = name == "fixed" || name == "closed" || name == "resolved";
    }
    return items;
}

std::vector<LookupItem> PsaClient::teams() {
    const auto& s = settings_;
    if (!s.path_teams.empty()) {
        try {
            return lookup(s.path_teams, "", "teams");
        } catch (const UpstreamError& e) {
            if (e.status() != 404) throw;
        }
    }
    return from_names(s.fallback_teams);
}

std::string PsaClient::ticket_columns() const {
    const auto& s = settings_;
    std::string columns = s.col_ticket_ref;
    for (const auto* c : {&s.col_ticket_id, &s.col_ticket_title, &s.col_ticket_type, &s.col_ticket_status, &s.col_ticket_updated,
                          &s.col_ticket_created, &s.col_ticket_customer})
        if (!c->empty()) columns += "," + *c;
    return columns;
}

TicketRow PsaClient::ticket_row(const Object::Ptr& row) const {
    const auto& s = settings_;
    TicketRow t;
    t.ref = Poco::trim(cell(row, s.col_ticket_ref));
    if (!s.ref_prefix.empty() && t.ref.rfind(s.ref_prefix, 0) == 0) t.ref = t.ref.substr(s.ref_prefix.size());
    t.id = Poco::trim(cell(row, s.col_ticket_id));
    t.title = cell(row, s.col_ticket_title);
    t.type = cell(row, s.col_ticket_type);
    t.status = Poco::trim(cell(row, s.col_ticket_status));
    t.customer_name = cell(row, s.col_ticket_customer);
    if (!s.col_ticket_updated.empty()) t.updated_ns = parse_timestamp_ns(cell(row, s.col_ticket_updated), s.date_utc_offset_min);
    if (!s.col_ticket_created.empty()) t.created_ns = parse_timestamp_ns(cell(row, s.col_ticket_created), s.date_utc_offset_min);
    return t;
}

std::optional<TicketRow> PsaClient::lookup_ticket(const std::string& marker, const std::string& customer_name,
                                                  std::int64_t since_ns) {
    const auto& s = settings_;
    std::vector<GridFilter> filters = {{s.col_ticket_title, "cn", marker}, {s.col_ticket_customer, "eq", customer_name}};
    if (!s.col_ticket_created.empty())
        filters.push_back({s.col_ticket_created, "ge",
                           format_local_seconds(since_ns - 300LL * 1000000000LL, s.date_utc_offset_min)});
    const auto rows = grid(s.path_tickets_report, filters, ticket_columns(), s.col_ticket_created, false, "", 5, false);
    std::vector<TicketRow> found;
    for (const auto& row : rows) {
        auto t = ticket_row(row);
        if (contains_nocase(t.title, marker)) found.push_back(t);
    }
    if (found.empty()) return std::nullopt;
    std::stable_sort(found.begin(), found.end(), [](const TicketRow& a, const TicketRow& b) {
        return a.created_ns.value_or(0) < b.created_ns.value_or(0);
    });
    if (found.size() > 1) {
        std::string others;
        for (std::size_t i = 1; i < found.size(); ++i) others += (i > 1 ? ", #" : "#") + found[i].ref;
        log_.warning("psa: several tickets carry " + marker + ": adopting #" + found.front().ref + ", also found " + others);
    }
    return found.front();
}

TicketHandle PsaClient::create_ticket(const NewTicket& ticket) {
    const auto& s = settings_;
    // Without a marker in the title the lookup after create could adopt someone else's ticket.
    if (Poco::trim(ticket.marker).empty() || ticket.title.find(ticket.marker) == std::string::npos ||
        Poco::trim(ticket.customer_name).empty())
        throw std::invalid_argument("create_ticket: the title must carry the marker, and the customer's name is needed");
    auto lookup = [&](const std::string& why) -> std::optional<TicketRow> {
        try {
            return lookup_ticket(ticket.marker, ticket.customer_name, ticket.intent_ns);
        } catch (const AuthenticationError&) {
            throw;  // the connection is refused (key or certificate): a configuration problem, not a doubt
        } catch (const UpstreamError& e) {
            throw OutcomeUnknownError(kService, call_name("POST", s.path_create_ticket), 0,
                                      why + "; the lookup failed too: " + e.message());
        }
    };
    bool send_inferred = true;
    bool retried_unknown = false;
    for (;;) {
        Object::Ptr body = new Object;
        body->set("Title", ticket.title);
        body->set("Description", ticket.description);
        body->set("CustomerNameOrId", ticket.customer);
        body->set("TicketTypeNameOrId", ticket.type);
        if (!ticket.category.empty()) body->set("TicketCategoryNameOrId", ticket.category);
        const std::string status = ticket.status.empty() ? s.status_new : ticket.status;  // empty: the PSA's default
        const bool has_inferred = (!s.field_create_status.empty() && !status.empty()) ||
                                  (!s.field_create_team.empty() && !ticket.team.empty());
        if (send_inferred) {
            if (!s.field_create_status.empty() && !status.empty()) body->set(s.field_create_status, status);
            if (!s.field_create_team.empty() && !ticket.team.empty()) body->set(s.field_create_team, ticket.team);
        }
        HttpResponse response;
        try {
            response = call("POST", s.path_create_ticket, "", json::stringify(Var(body)), Safety::not_idempotent);
        } catch (const PendingCreateError& e) {
            // The PSA may still be making it: a lookup now could miss it and a second create
            // would duplicate it. The caller looks it up later.
            log_.warning("psa: create ticket " + ticket.marker + ": " + e.message() + "; to be looked up later");
            throw;
        } catch (const OutcomeUnknownError& e) {
            log_.warning("psa: create ticket " + ticket.marker + ": " + e.message() + "; looking it up");
            if (auto found = lookup(e.message())) return TicketHandle{found->id, found->ref};
            if (retried_unknown) throw;
            retried_unknown = true;  // not created: one more create
            continue;
        } catch (const UpstreamError& e) {
            const bool names_inferred = contains_nocase(e.message(), s.field_create_status) ||
                                        contains_nocase(e.message(), s.field_create_team) ||
                                        contains_nocase(e.message(), "status") || contains_nocase(e.message(), "team");
            if (e.status() == 400 && s.create_retry_without_inferred && send_inferred && has_inferred && names_inferred) {
                log_.warning("psa: createticket refused an inferred field (" + e.message() + "); sending without status and team");
                send_inferred = false;
                continue;
            }
            throw;
        }
        if (auto handle = parse_create_reply(response.body, s.ref_prefix)) return *handle;
        if (auto found = lookup("no ticket id in the answer")) return TicketHandle{found->id, found->ref};
        // A 2xx means it was made: never create again, let the caller look later.
        throw PendingCreateError(kService, call_name("POST", s.path_create_ticket), 200,
                                 "the PSA accepted the ticket but named no id, and no ticket carrying " + ticket.marker +
                                     " is found yet",
                                 true);
    }
}

std::optional<TicketRow> PsaClient::ticket(const TicketHandle& handle) {
    const auto& s = settings_;
    GridFilter filter = handle.ref.empty() ? GridFilter{s.col_ticket_id, "eq", handle.id} : GridFilter{s.col_ticket_ref, "eq", handle.ref};
    const auto rows = grid(s.path_tickets_report, {filter}, ticket_columns(), "", false, "", 5, false);
    for (const auto& row : rows) {
        auto t = ticket_row(row);
        if ((!handle.ref.empty() && t.ref == handle.ref) || (handle.ref.empty() && t.id == handle.id)) return t;
    }
    return std::nullopt;
}

void PsaClient::set_status(const TicketHandle& handle, const std::string& status, const std::string& comment) {
    const auto& s = settings_;
    Object::Ptr body = new Object;
    body->set(s.field_update_ref, address(handle));
    body->set(s.field_update_status, status);
    if (!comment.empty() && !s.field_update_comment.empty()) body->set(s.field_update_comment, comment);
    const std::string json_body = json::stringify(Var(body));
    auto unsupported = [&](int http_status, const std::string& detail) {
        if (s.update_status_fallback_comment) {
            add_comment(handle, "Status change requested by the integration: " + status + (comment.empty() ? "" : ". " + comment));
            return;
        }
        throw UpstreamError(kService, call_name("POST", s.path_update_status.empty() ? "(no path.update_status)" : s.path_update_status),
                            http_status, "", "status update not supported: " + detail, false);
    };
    if (s.path_update_status.empty()) return unsupported(0, "acpsa.psa.path.update_status is empty");
    for (int round = 0;; ++round) {
        try {
            call("POST", s.path_update_status, "", json_body, Safety::not_idempotent);
            return;
        } catch (const OutcomeUnknownError& e) {
            auto row = ticket(handle);
            if (row && Poco::icompare(row->status, status) == 0) return;  // it went through
            if (round > 0) throw;
            log_.warning("psa: status of " + address(handle) + " not confirmed (" + e.message() + "); sending once more");
        } catch (const UpstreamError& e) {
            if ((e.status() == 404 || e.status() == 405) && ticket(handle)) return unsupported(e.status(), e.message());
            throw;
        }
    }
}

void PsaClient::add_comment(const TicketHandle& handle, const std::string& text) {
    const auto& s = settings_;
    // addcomment's fields are verified (§3.8), not configurable.
    Object::Ptr body = new Object;
    body->set("TicketRefOrId", address(handle));
    body->set("Comment", text);
    const std::string json_body = json::stringify(Var(body));
    for (int round = 0;; ++round) {
        try {
            call("POST", s.path_add_comment, "", json_body, Safety::not_idempotent);
            return;
        } catch (const OutcomeUnknownError& e) {
            for (const auto& existing : comments(handle))
                if (Poco::trim(existing.text) == Poco::trim(text)) return;  // it went through
            if (round > 0) throw;
            log_.warning("psa: comment on " + address(handle) + " not confirmed (" + e.message() + "); sending once more");
        }
    }
}

std::vector<PsaComment> PsaClient::comments(const TicketHandle& handle) {
    const auto& s = settings_;
    const auto response = call("GET", s.path_get_comments, "idOrRef=" + encode(address(handle)) + "&resultType=Json",
                               std::nullopt, Safety::idempotent);
    Array::Ptr rows;
    try {
        rows = json::rows(json::parse(response.body));
    } catch (const std::exception& e) {
        throw MalformedResponseError(kService, call_name("GET", s.path_get_comments), e.what());
    }
    std::vector<PsaComment> out;
    if (!rows) throw MalformedResponseError(kService, call_name("GET", s.path_get_comments), "not a list of comments");
    for (std::size_t i = 0; i < rows->size(); ++i) {
        auto row = json::object_at(rows, i);
        if (!row) continue;
        out.push_back(PsaComment{cell(row, "Id"), cell(row, s.col_comment_text), cell(row, "CreatedDate")});
    }
    return out;
}

std::vector<TicketRow> PsaClient::tickets_changed_since(std::int64_t watermark_ns) {
    const auto& s = settings_;
    if (!s.date_mode()) throw std::logic_error("tickets_changed_since needs acpsa.psa.col.ticket_updated (date mode)");
    const std::int64_t since = std::max<std::int64_t>(0, watermark_ns - s.updated_overlap.count() * 1000000000LL);
    const auto rows = grid(s.path_tickets_report, {{s.col_ticket_updated, "ge", format_local_seconds(since, s.date_utc_offset_min)}},
                           ticket_columns(), s.col_ticket_updated, false, "", s.page_size, true);
    std::vector<TicketRow> tickets;
    for (const auto& row : rows) tickets.push_back(ticket_row(row));
    return tickets;
}

std::vector<TicketRow> PsaClient::tickets_snapshot(const std::vector<std::string>& refs) {
    const auto& s = settings_;
    std::vector<TicketRow> tickets;
    for (std::size_t start = 0; start < refs.size(); start += static_cast<std::size_t>(s.snapshot_chunk)) {
        const auto end = std::min(refs.size(), start + static_cast<std::size_t>(s.snapshot_chunk));
        const std::string list = Poco::cat(std::string(","), refs.begin() + static_cast<long>(start), refs.begin() + static_cast<long>(end));
        for (const auto& row : grid(s.path_tickets_report, {{s.col_ticket_ref, "in", list}}, ticket_columns(), "", false, "",
                                    s.page_size, true))
            tickets.push_back(ticket_row(row));
    }
    return tickets;
}

}  // namespace acpsa::core
