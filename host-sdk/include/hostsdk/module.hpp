#pragma once

#include "hostsdk/config_error.hpp"
#include "hostsdk/context.hpp"
#include "hostsdk/run_result.hpp"
#include "hostsdk/stop_token.hpp"

#include <boost/config.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace hostsdk {

/// What a module says about itself. A value type.
struct ModuleInfo {
    std::string name;                     ///< equals the exported `hostsdk_module_name`
    std::string version;                  ///< semantic version, e.g. `1.0.0`
    std::chrono::seconds default_interval{60};  ///< used when `modules.<name>.interval` is unset
};

/// The one interface a plugin implements. The host calls, in this order and from the threads said:
///   `info()` (any time) → `configure()` once → `start()` once → `run()` zero or more times, never
///   two at once → `stop()` once → destruction.
/// `configure` and `start` are called from the host's main thread; `run` from the module's
/// scheduler thread or an admin HTTP thread (never concurrently); `stop` from the main thread after
/// the last `run` returned.
///
/// No exception may leave `info`, `run` or `stop`: a module reports failure through `RunResult`
/// (the host still catches anything that escapes and counts it as `failed`, but a module must not
/// rely on it). `configure` throws only `ConfigError`; `start` may throw a `std::exception` whose
/// message the host prints before it exits. Objects are created by the exported factory and deleted by the host through the virtual
/// destructor while the library is still loaded.
class BOOST_SYMBOL_VISIBLE Module {
public:
    virtual ~Module() = default;

    /// Name, version and default interval. Required. Never throws.
    virtual ModuleInfo info() const noexcept = 0;

    /// Required. Parses and validates the module's keys (`modules.<name>.*` and any shared keys it
    /// reads) into its own typed settings. No side effects: no files, no database, no network;
    /// `--check-config` calls only this. Throws `ConfigError` naming the bad key.
    virtual void configure(const Poco::Util::AbstractConfiguration& config) = 0;

    /// Required. Runs migrations and registers admin routes. `context` outlives the module's use of
    /// it (until `stop` returns). Throws a `std::exception` on failure, which stops the host.
    virtual void start(Context& context) = 0;

    /// Required. One scheduled cycle. Checks `stop` between units of work. Reports failures through
    /// the result, never by throwing.
    virtual RunResult run(const StopToken& stop) = 0;

    /// Optional (default: nothing). Releases what `start` acquired. Never throws.
    virtual void stop() {}
};

/// Signature of the exported `hostsdk_create_module`: a new module owned by the caller, or nullptr
/// when construction failed.
/// (The entry points are plain function types, without `noexcept`, so that the host calls them
/// through exactly the type they were defined with; they catch everything themselves.)
using CreateModuleFn = Module*();
/// Signature of the exported `hostsdk_abi_version`.
using AbiVersionFn = std::uint32_t();
/// The signature of `hostsdk_poco_major`.
using PocoMajorFn = std::uint32_t();
/// Signature of the exported `hostsdk_module_name`: a static NUL-terminated string.
using ModuleNameFn = const char*();

}  // namespace hostsdk
