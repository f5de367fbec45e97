#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace emulator {

/// Wall-clock time in nanoseconds since the epoch.
std::int64_t now_ns();

/// Alert Manager time: RFC 3339 UTC with the fraction's trailing zeros trimmed (0 to 9 digits).
std::string alert_time(std::int64_t ns);

/// Account Management time: `2024-01-05T09:12:44` (UTC, no zone).
std::string account_time(std::int64_t ns);

/// PSA date: `2024-05-01T10:05:00` (UTC, no zone; the emulator's instance runs on UTC).
std::string psa_date(std::int64_t ns);

/// Parses a PSA date (`YYYY-MM-DDTHH:MM:SS`, optionally with a fraction, `T` or a space) to
/// seconds since the epoch; nullopt when it is not one.
std::optional<std::int64_t> parse_psa_date(const std::string& text);

/// A random UUID, lower-case.
std::string new_uuid();

}  // namespace emulator
