#pragma once

#include "hostsdk/activity.hpp"
#include "hostsdk/admin.hpp"
#include "hostsdk/clock.hpp"

#include <string>

namespace Poco {
class Logger;
namespace Util {
class AbstractConfiguration;
}
namespace Data {
class SessionPool;
}
}  // namespace Poco

namespace hostsdk {

/// Everything a module may use from the host, handed to `Module::start`. There are no globals:
/// a module that needs something the host offers gets it here.
///
/// Lifetime: owned by the host; valid from `start` until after `stop` returns, and every object it
/// hands out lives as long. Threading: every member may be called from any thread.
class Context {
public:
    virtual ~Context() = default;

    /// The whole host configuration, read-only (`${...}` expanded by Poco on read).
    virtual const Poco::Util::AbstractConfiguration& config() const = 0;

    /// The module's logger, named `<prefix>.<module>` (the prefix is the host's choice).
    virtual Poco::Logger& logger() const = 0;

    /// The host's clock (a manual clock in tests).
    virtual const Clock& clock() const = 0;

    /// The state database: a pool of Poco::Data sessions on one SQLite file (WAL, busy timeout).
    /// Take a session per unit of work (`database().get()`); a session is not thread-safe.
    virtual Poco::Data::SessionPool& database() const = 0;

    /// Registers an admin route. Only valid during `start`; throws std::logic_error afterwards or
    /// when the same method and pattern is registered twice. The handler is dropped by the host
    /// before `stop` is called, so it may capture the module by reference.
    virtual void add_route(Route route) = 0;

    /// The activity log, stamped with this module's name.
    virtual ActivityLog& activity() const = 0;

    /// True when the module `name` is enabled in `host.modules` (it may still be starting).
    virtual bool is_enabled(const std::string& name) const = 0;

    /// Asks the host to run module `name` as soon as it can (no-op when it is not enabled or is
    /// stopping; a run already in progress is followed by one more). Never blocks; never throws.
    virtual void request_run(const std::string& name) const noexcept = 0;
};

}  // namespace hostsdk
