// acpsa_clearing.so: "Clearing Alerts in Acronis" (product guide): when a linked ticket reaches the
// chosen status, its Acronis alert is cleared. Every linked ticket's status change is recorded
// (the ticketing module's reopen window starts at the first time a ticket is seen closed).

#include "clearing_service.hpp"

#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/psa_settings.hpp"

#include <hostsdk/admin_json.hpp>
#include <hostsdk/export.hpp>

#include <memory>
#include <optional>

namespace acpsa::clearing {

using hostsdk::AdminRequest;

class ClearingModule final : public hostsdk::Module {
public:
    hostsdk::ModuleInfo info() const noexcept override { return {"clearing", "1.0.0", std::chrono::seconds(60)}; }

    void configure(const Poco::Util::AbstractConfiguration& config) override {
        acronis_settings_ = core::parse_acronis_settings(config);
        psa_settings_ = core::parse_psa_settings(config);
    }

    void start(hostsdk::Context& context) override {
        store_ = std::make_unique<core::Store>(context.database());
        acronis_ = std::make_unique<core::AcronisClient>(*acronis_settings_, context.clock(), context.logger());
        psa_ = std::make_unique<core::PsaClient>(*psa_settings_, context.clock(), context.logger());
        service_ = std::make_unique<ClearingService>(*store_, *acronis_, *psa_, context);
        auto* log = &context.logger();
        context.add_route({"GET", "/api/clearing/settings", hostsdk::guarded_handler([this](const AdminRequest&) {
                               return hostsdk::json_response(200, service_->settings_view());
                           }, log)});
        context.add_route({"PUT", "/api/clearing/settings", hostsdk::guarded_handler([this](const AdminRequest& r) {
                               return hostsdk::json_response(200, service_->update_settings(hostsdk::parse_json_object(r)));
                           }, log)});
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
    std::optional<core::AcronisSettings> acronis_settings_;
    std::optional<core::PsaSettings> psa_settings_;
    std::unique_ptr<core::Store> store_;
    std::unique_ptr<core::AcronisClient> acronis_;
    std::unique_ptr<core::PsaClient> psa_;
    std::unique_ptr<ClearingService> service_;
};

}  // namespace acpsa::clearing

HOSTSDK_MODULE(acpsa::clearing::ClearingModule, "clearing")
