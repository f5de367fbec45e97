// acpsa_mapping.so: the Customer Mapping part of the integration (product guide, "Mapping
// CloudBlue PSA Customers", "Map to Existing Acronis Customer Tenants", "Ingram Cloud MarketPlace
// Customer Synchronization").

#include "mapping_routes.hpp"
#include "mapping_service.hpp"

#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/psa_settings.hpp"

#include <hostsdk/export.hpp>

#include <memory>
#include <optional>

namespace acpsa::mapping {

class MappingModule final : public hostsdk::Module {
public:
    hostsdk::ModuleInfo info() const noexcept override { return {"mapping", "1.0.0", std::chrono::seconds(300)}; }

    void configure(const Poco::Util::AbstractConfiguration& config) override {
        acronis_settings_ = core::parse_acronis_settings(config);
        psa_settings_ = core::parse_psa_settings(config);
    }

    void start(hostsdk::Context& context) override {
        context_ = &context;
        store_ = std::make_unique<core::Store>(context.database());
        acronis_ = std::make_unique<core::AcronisClient>(*acronis_settings_, context.clock(), context.logger());
        psa_ = std::make_unique<core::PsaClient>(*psa_settings_, context.clock(), context.logger());
        service_ = std::make_unique<MappingService>(*store_, *acronis_, *psa_, context);
        register_routes(context, *service_, *store_);
    }

    hostsdk::RunResult run(const hostsdk::StopToken& stop) override {
        auto sleeper = [stop](std::chrono::milliseconds delay) { return stop.sleep_for(delay); };
        acronis_->set_sleeper(sleeper);
        psa_->set_sleeper(sleeper);
        return service_->run_cycle();
    }

    void stop() override {
        service_.reset();
        psa_.reset();
        acronis_.reset();
        store_.reset();
    }

private:
    hostsdk::Context* context_ = nullptr;
    std::optional<core::AcronisSettings> acronis_settings_;
    std::optional<core::PsaSettings> psa_settings_;
    std::unique_ptr<core::Store> store_;
    std::unique_ptr<core::AcronisClient> acronis_;
    std::unique_ptr<core::PsaClient> psa_;
    std::unique_ptr<MappingService> service_;
};

}  // namespace acpsa::mapping

HOSTSDK_MODULE(acpsa::mapping::MappingModule, "mapping")
