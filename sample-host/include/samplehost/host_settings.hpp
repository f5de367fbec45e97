#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samplehost {

/// Where the admin listener binds.
struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

/// The host's own keys (`host.*`), parsed and validated. A value type.
struct HostSettings {
    std::string plugin_dir;                ///< host.plugin_dir, absolute
    std::vector<std::string> modules;      ///< host.modules, in start order
    std::string state_database;            ///< host.state.database, absolute
    std::chrono::seconds busy_timeout{10};  ///< host.state.busy_timeout_s
    std::optional<ListenAddress> admin_listen;  ///< host.admin.listen; nullopt = off
    std::string admin_token;               ///< host.admin.token (a secret: never log it)
    std::size_t admin_threads = 8;         ///< host.admin.threads
    std::chrono::seconds max_backoff{900};       ///< host.max_backoff_s
    std::chrono::seconds shutdown_timeout{10};   ///< host.shutdown_timeout_s
    int activity_retention_days = 90;      ///< host.activity.retention_days; 0 keeps everything
    std::string logger_prefix = "acpsa";   ///< host.logger_prefix: module loggers are `<prefix>.<name>`
};

/// Parses and validates `host.*`. Throws hostsdk::ConfigError naming the key: a missing
/// `host.plugin_dir` or `host.state.database`, a malformed `host.admin.listen`, a listener without
/// `host.admin.token`, a module listed twice, numbers out of range.
HostSettings parse_host_settings(const Poco::Util::AbstractConfiguration& config);

/// `modules.<name>.interval` in seconds (1..604800), or `fallback` when unset.
/// Throws hostsdk::ConfigError.
std::chrono::seconds module_interval(const Poco::Util::AbstractConfiguration& config, const std::string& name,
                                     std::chrono::seconds fallback);

/// Parses `host:port` (IPv4, a name, or `[v6]`), port 0..65535. Throws hostsdk::ConfigError for `key`.
ListenAddress parse_listen_address(const std::string& key, const std::string& value);

}  // namespace samplehost
