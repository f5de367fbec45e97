#pragma once

#include "samplehost/activity_store.hpp"
#include "samplehost/router.hpp"

#include <hostsdk/context.hpp>

#include <Poco/Data/SessionPool.h>
#include <Poco/Logger.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <atomic>
#include <functional>
#include <set>
#include <string>

namespace samplehost {

/// The `hostsdk::Context` one module sees. Owned by the host; outlives the module's use of it.
class ModuleContext final : public hostsdk::Context {
public:
    using RunRequester = std::function<void(const std::string&)>;

    ModuleContext(std::string module, const Poco::Util::AbstractConfiguration& config, Poco::Logger& logger,
                  const hostsdk::Clock& clock, Poco::Data::SessionPool& pool, Router& router, ActivityStore& activity,
                  std::set<std::string> enabled, RunRequester request_run);

    const Poco::Util::AbstractConfiguration& config() const override { return config_; }
    Poco::Logger& logger() const override { return logger_; }
    const hostsdk::Clock& clock() const override { return clock_; }
    Poco::Data::SessionPool& database() const override { return pool_; }
    void add_route(hostsdk::Route route) override;
    hostsdk::ActivityLog& activity() const override { return activity_; }
    bool is_enabled(const std::string& name) const override { return enabled_.count(name) > 0; }
    void request_run(const std::string& name) const noexcept override;

    /// Ends the window in which `add_route` is allowed (called after the module's `start`).
    void close_registration() noexcept { registration_open_ = false; }

private:
    std::string module_;
    const Poco::Util::AbstractConfiguration& config_;
    Poco::Logger& logger_;
    const hostsdk::Clock& clock_;
    Poco::Data::SessionPool& pool_;
    Router& router_;
    mutable ModuleActivityLog activity_;
    std::set<std::string> enabled_;
    RunRequester request_run_;
    std::atomic<bool> registration_open_{true};
};

}  // namespace samplehost
