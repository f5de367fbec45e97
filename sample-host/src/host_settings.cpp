#include "samplehost/host_settings.hpp"

#include <hostsdk/config.hpp>

#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <set>

namespace samplehost {

using hostsdk::ConfigError;

ListenAddress parse_listen_address(const std::string& key, const std::string& value) {
    std::string host;
    std::string port;
    if (!value.empty() && value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string::npos || close + 1 >= value.size() || value[close + 1] != ':')
            throw ConfigError(key, "must be host:port, e.g. 127.0.0.1:8480, got '" + value + "'");
        host = value.substr(1, close - 1);
        port = value.substr(close + 2);
    } else {
        const auto colon = value.rfind(':');
        if (colon == std::string::npos || colon == 0)
            throw ConfigError(key, "must be host:port, e.g. 127.0.0.1:8480, got '" + value + "'");
        host = value.substr(0, colon);
        port = value.substr(colon + 1);
    }
    unsigned parsed = 0;
    if (host.empty() || !Poco::NumberParser::tryParseUnsigned(port, parsed) || parsed > 65535)
        throw ConfigError(key, "must be host:port with a port from 0 to 65535, got '" + value + "'");
    return ListenAddress{host, static_cast<std::uint16_t>(parsed)};
}

HostSettings parse_host_settings(const Poco::Util::AbstractConfiguration& config) {
    HostSettings settings;
    settings.plugin_dir = hostsdk::resolve_config_path(config, hostsdk::config_required(config, "host.plugin_dir"));
    settings.state_database =
        hostsdk::resolve_config_path(config, hostsdk::config_required(config, "host.state.database"));

    std::set<std::string> seen;
    const std::string modules = hostsdk::config_string(config, "host.modules", "");
    Poco::StringTokenizer names(modules, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& name : names) {
        if (!seen.insert(name).second) throw ConfigError("host.modules", "lists '" + name + "' twice");
        settings.modules.push_back(name);
    }

    settings.busy_timeout = std::chrono::seconds(hostsdk::config_int(config, "host.state.busy_timeout_s", 10, 1, 3600));

    // Absent, or an unset environment variable (which counts as missing): the default.
    const auto listen = hostsdk::config_value(config, "host.admin.listen");
    const std::string listen_value = listen ? *listen : "127.0.0.1:8480";
    if (!listen_value.empty()) {
        settings.admin_listen = parse_listen_address("host.admin.listen", listen_value);
        const auto token = hostsdk::config_value(config, "host.admin.token");
        if (!token || token->empty())
            throw ConfigError("host.admin.token",
                              "is missing: the admin listener (host.admin.listen = " + listen_value +
                                  ") needs a token; set one, or set host.admin.listen empty to turn it off");
        settings.admin_token = *token;
    }
    settings.admin_threads = static_cast<std::size_t>(hostsdk::config_int(config, "host.admin.threads", 8, 1, 256));
    settings.max_backoff = std::chrono::seconds(hostsdk::config_int(config, "host.max_backoff_s", 900, 1, 86400));
    settings.shutdown_timeout =
        std::chrono::seconds(hostsdk::config_int(config, "host.shutdown_timeout_s", 10, 0, 3600));
    settings.activity_retention_days =
        static_cast<int>(hostsdk::config_int(config, "host.activity.retention_days", 90, 0, 36500));
    settings.logger_prefix = hostsdk::config_string(config, "host.logger_prefix", "acpsa");
    return settings;
}

std::chrono::seconds module_interval(const Poco::Util::AbstractConfiguration& config, const std::string& name,
                                     std::chrono::seconds fallback) {
    return std::chrono::seconds(
        hostsdk::config_int(config, "modules." + name + ".interval", fallback.count(), 1, 604800));
}

}  // namespace samplehost
