// acpsa_mapping.so: the Customer Mapping part of the integration (product guide, "Mapping
// CloudBlue PSA Customers", "Map to Existing Acronis Customer Tenants", "Ingram Cloud MarketPlace
// Customer Synchronization").

#include "mapping_routes.hpp"
#include "mapping_service.hpp"

#include "acpsa/core/module_clients.hpp"

#include <hostsdk/export.hpp>

#include <memory>
#include <optional>

namespace acpsa::mapping {

class MappingModule final : public hostsdk::Module {
public:
    hostsdk::ModuleInfo info() const noexcept override { return {"mapping", "1.0.0", std::chrono::seconds(300)}; }

    void configure(const Poco::Util::AbstractConfiguration& config) override { clients_.configure(config); }

    void start(hostsdk::Context& context) override {
        clients_.start(context);
        service_ = std::make_unique<MappingService>(clients_.store(), clients_.acronis(), clients_.psa(), context);
        register_routes(context, *service_, clients_.store());
    }

    hostsdk::RunResult run(const hostsdk::StopToken& stop) override {
        clients_.use_stop_token(stop);
        return service_->run_cycle();
    }

    void stop() override {
        service_.reset();
        clients_.reset();
    }

private:
    core::ModuleClients clients_;
    std::unique_ptr<MappingService> service_;
};

}  // namespace acpsa::mapping

HOSTSDK_MODULE(acpsa::mapping::MappingModule, "mapping")
