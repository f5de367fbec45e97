#include "emulator/psa_service.hpp"

#include "emulator/json_util.hpp"
#include "emulator/text_util.hpp"
#include "emulator/time_util.hpp"

#include <Poco/NumberParser.h>
#include <Poco/RegularExpression.h>
#include <Poco/String.h>

#include <algorithm>

namespace emulator {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

EmuResponse message(int status, const std::string& text) {
    Object::Ptr body = new Object;
    body->set("Message", text);
    return json_reply(status, body);
}

EmuResponse array_reply(const Array::Ptr& array) { return json_reply(200, to_json(array)); }

bool version_segment(const std::string& text) {
    static const Poco::RegularExpression pattern("^v[0-9]+(\\.[0-9]+)?$");
    return pattern.match(text);
}

/// A `...NameOrId` / `...RefOrId` value: a JSON string or number, as text.
std::optional<std::string> name_or_id(const Object::Ptr& body, const std::string& key) {
    for (const auto& [name, value] : *body) {
        if (Poco::icompare(name, key) != 0 || value.isEmpty()) continue;
        if (value.isString() || value.isNumeric()) return Poco::trim(value.toString());
        throw JsonShapeError(key + " must be a string or a number");
    }
    return std::nullopt;
}

std::optional<std::string> text_field(const Object::Ptr& body, const std::string& key) {
    for (const auto& [name, value] : *body) {
        if (Poco::icompare(name, key) != 0 || value.isEmpty()) continue;
        if (!value.isString()) throw JsonShapeError(key + " must be a string");
        return value.extract<std::string>();
    }
    return std::nullopt;
}

}  // namespace

PsaService::PsaService(PsaSeed seed) : data_(std::move(seed)) {
    actions_ = {
        {"GET", "companies", "getcustomers", &PsaService::customers},
        {"GET", "contacts", "getcontacts", &PsaService::contacts},
        {"GET", "externalsystems", "getlinkedcustomers", &PsaService::linked_customers},
        {"GET", "tickets", "gettickettypes", &PsaService::ticket_types},
        {"GET", "tickets", "getticketcategories", &PsaService::ticket_categories},
        {"GET", "tickets", "getticketstatuses", &PsaService::ticket_statuses},
        {"GET", "teams", "getteams", &PsaService::teams},
        {"POST", "tickets", "createticket", &PsaService::create_ticket},
        {"POST", "tickets", "updateticketstatus", &PsaService::update_status},
        {"GET", "tickets", "getticketsreport", &PsaService::tickets_report},
        {"POST", "tickets", "addcomment", &PsaService::add_comment},
        {"GET", "tickets", "getcommentsbyticketreference", &PsaService::get_comments},
    };
}

const PsaService::Action* PsaService::find_action(const EmuRequest& request, bool& path_known) const {
    path_known = false;
    const auto segments = split_segments(request.path);
    if (segments.size() != 4 || segments[0] != "webapi" || !version_segment(segments[1])) return nullptr;
    for (const auto& action : actions_) {
        if (Poco::icompare(action.module, segments[2]) != 0 || Poco::icompare(action.action, segments[3]) != 0) continue;
        path_known = true;
        if (action.method == request.method) return &action;
    }
    return nullptr;
}

std::string PsaService::route_template(const EmuRequest& request) const {
    const auto segments = split_segments(request.path);
    if (segments.size() == 4 && segments[0] == "webapi" && version_segment(segments[1]))
        return request.method + " /webapi/{ver}/" + Poco::toLower(segments[2]) + "/" + Poco::toLower(segments[3]);
    return request.method + " " + request.path;
}

std::vector<std::string> PsaService::known_routes() const {
    std::vector<std::string> routes;
    for (const auto& a : actions_) routes.push_back(a.method + " /webapi/{ver}/" + a.module + "/" + a.action);
    return routes;
}

EmuResponse PsaService::fault_error(int status, const EmuRequest&) const {
    const std::string text = status == 401   ? "Authorization has been denied for this request."
                             : status == 429 ? "Too many requests."
                             : status == 503 ? "The service is unavailable."
                                             : "An error has occurred.";
    return message(status, text);
}

EmuResponse PsaService::error_reply(int status, const EmuRequest&, const std::string& text) const {
    return message(status, text);
}

