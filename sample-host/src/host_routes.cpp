#include "samplehost/host_routes.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace samplehost {
namespace {

using hostsdk::AdminRequest;
using hostsdk::AdminResponse;
using hostsdk::ApiError;
using hostsdk::json_null;
using hostsdk::rfc3339;
using Poco::JSON::Array;
using Poco::JSON::Object;

Poco::Dynamic::Var optional_time(const std::optional<hostsdk::Clock::time_point>& time) {
    return time ? Poco::Dynamic::Var(rfc3339(*time)) : json_null();
}

Object::Ptr counters_json(const std::optional<hostsdk::RunResult>& result) {
    Object::Ptr counters = new Object;
    counters->set("items", result ? result->items : 0);
    counters->set("api_calls", result ? result->api_calls : 0);
    return counters;
}

AdminResponse health(const Scheduler& scheduler, hostsdk::Clock::time_point started_at) {
    Object::Ptr root = new Object;
    Array::Ptr modules = new Array;
    bool degraded = false;
    for (const auto* runner : scheduler.runners()) {
        const auto status = runner->status();
        Object::Ptr item = new Object;
        item->set("name", status.name);
        item->set("version", status.version);
        item->set("state", status.state);
        item->set("last_run", optional_time(status.last_run));
        item->set("last_result", status.last_result ? Poco::Dynamic::Var(hostsdk::to_string(status.last_result->status))
                                                    : json_null());
        item->set("last_message", status.last_result ? Poco::Dynamic::Var(status.last_result->message) : json_null());
        item->set("next_run", optional_time(status.next_run));
        item->set("consecutive_failures", status.consecutive_failures);
        item->set("counters", counters_json(status.last_result));
        modules->add(item);
        if (status.last_result && status.last_result->status != hostsdk::RunResult::Status::ok) degraded = true;
    }
    root->set("status", degraded ? "degraded" : "ok");
    root->set("started_at", rfc3339(started_at));
    root->set("modules", modules);
    return hostsdk::json_response(200, root);
}

AdminResponse run_module(Scheduler& scheduler, const AdminRequest& request) {
    const std::string name = request.path_params.at("name");
    ModuleRunner* runner = scheduler.find(name);
    if (!runner) throw ApiError::not_found("module '" + name + "' is not loaded");
    const auto result = runner->run_now();
    Object::Ptr root = new Object;
    root->set("name", name);
    root->set("result", hostsdk::to_string(result.status));
    root->set("message", result.message);
    root->set("counters", counters_json(result));
    return hostsdk::json_response(200, root);
}

AdminResponse activity(const ActivityStore& store, const AdminRequest& request) {
    ActivityQuery query;
    const auto paging = hostsdk::parse_paging(request);
    query.offset = paging.offset;
    query.limit = paging.limit;
    query.module = request.query_or("module");
    query.action = request.query_or("action");
    query.subject = request.query_or("subject");
    const std::string since = request.query_or("since");
    if (!since.empty()) {
        query.since = hostsdk::parse_rfc3339(since);
        if (!query.since)
            throw ApiError::invalid_value("since", "since must be an RFC 3339 time, e.g. 2026-11-26T10:00:00Z");
    }
    const auto [items, total] = store.query(query);
    Array::Ptr list = new Array;
    for (const auto& stored : items) {
        Object::Ptr item = new Object;
        item->set("id", std::to_string(stored.id));
        item->set("at", rfc3339(stored.at));
        item->set("module", stored.module);
        item->set("action", stored.entry.action);
        item->set("outcome", stored.entry.outcome);
        item->set("message", stored.entry.message);
        Object::Ptr subjects = new Object;
        for (const auto& [name, value] : stored.entry.subjects) subjects->set(name, value);
        item->set("subjects", subjects);
        list->add(item);
    }
    Object::Ptr root = new Object;
    root->set("items", list);
    root->set("total", total);
    return hostsdk::json_response(200, root);
}

}  // namespace

void register_host_routes(Router& router, Scheduler& scheduler, const ActivityStore& store,
                          hostsdk::Clock::time_point started_at, Poco::Logger& log) {
    router.add({"GET", "/api/health",
                hostsdk::guarded_handler([&scheduler, started_at](const AdminRequest&) { return health(scheduler, started_at); }, &log)},
               /*open=*/true);
    router.add({"POST", "/api/modules/{name}/run",
                hostsdk::guarded_handler([&scheduler](const AdminRequest& r) { return run_module(scheduler, r); }, &log)});
    router.add({"GET", "/api/activity",
                hostsdk::guarded_handler([&store](const AdminRequest& r) { return activity(store, r); }, &log)});
}

}  // namespace samplehost
