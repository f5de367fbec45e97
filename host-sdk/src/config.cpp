#include "hostsdk/config.hpp"

#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>

namespace hostsdk {

std::optional<std::string> config_value(const Poco::Util::AbstractConfiguration& config,
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

std::string config_required(const Poco::Util::AbstractConfiguration& config, const std::string& key) {
    auto value = config_value(config, key);
    if (!value || value->empty())
        throw ConfigError(key, "is missing (unset, empty, or an environment variable that is not set)");
    return *value;
}

std::string config_string(const Poco::Util::AbstractConfiguration& config, const std::string& key,
                          const std::string& fallback) {
    auto value = config_value(config, key);
    return value && !value->empty() ? *value : fallback;
}

std::int64_t config_int(const Poco::Util::AbstractConfiguration& config, const std::string& key,
                        std::int64_t fallback, std::int64_t min, std::int64_t max) {
    auto value = config_value(config, key);
    if (!value || value->empty()) return fallback;
    Poco::Int64 parsed = 0;
    if (!Poco::NumberParser::tryParse64(*value, parsed) || parsed < min || parsed > max)
        throw ConfigError(key, "must be a whole number from " + std::to_string(min) + " to " +
                                   std::to_string(max) + ", got '" + *value + "'");
    return parsed;
}

bool config_bool(const Poco::Util::AbstractConfiguration& config, const std::string& key, bool fallback) {
    auto value = config_value(config, key);
    if (!value || value->empty()) return fallback;
    const std::string v = Poco::toLower(*value);
    if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
    if (v == "false" || v == "no" || v == "off" || v == "0") return false;
    throw ConfigError(key, "must be true or false, got '" + *value + "'");
}

std::string resolve_config_path(const Poco::Util::AbstractConfiguration& config, const std::string& path) {
    Poco::Path p(path);
    if (p.isAbsolute() || path.empty()) return path;
    auto dir = config_value(config, kConfigDirKey);
    if (!dir || dir->empty()) return Poco::Path(path).absolute().toString();
    return Poco::Path(Poco::Path::forDirectory(*dir), p).toString();
}

}  // namespace hostsdk
