#pragma once

#include "samplehost/activity_store.hpp"
#include "samplehost/router.hpp"
#include "samplehost/scheduler.hpp"

#include <hostsdk/clock.hpp>

#include <Poco/Logger.h>

namespace samplehost {

/// Registers the host's own admin routes (admin-api.md, "Host routes"):
/// `GET /api/health`, `POST /api/modules/{name}/run`, `GET /api/activity`.
/// Every reference must outlive the router's use of the routes; `log` gets internal errors.
void register_host_routes(Router& router, Scheduler& scheduler, const ActivityStore& activity,
                          hostsdk::Clock::time_point started_at, Poco::Logger& log);

}  // namespace samplehost
