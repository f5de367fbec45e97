#pragma once
/// The Acronis tenant "Custom ID" (`customer_id`): `key=value` pairs joined by `;` with backslash
/// escapes, read and written by the rules of the Acronis contract §3.6.

#include <optional>
#include <string>
#include <vector>

namespace acpsa::core {

/// One segment: a pair, or an opaque token (no unescaped `=`; `value` nullopt).
struct CustomIdEntry {
    std::string key;
    std::optional<std::string> value;
};

/// Splits on unescaped `;` (empty segments skipped), then each segment on its first unescaped
/// `=`; unescapes `\x` → `x` (a final lone `\` stays); trims spaces around keys and values.
std::vector<CustomIdEntry> parse_custom_id(const std::string& custom_id);

/// The value of the first pair with `key` (case-sensitive), or nullopt.
std::optional<std::string> custom_id_value(const std::vector<CustomIdEntry>& entries, const std::string& key);

/// The Ingram Cloud Marketplace account id: the value of `osa_account_id` when it is one or more
/// ASCII digits, with leading zeros stripped (so ids compare as digit strings); else nullopt.
std::optional<std::string> ingram_account_id(const std::optional<std::string>& custom_id);

/// Strips leading zeros of a digit string (`"007"` → `"7"`, `"000"` → `"0"`).
std::string normalize_digits(const std::string& digits);

/// Writes entries back: `\`, `;` and `=` escaped in keys and values, pairs in order.
std::string format_custom_id(const std::vector<CustomIdEntry>& entries);

}  // namespace acpsa::core
