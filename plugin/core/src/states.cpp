#include "acpsa/core/states.hpp"

#include <stdexcept>

namespace acpsa::core {

namespace {

/// One table per enum, in enum order: `to_string` indexes it, `parse` searches it.
constexpr const char* kLinkStates[] = {"creating", "open", "resolved", "failed"};
constexpr const char* kAlertStates[] = {"active", "cleared"};
constexpr const char* kMappingStates[] = {"mapped", "provisioning", "failed"};
constexpr const char* kJobStates[] = {"running", "done", "failed"};
constexpr const char* kJobSteps[] = {"check_login", "create_tenant", "enable_2fa", "create_user",
                                     "grant_role",  "activate",      "done"};

template <class Enum, std::size_t N>
Enum parse(const char* const (&names)[N], const std::string& text, const char* what) {
    for (std::size_t i = 0; i < N; ++i)
        if (text == names[i]) return static_cast<Enum>(i);
    throw std::runtime_error(std::string("unknown ") + what + " '" + text + "'");
}

}  // namespace

const char* to_string(LinkState state) noexcept { return kLinkStates[static_cast<int>(state)]; }
const char* to_string(AlertState state) noexcept { return kAlertStates[static_cast<int>(state)]; }
const char* to_string(MappingState state) noexcept { return kMappingStates[static_cast<int>(state)]; }
const char* to_string(JobState state) noexcept { return kJobStates[static_cast<int>(state)]; }
const char* to_string(JobStep step) noexcept { return kJobSteps[static_cast<int>(step)]; }

LinkState parse_link_state(const std::string& text) { return parse<LinkState>(kLinkStates, text, "link state"); }
AlertState parse_alert_state(const std::string& text) { return parse<AlertState>(kAlertStates, text, "alert state"); }
MappingState parse_mapping_state(const std::string& text) {
    return parse<MappingState>(kMappingStates, text, "mapping state");
}
JobState parse_job_state(const std::string& text) { return parse<JobState>(kJobStates, text, "job state"); }
JobStep parse_job_step(const std::string& text) { return parse<JobStep>(kJobSteps, text, "job step"); }

}  // namespace acpsa::core