EmuResponse PsaService::handle(const EmuRequest& request) {
    const std::string key = request.param_nocase("api_key");
    bool authorized = false;
    for (const auto& valid : data_.api_keys) authorized = authorized || (!key.empty() && key == valid);
    if (!authorized) return fault_error(401, request);
    bool path_known = false;
    const Action* action = find_action(request, path_known);
    if (!action) {
        if (path_known) return message(405, "The requested resource does not support http method '" + request.method + "'.");
        return message(404, "No HTTP resource was found that matches the request URI '" + request.path + "'.");
    }
    if (request.method == "POST" && !is_json_content_type(request.content_type))  // psa-api §1: JSON on every POST
        return message(415, "The request entity's media type '" + request.content_type +
                                "' is not supported for this resource.");
    try {
        return (this->*(action->handler))(request);
    } catch (const GridError& e) {
        return message(400, e.what());
    } catch (const JsonShapeError& e) {
        return message(400, e.what());
    }
}

EmuResponse PsaService::grid(const EmuRequest& request, const Columns& columns, const std::vector<Row>& rows) const {
    std::optional<std::string> filter;
    for (const auto& [name, value] : request.query)
        if (Poco::icompare(name, "filter") == 0) filter = value;
    const auto query = parse_grid_query(filter, columns);
    return array_reply(run_grid(query, columns, rows));
}

const Customer* PsaService::find_customer(long long id) const {
    for (const auto& c : data_.customers)
        if (c.id == id) return &c;
    return nullptr;
}

const Lookup* PsaService::resolve(const std::vector<Lookup>& items, const std::string& value) {
    for (const auto& item : items)
        if (std::to_string(item.id) == value) return &item;
    for (const auto& item : items)
        if (Poco::icompare(Poco::trim(item.name), Poco::trim(value)) == 0) return &item;
    return nullptr;
}

const Customer* PsaService::resolve_customer(const std::string& value) const {
    for (const auto& c : data_.customers)
        if (std::to_string(c.id) == value) return &c;
    for (const auto& c : data_.customers)
        if (Poco::icompare(Poco::trim(c.name), Poco::trim(value)) == 0) return &c;
    return nullptr;
}

Ticket* PsaService::resolve_ticket(const std::string& value) {
    const std::string v = Poco::trim(value);
    if (!v.empty() && v[0] == '#') {
        for (auto& t : tickets_)
            if (t.ref == v.substr(1)) return &t;
        return nullptr;
    }
    for (auto& t : tickets_)
        if (std::to_string(t.id) == v) return &t;
    return nullptr;
}

std::string PsaService::now_date() { return psa_date(now_ns()); }

// ---- grids ----

EmuResponse PsaService::customers(const EmuRequest& request) {
    static const Columns columns = {{"Id", ColumnType::number},
                                    {"CompanyName", ColumnType::text},
                                    {"AccountID", ColumnType::text},
                                    {"Status", ColumnType::text},
                                    {"PrimaryContactFullName", ColumnType::text}};
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Row> rows;
    for (const auto& c : data_.customers) {
        std::string primary;
        for (const auto& contact : data_.contacts)
            if (contact.customer_id == c.id && contact.primary)
                primary = Poco::trim(contact.first_name + " " + contact.last_name);
        rows.push_back({{"Id", Cell::of_number(c.id)},
                        {"CompanyName", Cell::of_text(c.name)},
                        {"AccountID", Cell::of_text(c.account_id)},
                        {"Status", Cell::of_text(c.status)},
                        {"PrimaryContactFullName", Cell::of_text(primary)}});
    }
    return grid(request, columns, rows);
}

EmuResponse PsaService::contacts(const EmuRequest& request) {
    static const Columns columns = {{"FirstName", ColumnType::text}, {"LastName", ColumnType::text},
                                    {"Email", ColumnType::text},     {"IsPrimary", ColumnType::boolean},
                                    {"CompanyName", ColumnType::text}, {"CustomerId", ColumnType::number}};
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Row> rows;
    for (const auto& c : data_.contacts) {
        const Customer* customer = find_customer(c.customer_id);
        if (!customer) continue;
        rows.push_back({{"FirstName", Cell::of_text(c.first_name)},
                        {"LastName", Cell::of_text(c.last_name)},
                        {"Email", Cell::of_text(c.email)},
                        {"IsPrimary", Cell::of_bool(c.primary)},
                        {"CompanyName", Cell::of_text(customer->name)},
                        {"CustomerId", Cell::of_number(c.customer_id)}});
    }
    return grid(request, columns, rows);
}

