#pragma once
/// What the integration reads from and sends to Acronis (docs/acronis-api.md). Value types.

#include <cstdint>
#include <optional>
#include <string>

namespace acpsa::core {

struct AcronisContact {
    std::string email, firstname, lastname;
};

/// A tenant (§3.2).
struct Tenant {
    std::string id;
    long long version = 0;
    std::string name;
    std::string kind;  ///< root partner folder customer unit
    std::string parent_id;
    bool enabled = true;
    bool ancestral_access = true;
    std::optional<std::string> customer_id;   ///< the portal's Custom ID
    std::optional<std::string> internal_tag;
    std::string mfa_status;
    AcronisContact contact;
    bool deleted = false;

    /// Whether the integration may map, provision or read it (§3.5): enabled, not deleted, and
    /// managed by the service provider.
    bool manageable() const { return !deleted && enabled && ancestral_access; }
    /// Why not, in the admin API's words; empty when manageable.
    std::string unmanageable_reason() const;
};

/// A customer tenant to create (§3.3).
struct NewTenant {
    std::string name;
    std::string parent_id;     ///< empty = the partner tenant
    std::string internal_tag;  ///< the integration's marker, e.g. `acpsa:psa-customer:1008`
    std::optional<AcronisContact> contact;
    std::string language = "en";
};

/// A user (§4).
struct User {
    std::string id;
    long long version = 0;
    std::string tenant_id;
    std::string login;
    AcronisContact contact;
    bool activated = false;
};

enum class LoginCheck { free, taken, invalid };

/// An alert (§5.2). `updated_ns` is exact: it is the watermark's unit.
struct Alert {
    std::string id;  ///< as received (often upper-case)
    std::string type, category, severity;
    std::string tenant_id;  ///< tenant.uuid
    std::int64_t created_ns = 0, received_ns = 0, updated_ns = 0;
    std::optional<std::int64_t> deleted_ns;  ///< set = cleared
    std::string details_json = "{}";         ///< the `details` object as received
    std::optional<std::string> resource_id, resource_name, plan_id, plan_name;

    bool cleared() const { return deleted_ns.has_value(); }
};

struct AlertType {
    std::string id, category, severity;
    bool enabled = true;
};

}  // namespace acpsa::core
