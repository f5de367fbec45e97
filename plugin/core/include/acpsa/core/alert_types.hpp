#pragma once
/// The alert type id → display name table (data/alert-types.json, embedded at build time).

#include <string>
#include <vector>

namespace acpsa::core {

struct AlertTypeName {
    std::string id, name, category;
};

/// Every entry of the embedded table, in its order. Parsed once; thread-safe.
const std::vector<AlertTypeName>& known_alert_types();

/// The display name of `type_id`, or the id itself when the table does not know it.
std::string alert_type_name(const std::string& type_id);

}  // namespace acpsa::core
