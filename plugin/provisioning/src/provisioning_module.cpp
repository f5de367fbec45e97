// acpsa_provisioning.so: "Provision New Acronis Customer Tenants" and their administrator accounts
// (product guide), with the provisioning section of the admin API.

#include "provisioning_service.hpp"
#include "provisioning_settings.hpp"

#include "acpsa/core/module_clients.hpp"

#include <hostsdk/admin_json.hpp>
#include <hostsdk/export.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <memory>
#include <mutex>
#include <optional>

namespace acpsa::provisioning {

using hostsdk::AdminRequest;
using hostsdk::ApiError;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Poco::Dynamic::Var or_null(const std::optional<std::string>& value) {
    return value ? Poco::Dynamic::Var(*value) : hostsdk::json_null();
}

Object::Ptr job_json(const core::ProvisioningJob& job) {
    Object::Ptr o = new Object;
    o->set("job_id", std::to_string(job.id));
    o->set("psa_customer_id", job.psa_customer_id);
    o->set("state", std::string(core::to_string(job.state)));
    o->set("step", std::string(core::to_string(job.step)));
    o->set("tenant_id", or_null(job.tenant_id));
    o->set("user_id", or_null(job.user_id));
    o->set("error", or_null(job.error));
    o->set("updated_at", hostsdk::rfc3339(std::chrono::system_clock::time_point(
                             std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(job.updated_ns)))));
    return o;
}

}  // namespace

class ProvisioningModule final : public hostsdk::Module {
public:
    hostsdk::ModuleInfo info() const noexcept override { return {"provisioning", "1.0.0", std::chrono::seconds(60)}; }

    void configure(const Poco::Util::AbstractConfiguration& config) override { clients_.configure(config); }

    void start(hostsdk::Context& context) override {
        clients_.start(context);
        store_ = &clients_.store();
        service_ = std::make_unique<ProvisioningService>(clients_.store(), clients_.acronis(), clients_.psa(), context);
        auto* log = &context.logger();
        context.add_route({"GET", "/api/provisioning/settings", hostsdk::guarded_handler([this](const AdminRequest&) {
                               return hostsdk::json_response(200, settings_view(load_settings(*store_)));
                           }, log)});
        context.add_route({"PUT", "/api/provisioning/settings", hostsdk::guarded_handler([this, &context](const AdminRequest& r) {
                               auto patch = hostsdk::parse_json_object(r);
                               std::lock_guard<std::mutex> lock(settings_mutex_);
                               auto [saved, changed] = update_settings(*store_, patch);
                               if (!changed.empty())
                                   context.activity().record({"settings_changed", "ok",
                                                              "provisioning settings changed: " +
                                                                  Poco::cat(std::string(", "), changed.begin(), changed.end()),
                                                              {}});
                               return hostsdk::json_response(200, settings_view(saved));
                           }, log)});
        context.add_route({"GET", "/api/provisioning/jobs", hostsdk::guarded_handler([this](const AdminRequest& r) {
                               const std::string text = Poco::toLower(Poco::trim(r.query_or("state")));
                               std::optional<core::JobState> state;
                               try {
                                   if (!text.empty()) state = core::parse_job_state(text);
                               } catch (const std::runtime_error&) {
                                   throw ApiError::invalid_value("state", "state must be running, done or failed");
                               }
                               const auto paging = hostsdk::parse_paging(r);
                               auto jobs = store_->jobs(state);
                               std::reverse(jobs.begin(), jobs.end());  // newest first
                               Array::Ptr items = new Array;
                               for (std::size_t i = paging.offset; i < jobs.size() && i < paging.offset + paging.limit; ++i)
                                   items->add(job_json(jobs[i]));
                               Object::Ptr root = new Object;
                               root->set("items", items);
                               root->set("total", jobs.size());
                               return hostsdk::json_response(200, root);
                           }, log)});
    }

    hostsdk::RunResult run(const hostsdk::StopToken& stop) override {
        clients_.use_stop_token(stop);
        return service_->run_cycle();
    }

    void stop() override {
        service_.reset();
        store_ = nullptr;
        clients_.reset();
    }

private:
    core::ModuleClients clients_;
    core::Store* store_ = nullptr;  ///< clients_'s, for the routes
    std::unique_ptr<ProvisioningService> service_;
    std::mutex settings_mutex_;
};

}  // namespace acpsa::provisioning

HOSTSDK_MODULE(acpsa::provisioning::ProvisioningModule, "provisioning")
