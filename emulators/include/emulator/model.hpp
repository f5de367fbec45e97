#pragma once
/// The emulator's in-memory data: what the seed file describes and the services change.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace emulator {

// ---- Acronis ----

struct AcronisContact {
    std::string email, firstname, lastname, phone;
};

struct ApiClient {
    std::string client_id;
    std::string client_secret;
    std::string tenant_id;  ///< the partner tenant
    std::string name;
};

struct Tenant {
    std::string id;
    long long version = 1;
    std::string name;
    std::string kind;  ///< root partner folder customer unit
    std::string parent_id;
    bool enabled = true;
    std::optional<std::string> customer_id;
    std::optional<std::string> internal_tag;
    bool ancestral_access = true;
    std::string mfa_status = "disabled";
    std::string language = "en";
    AcronisContact contact;
    std::string created_at;
    std::string updated_at;
    std::optional<std::string> deleted_at;
    long long legacy_id = 0;  ///< `tenant.id` in alerts
};

struct User {
    std::string id;
    long long version = 1;
    std::string tenant_id;
    std::string login;
    AcronisContact contact;
    bool activated = false;
    bool enabled = true;
    std::string created_at;
    Poco::JSON::Array::Ptr access_policies = new Poco::JSON::Array;
    int activation_emails_sent = 0;
    bool password_set = false;
};

struct AlertType {
    std::string id, category, severity;
};

struct Alert {
    std::string id;  ///< upper-case UUID, as Acronis often sends
    std::string type, category, severity;
    std::string tenant_id;
    std::int64_t created_ns = 0, received_ns = 0, updated_ns = 0;
    std::optional<std::int64_t> deleted_ns;
    Poco::JSON::Object::Ptr details = new Poco::JSON::Object;
};

struct AcronisSeed {
    std::vector<ApiClient> clients;
    std::vector<Tenant> tenants;
    std::vector<User> users;
    std::vector<AlertType> alert_types;
    std::vector<Alert> alerts;  ///< ids may be empty (then generated); cleared ones have deleted_ns
};

// ---- CloudBlue PSA ----

struct Customer {
    long long id = 0;
    std::string name;
    std::string account_id;
    std::string status;
};

struct PsaContact {
    long long customer_id = 0;
    std::string first_name, last_name, email;
    bool primary = false;
};

struct ExternalLink {
    long long customer_id = 0;
    std::string system;       ///< e.g. CMP
    std::string external_id;  ///< Ingram account id
    std::string external_name;
};

struct Lookup {
    long long id = 0;
    std::string name;
    bool closed = false;      ///< statuses
    bool is_default = false;  ///< statuses
    long long type_id = 0;    ///< categories: the ticket type they belong to
};

struct Comment {
    long long id = 0;
    std::string text;
    std::string created;  ///< PSA date
};

struct Ticket {
    long long id = 0;
    std::string ref;  ///< RefNumber, digits
    std::string title, description;
    long long customer_id = 0;
    std::string type, category, team, status;  ///< names as the PSA spells them
    std::string created, updated;              ///< PSA dates
    std::vector<std::string> history;          ///< statuses, oldest first
    std::vector<Comment> comments;
};

struct PsaSeed {
    std::vector<std::string> api_keys;
    std::vector<Customer> customers;
    std::vector<PsaContact> contacts;
    std::vector<ExternalLink> links;
    std::vector<Lookup> ticket_types, ticket_categories, ticket_statuses, teams;
};

struct Seed {
    AcronisSeed acronis;
    PsaSeed psa;
};

/// The seed file is malformed; `what()` names the field (e.g. `psa.customers[2].Id: ...`).
class SeedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parses and validates a seed document (the format is in emulators/README.md).
/// Throws SeedError naming the field.
Seed parse_seed(const std::string& json_text);

/// Reads and parses the seed file. Throws SeedError (also when the file cannot be read).
Seed load_seed_file(const std::string& path);

}  // namespace emulator
