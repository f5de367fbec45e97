#pragma once
/// Exact timestamps: Acronis sends 0 to 9 fractional digits, the PSA none and no zone.

#include <cstdint>
#include <optional>
#include <string>

namespace acpsa::core {

/// Nanoseconds since the epoch from `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (`T` or a space,
/// 0 to 9 fraction digits padded to 9, `Z` in either case). Without a zone the time is read at
/// `default_offset_minutes` east of UTC (0 = UTC). nullopt for anything else, and for an instant
/// before 1970-01-01T00:00:00Z.
std::optional<std::int64_t> parse_timestamp_ns(const std::string& text, int default_offset_minutes = 0);

/// RFC 3339 UTC with all 9 fraction digits (trailing zeros trimmed, no fraction when zero).
std::string format_rfc3339_ns(std::int64_t ns);

/// `YYYY-MM-DDTHH:MM:SS` at `offset_minutes` east of UTC, no zone (the PSA's date form).
std::string format_local_seconds(std::int64_t ns, int offset_minutes);

}  // namespace acpsa::core
