#pragma once
/// What the integration reads from and sends to CloudBlue PSA (docs/psa-api.md). Value types.

#include <cstdint>
#include <optional>
#include <string>

namespace acpsa::core {

/// A PSA customer (E1). `id` is the `Id` column as text, or the name when the instance has none.
struct PsaCustomer {
    std::string id;
    std::string name;
    std::string account_id;
    std::string status;
    std::string primary_contact_full_name;
};

/// A customer's primary contact (E2, or the E1 full-name fallback with no e-mail).
struct PsaContact {
    std::string first_name, last_name;
    std::optional<std::string> email;
};

/// A customer linked to an external system (E3).
struct LinkedCustomer {
    std::string customer_id;
    std::string customer_name;
    std::string external_id;
    std::string external_name;
};

/// A lookup entry (E4): types, categories, statuses, teams.
struct LookupItem {
    std::string id;  ///< empty when it came from a fallback list
    std::string name;
    bool closed = false;
    bool is_default = false;
};

/// A ticket to create (E5).
struct NewTicket {
    std::string title;  ///< ends with the marker
    std::string description;
    std::string customer;  ///< the customer's id (or name)
    std::string type, category;
    std::string status;  ///< empty = not sent (the PSA's default)
    std::string team;    ///< empty = not sent
    /// For the lookup after create: the title marker, the customer's name and the time the
    /// intent was written (ns since the epoch).
    std::string marker;
    std::string customer_name;
    std::int64_t intent_ns = 0;
};

/// How a created ticket is addressed: `ref` (RefNumber) when known, else `id`.
struct TicketHandle {
    std::string id;
    std::string ref;
};

/// A row of the tickets report (E7).
struct TicketRow {
    std::string id, ref, title, type, status, customer_name;
    std::optional<std::int64_t> updated_ns, created_ns;
};

struct PsaComment {
    std::string id, text, created;
};

}  // namespace acpsa::core
