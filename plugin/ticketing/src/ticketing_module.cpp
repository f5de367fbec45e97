// acpsa_ticketing.so: "Mapping Alerts to Tickets", "Generating Tickets", "Resolving Tickets" and
// "Reopening Tickets" (product guide), with the ticketing section of the admin API.

#include "ticketing_service.hpp"
#include "ticketing_settings.hpp"

#include "acpsa/core/module_clients.hpp"
#include "acpsa/core/timestamps.hpp"

#include <hostsdk/admin_json.hpp>
#include <hostsdk/config.hpp>
#include <hostsdk/export.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <memory>
#include <optional>

namespace acpsa::ticketing {

using hostsdk::AdminRequest;
using hostsdk::ApiError;
using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

Var or_null(const std::optional<std::string>& value) { return value ? Var(*value) : hostsdk::json_null(); }

std::string time_text(std::int64_t ns) {
    return hostsdk::rfc3339(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns))));
}

Object::Ptr type_json(const AlertTypeRow& row) {
    Object::Ptr o = new Object;
    o->set("type", row.type);
    o->set("name", row.name);
    o->set("category", row.category.empty() ? hostsdk::json_null() : Var(row.category));
    o->set("enabled", row.rule.enabled);
    o->set("ticket_type", or_null(row.rule.ticket_type));
    o->set("ticket_category", or_null(row.rule.ticket_category));
    o->set("team", or_null(row.rule.team));
    return o;
}

Object::Ptr link_json(const core::TicketLink& l) {
    Object::Ptr o = new Object;
    o->set("link_id", std::to_string(l.id));
    o->set("alert_id", l.alert_id);
    o->set("occurrence", l.occurrence);
    o->set("alert_type", l.alert_type);
    o->set("tenant_id", l.tenant_id);
    o->set("psa_customer_id", l.psa_customer_id);
    o->set("ticket_id", or_null(l.ticket_id));
    o->set("ticket_ref", or_null(l.ticket_ref));
    o->set("state", std::string(core::to_string(l.state)));
    o->set("ticket_status", or_null(l.ticket_status));
    o->set("alert_state", std::string(core::to_string(l.alert_state)));
    o->set("created_at", time_text(l.created_ns));
    o->set("resolved_at", l.resolved_ns ? Var(time_text(*l.resolved_ns)) : hostsdk::json_null());
    o->set("error", or_null(l.error));
    return o;
}

Object::Ptr options_json(const PsaOptions& o) {
    Object::Ptr root = o.lists_json();
    root->set("fetched_at", time_text(o.fetched_ns));
    root->set("stale", o.stale);
    return root;
}

}  // namespace

class TicketingModule final : public hostsdk::Module {
public:
    hostsdk::ModuleInfo info() const noexcept override { return {"ticketing", "1.0.0", std::chrono::seconds(60)}; }

    void configure(const Poco::Util::AbstractConfiguration& config) override {
        clients_.configure(config);
        options_ttl_ = std::chrono::seconds(hostsdk::config_int(config, "modules.ticketing.psa_options_ttl_s", 600, 0, 86400));
    }