EmuResponse PsaService::linked_customers(const EmuRequest& request) {
    static const Columns columns = {{"CustomerId", ColumnType::number},
                                    {"CompanyName", ColumnType::text},
                                    {"ExternalSystem", ColumnType::text},
                                    {"ExternalId", ColumnType::text},
                                    {"ExternalCustomerName", ColumnType::text}};
    const std::string system = request.param_nocase("externalSystem");
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Row> rows;
    for (const auto& l : data_.links) {
        const Customer* customer = find_customer(l.customer_id);
        if (!customer) continue;
        if (!system.empty() && Poco::icompare(Poco::trim(system), l.system) != 0) continue;
        rows.push_back({{"CustomerId", Cell::of_number(l.customer_id)},
                        {"CompanyName", Cell::of_text(customer->name)},
                        {"ExternalSystem", Cell::of_text(l.system)},
                        {"ExternalId", Cell::of_text(l.external_id)},
                        {"ExternalCustomerName", Cell::of_text(l.external_name)}});
    }
    return grid(request, columns, rows);
}

EmuResponse PsaService::tickets_report(const EmuRequest& request) {
    static const Columns columns = {{"RefNumber", ColumnType::text},   {"Id", ColumnType::number},
                                    {"Name", ColumnType::text},        {"Type", ColumnType::text},
                                    {"Category", ColumnType::text},    {"Team", ColumnType::text},
                                    {"Status", ColumnType::text},      {"UpdatedDate", ColumnType::date},
                                    {"CreatedDate", ColumnType::date}, {"CustomerName", ColumnType::text},
                                    {"CustomerId", ColumnType::number}};
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Row> rows;
    for (const auto& t : tickets_) {
        const Customer* customer = find_customer(t.customer_id);
        rows.push_back({{"RefNumber", Cell::of_text(t.ref)},
                        {"Id", Cell::of_number(t.id)},
                        {"Name", Cell::of_text(t.title)},
                        {"Type", Cell::of_text(t.type)},
                        {"Category", Cell::of_text(t.category)},
                        {"Team", Cell::of_text(t.team)},
                        {"Status", Cell::of_text(t.status)},
                        {"UpdatedDate", Cell::of_date(*parse_psa_date(t.updated), t.updated)},
                        {"CreatedDate", Cell::of_date(*parse_psa_date(t.created), t.created)},
                        {"CustomerName", Cell::of_text(customer ? customer->name : "")},
                        {"CustomerId", Cell::of_number(t.customer_id)}});
    }
    return grid(request, columns, rows);
}

// ---- lookups ----

namespace {
Array::Ptr lookup_array(const std::vector<Lookup>& items, bool status) {
    Array::Ptr array = new Array;
    for (const auto& item : items) {
        Object::Ptr o = new Object;
        o->set("Id", item.id);
        o->set("Name", item.name);
        if (status) {
            o->set("IsClosed", item.closed);
            o->set("IsDefault", item.is_default);
        }
        array->add(o);
    }
    return array;
}
}  // namespace

EmuResponse PsaService::ticket_types(const EmuRequest&) {
    std::lock_guard<std::mutex> lock(mutex_);
    return array_reply(lookup_array(data_.ticket_types, false));
}

EmuResponse PsaService::ticket_categories(const EmuRequest& request) {
    const std::string type = request.param_nocase("ticketType");
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Lookup> categories = data_.ticket_categories;
    if (!type.empty()) {
        const Lookup* t = resolve(data_.ticket_types, type);
        categories.erase(std::remove_if(categories.begin(), categories.end(),
                                        [&](const Lookup& c) { return !t || c.type_id != t->id; }),
                         categories.end());
    }
    return array_reply(lookup_array(categories, false));
}

EmuResponse PsaService::ticket_statuses(const EmuRequest&) {
    std::lock_guard<std::mutex> lock(mutex_);
    return array_reply(lookup_array(data_.ticket_statuses, true));
}

EmuResponse PsaService::teams(const EmuRequest&) {
    std::lock_guard<std::mutex> lock(mutex_);
    return array_reply(lookup_array(data_.teams, false));
}

// ---- tickets ----

Object::Ptr PsaService::ticket_json(const Ticket& t) const {
    Object::Ptr o = new Object;
    o->set("Id", t.id);
    o->set("RefNumber", t.ref);
    o->set("Title", t.title);
    o->set("Description", t.description);
    o->set("CustomerId", t.customer_id);
    o->set("Type", t.type);
    o->set("Category", t.category);
    o->set("Team", t.team);
    o->set("Status", t.status);
    o->set("CreatedDate", t.created);
    o->set("UpdatedDate", t.updated);
    Array::Ptr history = new Array;
    for (const auto& status : t.history) history->add(status);
    o->set("history", history);
    Array::Ptr comments = new Array;
    for (const auto& c : t.comments) {
        Object::Ptr comment = new Object;
        comment->set("Id", c.id);
        comment->set("Comment", c.text);
        comment->set("CreatedDate", c.created);
        comments->add(comment);
    }
    o->set("comments", comments);
    return o;
}

