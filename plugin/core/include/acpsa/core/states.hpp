#pragma once
/// The states the modules keep, as enums. The state database and the admin API spell them as the
/// lower-case words `to_string` returns; `parse_*` reads them back and throws std::runtime_error
/// naming the unknown word (a row written by something else), so no state is ever a free string.

#include <string>

namespace acpsa::core {

/// An alert occurrence's ticket (DESIGN §5): the intent is `creating` until the ticket is known.
enum class LinkState { creating, open, resolved, failed };
/// The Acronis alert behind a link.
enum class AlertState { active, cleared };
/// A customer mapping.
enum class MappingState { mapped, provisioning, failed };
/// A "map to new" job.
enum class JobState { running, done, failed };
/// A "map to new" job's steps, in the order they run (`done` = map the customer, then finish).
enum class JobStep { check_login, create_tenant, enable_2fa, create_user, grant_role, activate, done };

const char* to_string(LinkState state) noexcept;
const char* to_string(AlertState state) noexcept;
const char* to_string(MappingState state) noexcept;
const char* to_string(JobState state) noexcept;
const char* to_string(JobStep step) noexcept;

/// Throws std::runtime_error naming `text` when it is no such state.
LinkState parse_link_state(const std::string& text);
AlertState parse_alert_state(const std::string& text);
MappingState parse_mapping_state(const std::string& text);
JobState parse_job_state(const std::string& text);
JobStep parse_job_step(const std::string& text);

/// True when a link in `state` stands for a ticket that exists or is being made (one per alert).
constexpr bool is_live(LinkState state) noexcept { return state == LinkState::creating || state == LinkState::open; }

}  // namespace acpsa::core
