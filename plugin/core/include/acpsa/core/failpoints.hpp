#pragma once
/// Named places where a crash test can make the process die (DESIGN §5).

namespace acpsa::core {

/// True when `name` is listed in the environment variable `ACPSA_FAILPOINTS` (comma-separated).
bool failpoint_enabled(const char* name) noexcept;

/// Ends the process at once (`_exit(86)`, no destructors, no flush but a line on stderr), as a
/// crash would, when `name` is enabled; otherwise does nothing. Inert in production: the variable
/// is read at each call and is normally unset.
void failpoint(const char* name) noexcept;

/// The exit status a failpoint ends the process with.
constexpr int kFailpointExitStatus = 86;

}  // namespace acpsa::core
