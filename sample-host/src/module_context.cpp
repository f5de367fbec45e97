#include "samplehost/module_context.hpp"

#include <stdexcept>

namespace samplehost {

ModuleContext::ModuleContext(std::string module, const Poco::Util::AbstractConfiguration& config,
                             Poco::Logger& logger, const hostsdk::Clock& clock, Poco::Data::SessionPool& pool,
                             Router& router, ActivityStore& activity, std::set<std::string> enabled,
                             RunRequester request_run)
    : module_(module),
      config_(config),
      logger_(logger),
      clock_(clock),
      pool_(pool),
      router_(router),
      activity_(activity, std::move(module)),
      enabled_(std::move(enabled)),
      request_run_(std::move(request_run)) {}

void ModuleContext::add_route(hostsdk::Route route) {
    if (!registration_open_)
        throw std::logic_error("module '" + module_ + "' registered a route after start: " + route.pattern);
    router_.add(std::move(route));
}

void ModuleContext::request_run(const std::string& name) const noexcept {
    try {
        if (request_run_) request_run_(name);
    } catch (...) {
        // request_run is documented never to throw; a failure only means no early run.
    }
}

}  // namespace samplehost