EmuResponse PsaService::create_ticket(const EmuRequest& request) {
    auto body = parse_object(request.body, "request body");
    const std::string title = Poco::trim(text_field(body, "Title").value_or(""));
    if (title.empty()) return message(400, "Title is required.");
    const std::string description = text_field(body, "Description").value_or("");
    const auto customer_value = name_or_id(body, "CustomerNameOrId");
    const auto type_value = name_or_id(body, "TicketTypeNameOrId");
    const auto category_value = name_or_id(body, "TicketCategoryNameOrId");
    const auto status_value = name_or_id(body, "TicketStatusNameOrId");
    const auto team_value = name_or_id(body, "TeamNameOrId");

    std::lock_guard<std::mutex> lock(mutex_);
    const Customer* customer = customer_value ? resolve_customer(*customer_value) : nullptr;
    if (!customer) return message(400, "Customer '" + customer_value.value_or("") + "' was not found.");
    const Lookup* type = type_value ? resolve(data_.ticket_types, *type_value) : nullptr;
    if (!type) return message(400, "Ticket type '" + type_value.value_or("") + "' was not found.");
    const Lookup* category = nullptr;
    if (category_value) {
        // Category names repeat across types (TCB under Bug and under Incident A): resolve among
        // the chosen type's categories only.
        std::vector<Lookup> of_type;
        for (const auto& c : data_.ticket_categories)
            if (c.type_id == type->id) of_type.push_back(c);
        const Lookup* found = resolve(of_type, *category_value);
        for (const auto& c : data_.ticket_categories)
            if (found && c.id == found->id) category = &c;
        if (!category)
            return message(400, "Ticket category '" + *category_value + "' was not found for type '" + type->name + "'.");
    }
    const Lookup* status = nullptr;
    if (status_value) {
        status = resolve(data_.ticket_statuses, *status_value);
        if (!status) return message(400, "Ticket status '" + *status_value + "' was not found.");
    } else {
        for (const auto& s : data_.ticket_statuses)
            if (s.is_default) status = &s;
    }
    const Lookup* team = nullptr;
    if (team_value) {
        team = resolve(data_.teams, *team_value);
        if (!team) return message(400, "Team '" + *team_value + "' was not found.");
    }
    Ticket t;
    t.id = next_ticket_id_++;
    t.ref = std::to_string(next_ref_++);
    t.title = title;
    t.description = description;
    t.customer_id = customer->id;
    t.type = type->name;
    t.category = category ? category->name : "";
    t.team = team ? team->name : "";
    t.status = status->name;
    t.history.push_back(t.status);
    t.created = t.updated = now_date();
    tickets_.push_back(t);
    Object::Ptr reply = new Object;
    reply->set("Id", t.id);
    reply->set("RefNumber", t.ref);
    return json_reply(200, reply);
}

EmuResponse PsaService::update_status(const EmuRequest& request) {
    auto body = parse_object(request.body, "request body");
    const auto ref = name_or_id(body, "TicketRefOrId");
    const auto status_value = name_or_id(body, "TicketStatusNameOrId");
    const auto comment = text_field(body, "Comment");
    std::lock_guard<std::mutex> lock(mutex_);
    Ticket* t = ref ? resolve_ticket(*ref) : nullptr;
    if (!t) return message(404, "Ticket '" + ref.value_or("") + "' was not found.");
    const Lookup* status = status_value ? resolve(data_.ticket_statuses, *status_value) : nullptr;
    if (!status) return message(400, "Ticket status '" + status_value.value_or("") + "' was not found.");
    t->status = status->name;
    t->history.push_back(t->status);
    t->updated = now_date();
    if (comment && !Poco::trim(*comment).empty()) t->comments.push_back(Comment{next_comment_id_++, *comment, t->updated});
    Object::Ptr reply = new Object;
    reply->set("Id", t->id);
    reply->set("RefNumber", t->ref);
    reply->set("Status", t->status);
    return json_reply(200, reply);
}

EmuResponse PsaService::add_comment(const EmuRequest& request) {
    auto body = parse_object(request.body, "request body");
    const auto ref = name_or_id(body, "TicketRefOrId");
    const std::string comment = text_field(body, "Comment").value_or("");
    if (Poco::trim(comment).empty()) return message(400, "Comment is required.");
    std::lock_guard<std::mutex> lock(mutex_);
    Ticket* t = ref ? resolve_ticket(*ref) : nullptr;
    if (!t) return message(404, "Ticket '" + ref.value_or("") + "' was not found.");
    t->updated = now_date();
    const long long id = next_comment_id_++;
    t->comments.push_back(Comment{id, comment, t->updated});
    Object::Ptr reply = new Object;
    reply->set("Id", id);
    return json_reply(200, reply);
}

