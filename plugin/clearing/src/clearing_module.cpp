// acpsa_clearing.so: "Clearing Alerts in Acronis" (product guide): when a linked ticket reaches the
// chosen status, its Acronis alert is cleared. Every linked ticket's status change is recorded
// (the ticketing module's reopen window starts at the first time a ticket is seen closed).

#include "clearing_service.hpp"

#include "acpsa/core/module_clients.hpp"

#include <hostsdk/admin_json.hpp>
#include <hostsdk/export.hpp>

#include <memory>
#include <optional>

namespace acpsa::clearing {

using hostsdk::AdminRequest;

class ClearingModule final : public hostsdk::Module {
public:
    hostsdk::ModuleInfo info() const noexcept override { return {"clearing", "1.0.0", std::chrono::seconds(60)}; }

    void configure(const Poco::Util::AbstractConfiguration& config) override { clients_.configure(config); }

    void start(hostsdk::Context& context) override {
        clients_.start(context);
        service_ = std::make_unique<ClearingService>(clients_.store(), clients_.acronis(), clients_.psa(), context);
        auto* log = &context.logger();
        context.add_route({"GET", "/api/clearing/settings", hostsdk::guarded_handler([this](const AdminRequest&) {
                               return hostsdk::json_response(200, service_->settings_view());
                           }, log)});
        context.add_route({"PUT", "/api/clearing/settings", hostsdk::guarded_handler([this](const AdminRequest& r) {
                               return hostsdk::json_response(200, service_->update_settings(hostsdk::parse_json_object(r)));
                           }, log)});
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
    std::unique_ptr<ClearingService> service_;
};

}  // namespace acpsa::clearing

HOSTSDK_MODULE(acpsa::clearing::ClearingModule, "clearing")
