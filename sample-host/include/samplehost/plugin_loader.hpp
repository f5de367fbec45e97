#pragma once

#include <hostsdk/module.hpp>

#include <Poco/Logger.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace samplehost {

/// A fatal loading problem: an enabled module nobody provides, an ABI mismatch on an enabled
/// module, two libraries with one name, a factory that returned nothing. `what()` is the one line
/// the host prints before it exits.
class LoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A module created from a plugin library.
struct LoadedModule {
    std::string name;          ///< the exported module name
    std::string library_path;  ///< where it was loaded from
    std::uint32_t abi_version = 0;
    /// The module. Its deleter holds the library, so the library stays mapped until the last copy
    /// of this pointer is gone (and is never unloaded while the module exists).
    std::shared_ptr<hostsdk::Module> module;
};

/// Scans `plugin_dir` for `*.so` files (sorted by name), reads each library's ABI version and
/// module name without creating anything, and creates only the modules named in `enabled`, in
/// that order. A library that is not a module, or a module not enabled, gets a warning on `log`
/// and is skipped (an incompatible ABI on a disabled module is only a warning too).
/// Throws LoadError (see there). Not thread-safe with itself; call from one thread.
std::vector<LoadedModule> load_modules(const std::string& plugin_dir, const std::vector<std::string>& enabled,
                                       Poco::Logger& log);

}  // namespace samplehost