EmuResponse PsaService::get_comments(const EmuRequest& request) {
    const std::string ref = request.param_nocase("idOrRef");
    std::lock_guard<std::mutex> lock(mutex_);
    Ticket* t = resolve_ticket(ref);
    if (!t) return message(404, "Ticket '" + ref + "' was not found.");
    Array::Ptr array = new Array;
    for (const auto& c : t->comments) {
        Object::Ptr o = new Object;
        o->set("Id", c.id);
        o->set("Comment", c.text);
        o->set("CreatedDate", c.created);
        array->add(o);
    }
    return array_reply(array);
}

// ---- control ----

std::optional<EmuResponse> PsaService::control(const EmuRequest& request) {
    const auto segments = split_segments(request.path);
    std::vector<std::string> params;
    auto control_error = [](int status, const std::string& text) {
        Object::Ptr body = new Object;
        body->set("error", text);
        return json_reply(status, body);
    };
    try {
        if (request.method == "POST" && match_pattern({"_emulator", "tickets", "{id}", "status"}, segments, params)) {
            auto body = parse_object(request.body, "request body");
            const std::string status_value = string_required(body, "status", "status");
            std::lock_guard<std::mutex> lock(mutex_);
            Ticket* t = resolve_ticket(params[0]);
            if (!t) return control_error(404, "unknown ticket " + params[0]);
            const Lookup* status = resolve(data_.ticket_statuses, status_value);
            if (!status) return control_error(400, "status: unknown status " + status_value);
            t->status = status->name;
            t->history.push_back(t->status);
            t->updated = now_date();
            return json_reply(200, ticket_json(*t));
        }
        if (request.method == "DELETE" && match_pattern({"_emulator", "customers", "{id}"}, segments, params)) {
            Poco::Int64 id = 0;
            if (!Poco::NumberParser::tryParse64(params[0], id)) return control_error(400, "customer id must be a number");
            std::lock_guard<std::mutex> lock(mutex_);
            auto& customers = data_.customers;
            auto it = std::find_if(customers.begin(), customers.end(), [&](const Customer& c) { return c.id == id; });
            if (it == customers.end()) return control_error(404, "unknown customer " + params[0]);
            customers.erase(it);
            auto& contacts = data_.contacts;
            contacts.erase(std::remove_if(contacts.begin(), contacts.end(), [&](const PsaContact& c) { return c.customer_id == id; }),
                           contacts.end());
            auto& links = data_.links;
            links.erase(std::remove_if(links.begin(), links.end(), [&](const ExternalLink& l) { return l.customer_id == id; }),
                        links.end());
            Object::Ptr reply = new Object;
            reply->set("deleted", std::to_string(id));
            return json_reply(200, reply);
        }
    } catch (const JsonShapeError& e) {
        return control_error(400, e.what());
    }
    return std::nullopt;
}

Object::Ptr PsaService::state() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Array::Ptr customers = new Array;
    for (const auto& c : data_.customers) {
        Object::Ptr o = new Object;
        o->set("Id", c.id);
        o->set("CompanyName", c.name);
        o->set("AccountID", c.account_id);
        o->set("Status", c.status);
        customers->add(o);
    }
    Array::Ptr contacts = new Array;
    for (const auto& c : data_.contacts) {
        Object::Ptr o = new Object;
        o->set("CustomerId", c.customer_id);
        o->set("FirstName", c.first_name);
        o->set("LastName", c.last_name);
        o->set("Email", c.email);
        o->set("IsPrimary", c.primary);
        contacts->add(o);
    }
    Array::Ptr links = new Array;
    for (const auto& l : data_.links) {
        Object::Ptr o = new Object;
        o->set("CustomerId", l.customer_id);
        o->set("ExternalSystem", l.system);
        o->set("ExternalId", l.external_id);
        o->set("ExternalCustomerName", l.external_name);
        links->add(o);
    }
    Array::Ptr tickets = new Array;
    for (const auto& t : tickets_) tickets->add(ticket_json(t));
    Object::Ptr root = new Object;
    root->set("customers", customers);
    root->set("contacts", contacts);
    root->set("links", links);
    root->set("tickets", tickets);
    return root;
}

}  // namespace emulator
