#pragma once
/// The mapping section of the admin API (docs/admin-api.md), on top of MappingService.

#include "mapping_service.hpp"

#include <hostsdk/context.hpp>

namespace acpsa::mapping {

/// Registers every mapping route with the host. `service` and `store` must outlive the routes.
void register_routes(hostsdk::Context& context, MappingService& service, core::Store& store);

}  // namespace acpsa::mapping
