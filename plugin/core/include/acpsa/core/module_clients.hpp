#pragma once
/// What every integration module owns: its view of the state store and its two API clients, from
/// the shared `acpsa.acronis.*` and `acpsa.psa.*` keys. One place for the steps all four modules
/// take at configure, start, each cycle and stop.

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/psa_client.hpp"
#include "acpsa/core/psa_settings.hpp"
#include "acpsa/core/store.hpp"

#include <hostsdk/context.hpp>
#include <hostsdk/stop_token.hpp>

#include <memory>
#include <optional>

namespace acpsa::core {

class ModuleClients {
public:
    /// Parses both clients' settings. Throws hostsdk::ConfigError. No side effects.
    void configure(const Poco::Util::AbstractConfiguration& config);
    /// Opens the store (its migrations) and makes the clients. `context` outlives them.
    void start(hostsdk::Context& context);
    /// Retry waits of this cycle end early when `stop` is signalled.
    void use_stop_token(const hostsdk::StopToken& stop);
    /// Destroys the clients and the store.
    void reset() noexcept;

    Store& store() { return *store_; }
    AcronisClient& acronis() { return *acronis_; }
    PsaClient& psa() { return *psa_; }

private:
    std::optional<AcronisSettings> acronis_settings_;
    std::optional<PsaSettings> psa_settings_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<AcronisClient> acronis_;
    std::unique_ptr<PsaClient> psa_;
};

}  // namespace acpsa::core
