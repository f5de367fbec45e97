#pragma once
/// Reading configuration keys by the host's rules (DESIGN §4): a value that still holds `${` after
/// Poco's expansion (an unset environment variable) counts as missing; relative paths resolve
/// against the directory of the config file (`host.config_dir`, set by the host).

#include "hostsdk/config_error.hpp"

#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>
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
inline std::optional<std::string> config_value(const Poco::Util::AbstractConfiguration& config,
                                               const std::string& key) {
    if (!config.hasProperty(key)) return std::nullopt;
    std::string value;
    try {
        value = Poco::trim(config.getString(key));
    } catch (const Poco::Exception& e) {
        throw ConfigError(key, "cannot be expanded (" + e.message() + ")");
    }
    if (value.find("${") != std::string::npos) return std::nullopt;
    return value;
}

/// The value of `key`, or throws ConfigError("is missing") when absent, empty or unexpanded.
/// The message never contains the value, so it is safe for secrets.
inline std::string config_required(const Poco::Util::AbstractConfiguration& config, const std::string& key) {
    auto value = config_value(config, key);
    if (!value || value->empty())
        throw ConfigError(key, "is missing (unset, empty, or an environment variable that is not set)");
    return *value;
}

/// The value of `key`, or `fallback` when absent or empty. Unexpanded values count as absent.
inline std::string config_string(const Poco::Util::AbstractConfiguration& config, const std::string& key,
                                 const std::string& fallback) {
    auto value = config_value(config, key);
    return value && !value->empty() ? *value : fallback;
}

/// An integer in [min, max]; `fallback` when absent or empty. Throws ConfigError naming the key and
/// the range for anything else.
inline std::int64_t config_int(const Poco::Util::AbstractConfiguration& config, const std::string& key,
                               std::int64_t fallback, std::int64_t min, std::int64_t max) {
    auto value = config_value(config, key);
    if (!value || value->empty()) return fallback;
    Poco::Int64 parsed = 0;
    if (!Poco::NumberParser::tryParse64(*value, parsed) || parsed < min || parsed > max)
        throw ConfigError(key, "must be a whole number from " + std::to_string(min) + " to " +
                                   std::to_string(max) + ", got '" + *value + "'");
    return parsed;
}

/// A boolean (`true/false`, `yes/no`, `on/off`, `1/0`); `fallback` when absent or empty.
inline bool config_bool(const Poco::Util::AbstractConfiguration& config, const std::string& key, bool fallback) {
    auto value = config_value(config, key);
    if (!value || value->empty()) return fallback;
    const std::string v = Poco::toLower(*value);
    if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return false;
    throw ConfigError(key, "must be true or false, got '" + *value + "'");
}

/// `path` made absolute against the config file's directory (`host.config_dir`) when relative;
/// unchanged when absolute or when no config file was loaded.
inline std::string resolve_config_path(const Poco::Util::AbstractConfiguration& config, const std::string& path) {
    Poco::Path p(path);
    if (p.isAbsolute() || path.empty()) return path;
    auto dir = config_value(config, kConfigDirKey);
    if (!dir || dir->empty()) return Poco::Path(path).absolute().toString();
    return Poco::Path(Poco::Path::forDirectory(*dir), p).toString();
}

}  // namespace hostsdk
