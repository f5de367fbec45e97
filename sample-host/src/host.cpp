#include "samplehost/host.hpp"

#include "samplehost/host_routes.hpp"
#include "samplehost/module_context.hpp"
#include "samplehost/state_database.hpp"

#include <hostsdk/config_error.hpp>

#include <algorithm>

namespace samplehost {

Host::Host(const Poco::Util::AbstractConfiguration& config, HostClock& clock)
    : config_(config), clock_(clock), settings_(parse_host_settings(config)), log_(Poco::Logger::get("host")) {}

Host::~Host() {
    stop();
}

void Host::load_and_configure() {
    modules_ = load_modules(settings_.plugin_dir, settings_.modules, log_);
    for (auto& loaded : modules_) {
        try {
            loaded.module->configure(config_);
        } catch (const hostsdk::ConfigError&) {
            throw;
        } catch (const std::exception& e) {
            throw StartupError("module '" + loaded.name + "': configure failed: " + e.what());
        } catch (...) {
            throw StartupError("module '" + loaded.name + "': configure failed with an unknown exception");
        }
        // Validates modules.<name>.interval with the module's own default.
        module_interval(config_, loaded.name, loaded.module->info().default_interval);
    }
}

void Host::start(bool scheduler, bool admin) {
    started_at_ = clock_.now();
    try {
        pool_ = open_state_database(settings_.state_database, settings_.busy_timeout,
                                    settings_.admin_threads + modules_.size() * 2 + 2);
        activity_ = std::make_unique<ActivityStore>(*pool_, clock_, log_, settings_.activity_retention_days);
    } catch (const std::exception& e) {
        throw StartupError(e.what());
    }

    const std::set<std::string> enabled(settings_.modules.begin(), settings_.modules.end());
    auto request_run = [this](const std::string& name) {
        if (ModuleRunner* runner = scheduler_.find(name)) runner->request_run();
    };
    for (auto& loaded : modules_) {
        auto& logger = Poco::Logger::get(settings_.logger_prefix + "." + loaded.name);
        // Owned by the host before start: a module that throws may still hold on to it.
        contexts_.push_back(std::make_unique<ModuleContext>(loaded.name, config_, logger, clock_, *pool_, router_,
                                                            *activity_, enabled, request_run));
        ModuleContext& context = *contexts_.back();
        try {
            loaded.module->start(context);
        } catch (const std::exception& e) {
            throw StartupError("module '" + loaded.name + "': start failed: " + e.what());
        } catch (...) {
            throw StartupError("module '" + loaded.name + "': start failed with an unknown exception");
        }
        context.close_registration();
        started_.push_back(loaded.name);
        const auto info = loaded.module->info();
        scheduler_.add(std::make_unique<ModuleRunner>(loaded.module, loaded.name, info.version,
                                                      module_interval(config_, loaded.name, info.default_interval),
                                                      settings_.max_backoff, clock_, logger));
    }
    register_host_routes(router_, scheduler_, *activity_, started_at_, log_);

    // The listener first: a port that cannot be bound stops the host before any cycle ran.
    if (admin && settings_.admin_listen) {
        dispatcher_ = std::make_unique<AdminDispatcher>(router_, settings_.admin_token, log_);
        try {
            admin_ = std::make_unique<AdminServer>(*settings_.admin_listen, settings_.admin_threads, *dispatcher_, log_);
        } catch (const Poco::Exception& e) {
            throw StartupError("host.admin.listen: cannot listen on " + settings_.admin_listen->host + ":" +
                               std::to_string(settings_.admin_listen->port) + ": " + e.displayText());
        }
    }
    if (scheduler) scheduler_.start_all();
}

hostsdk::RunResult Host::run_once(const std::string& name) {
    ModuleRunner* runner = scheduler_.find(name);
    if (!runner) throw StartupError("--run-once: module '" + name + "' is not enabled in host.modules");
    return runner->run_now();
}

bool Host::stop() {
    if (stopped_) return !leaked_;
    stopped_ = true;
    // Stop tokens first, so that running cycles (scheduled or asked for over HTTP) wind down
    // while the listener drains; then one deadline for both.
    scheduler_.request_stop_all();
    const auto deadline = std::chrono::steady_clock::now() + settings_.shutdown_timeout;
    auto left = [&] {
        return std::max(std::chrono::milliseconds(0),
                        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    };
    bool clean = admin_ ? admin_->stop(left()) : true;
    clean = scheduler_.stop_all(left()) && clean;
    if (!clean) {
        log_.error("a module cycle did not end within host.shutdown_timeout_s (" +
                   std::to_string(settings_.shutdown_timeout.count()) + " s); exiting without waiting for it");
        leaked_ = true;
        // Deliberately leaked: a running cycle or request still uses the module, its context, the
        // database, the routes and the library, and the process is about to exit.
        new std::vector<LoadedModule>(std::move(modules_));
        new std::vector<std::unique_ptr<ModuleContext>>(std::move(contexts_));
        (void)pool_.release();
        (void)activity_.release();
        (void)admin_.release();
        (void)dispatcher_.release();
        scheduler_.leak();
        return false;
    }
    admin_.reset();
    dispatcher_.reset();
    router_.clear();
    for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
        if (std::find(started_.begin(), started_.end(), it->name) == started_.end()) continue;
        try {
            it->module->stop();
        } catch (const std::exception& e) {
            log_.error("module '" + it->name + "': stop threw: " + e.what());
        } catch (...) {
            log_.error("module '" + it->name + "': stop threw an unknown exception");
        }
    }
    scheduler_ = Scheduler();
    contexts_.clear();
    while (!modules_.empty()) modules_.pop_back();
    return true;
}

std::uint16_t Host::admin_port() const { return admin_ ? admin_->port() : 0; }

std::vector<ModuleStatus> Host::statuses() const {
    std::vector<ModuleStatus> all;
    for (const auto* runner : scheduler_.runners()) all.push_back(runner->status());
    return all;
}

std::vector<std::string> Host::module_names() const {
    std::vector<std::string> names;
    for (const auto& loaded : modules_) names.push_back(loaded.name);
    return names;
}

}  // namespace samplehost
