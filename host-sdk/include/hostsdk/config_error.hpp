#pragma once

#include <boost/config.hpp>

#include <stdexcept>
#include <string>

namespace hostsdk {

/// Thrown by `Module::configure` (and the config helpers in `config.hpp`) when a configuration key
/// is missing or holds a refused value. The host prints `key: message` and stops.
/// Visible across the plugin boundary so that the host can catch it by type.
class BOOST_SYMBOL_VISIBLE ConfigError : public std::runtime_error {
public:
    /// `key` is the full configuration key (e.g. `modules.widgets.interval`); `message` says what
    /// is wrong with it and must never contain the key's value when the key holds a secret.
    ConfigError(std::string key, const std::string& message)
        : std::runtime_error(key + ": " + message), key_(std::move(key)) {}

    /// The offending key.
    const std::string& key() const noexcept { return key_; }

private:
    std::string key_;
};

}  // namespace hostsdk
