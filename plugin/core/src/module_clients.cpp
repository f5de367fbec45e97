#include "acpsa/core/module_clients.hpp"

namespace acpsa::core {

void ModuleClients::configure(const Poco::Util::AbstractConfiguration& config) {
    acronis_settings_ = parse_acronis_settings(config);
    psa_settings_ = parse_psa_settings(config);
}

void ModuleClients::start(hostsdk::Context& context) {
    store_ = std::make_unique<Store>(context.database());
    acronis_ = std::make_unique<AcronisClient>(*acronis_settings_, context.clock(), context.logger());
    psa_ = std::make_unique<PsaClient>(*psa_settings_, context.clock(), context.logger());
}

void ModuleClients::use_stop_token(const hostsdk::StopToken& stop) {
    auto sleeper = [stop](std::chrono::milliseconds delay) { return stop.sleep_for(delay); };
    acronis_->set_sleeper(sleeper);
    psa_->set_sleeper(sleeper);
}

void ModuleClients::reset() noexcept {
    psa_.reset();
    acronis_.reset();
    store_.reset();
}

}  // namespace acpsa::core
