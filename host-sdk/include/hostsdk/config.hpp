#pragma once
/// Reading configuration keys by the host's rules (DESIGN §4): a value that still holds `${` after
/// Poco's expansion (an unset environment variable) counts as missing; relative paths resolve
/// against the directory of the config file (`host.config_dir`, set by the host).

#include "hostsdk/config_error.hpp"

#include <Poco/Util/AbstractConfiguration.h>

#include <cstdint>
#include <optional>
#include <string>

namespace hostsdk {

/// The key the host sets to the absolute directory of the loaded config file.
inline constexpr const char* kConfigDirKey = "host.config_dir";

/// The expanded, trimmed value of `key`; nullopt when absent or when it still holds `${`.
/// An empty value is returned as the empty string. Throws ConfigError when expansion fails
/// (e.g. a circular reference).
std::optional<std::string> config_value(const Poco::Util::AbstractConfiguration& config,
                                        const std::string& key);

/// The value of `key`, or throws ConfigError("is missing") when absent, empty or unexpanded.
/// The message never contains the value, so it is safe for secrets.
std::string config_required(const Poco::Util::AbstractConfiguration& config, const std::string& key);

/// The value of `key`, or `fallback` when absent or empty. Unexpanded values count as absent.
std::string config_string(const Poco::Util::AbstractConfiguration& config, const std::string& key,
                          const std::string& fallback);

/// An integer in [min, max]; `fallback` when absent or empty. Throws ConfigError naming the key and
/// the range for anything else.
std::int64_t config_int(const Poco::Util::AbstractConfiguration& config, const std::string& key,
                        std::int64_t fallback, std::int64_t min, std::int64_t max);

/// A boolean (`true/false`, `yes/no`, `on/off`, `1/0`); `fallback` when absent or empty.
bool config_bool(const Poco::Util::AbstractConfiguration& config, const std::string& key, bool fallback);

/// `path` made absolute against the config file's directory (`host.config_dir`) when relative;
/// unchanged when absolute or when no config file was loaded.
std::string resolve_config_path(const Poco::Util::AbstractConfiguration& config, const std::string& path);

}  // namespace hostsdk