    void start(hostsdk::Context& context) override {
        clients_.start(context);
        store_ = &clients_.store();
        config_ = std::make_unique<TicketingConfig>(clients_.store(), clients_.psa(), clients_.acronis(), context.clock(), options_ttl_);
        service_ = std::make_unique<TicketingService>(clients_.store(), clients_.acronis(), clients_.psa(), *config_, context);
        auto* log = &context.logger();
        auto add = [&](const char* method, const char* pattern, auto fn) {
            context.add_route({method, pattern, hostsdk::guarded_handler(fn, log)});
        };
        add("GET", "/api/ticketing/settings", [this](const AdminRequest&) { return hostsdk::json_response(200, config_->settings_view()); });
        add("PUT", "/api/ticketing/settings", [this, &context](const AdminRequest& r) {
            auto patch = hostsdk::parse_json_object(r);
            const auto changed = config_->update_settings(patch);
            if (!changed.empty())
                context.activity().record({"settings_changed", "ok",
                                           "ticket settings changed: " + Poco::cat(std::string(", "), changed.begin(), changed.end()), {}});
            return hostsdk::json_response(200, config_->settings_view());
        });
        add("GET", "/api/ticketing/alert-types", [this](const AdminRequest& r) {
            const std::string search = Poco::toLower(Poco::trim(r.query_or("search")));
            const auto paging = hostsdk::parse_paging(r);
            std::vector<AlertTypeRow> rows;
            for (const auto& row : config_->alert_types())
                if (search.empty() || Poco::toLower(row.name).find(search) != std::string::npos ||
                    Poco::toLower(row.type).find(search) != std::string::npos)
                    rows.push_back(row);
            Array::Ptr items = new Array;
            for (std::size_t i = paging.offset; i < rows.size() && i < paging.offset + paging.limit; ++i) items->add(type_json(rows[i]));
            Object::Ptr root = new Object;
            root->set("items", items);
            root->set("total", rows.size());
            return hostsdk::json_response(200, root);
        });
        add("PUT", "/api/ticketing/alert-types/{type}", [this, &context](const AdminRequest& r) {
            auto patch = hostsdk::parse_json_object(r);
            const auto row = config_->update_alert_type(r.path_params.at("type"), patch);
            context.activity().record({"settings_changed", "ok",
                                       "ticket rule of " + row.name + (row.rule.enabled ? " (on)" : " (off)") + " changed",
                                       {{"alert_type", row.type}}});
            return hostsdk::json_response(200, type_json(row));
        });
        add("GET", "/api/ticketing/psa-options", [this](const AdminRequest&) { return hostsdk::json_response(200, options_json(config_->options())); });
        add("GET", "/api/ticketing/links", [this](const AdminRequest& r) {
            const auto paging = hostsdk::parse_paging(r);
            core::LinkQuery q;
            const std::string state = Poco::toLower(Poco::trim(r.query_or("state")));
            if (!state.empty()) {
                try {
                    q.state = core::parse_link_state(state);
                } catch (const std::runtime_error&) {
                    throw ApiError::invalid_value("state", "state must be creating, open, resolved or failed");
                }
            }
            q.psa_customer_id = Poco::trim(r.query_or("psa_customer_id"));
            q.alert_id = Poco::trim(r.query_or("alert_id"));
            q.offset = paging.offset;
            q.limit = paging.limit;
            const auto [links, total] = store_->links(q);
            Array::Ptr items = new Array;
            for (const auto& l : links) items->add(link_json(l));
            Object::Ptr root = new Object;
            root->set("items", items);
            root->set("total", total);
            return hostsdk::json_response(200, root);
        });
        add("POST", "/api/ticketing/links/{link_id}/retry", [this](const AdminRequest& r) {
            Poco::Int64 id = 0;
            if (!Poco::NumberParser::tryParse64(r.path_params.at("link_id"), id)) throw ApiError::not_found("no link " + r.path_params.at("link_id"));
            service_->retry_link(id);
            auto link = store_->link(id);
            return hostsdk::json_response(202, link_json(*link));
        });
    }

    hostsdk::RunResult run(const hostsdk::StopToken& stop) override {
        clients_.use_stop_token(stop);
        return service_->run_cycle();
    }

    void stop() override {
        service_.reset();
        config_.reset();
        store_ = nullptr;
        clients_.reset();
    }

private:
    core::ModuleClients clients_;
    std::chrono::seconds options_ttl_{600};
    core::Store* store_ = nullptr;  ///< clients_'s, for the routes
    std::unique_ptr<TicketingConfig> config_;
    std::unique_ptr<TicketingService> service_;
};

}  // namespace acpsa::ticketing

HOSTSDK_MODULE(acpsa::ticketing::TicketingModule, "ticketing")
