#include "samplehost/plugin_loader.hpp"

#include <hostsdk/abi.hpp>

#include <boost/dll/shared_library.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace samplehost {
namespace {

namespace fs = std::filesystem;

struct Candidate {
    std::string path;
    std::string name;
    std::uint32_t abi = 0;
    std::shared_ptr<boost::dll::shared_library> library;
};

std::string version_text(std::uint32_t version) {
    return std::to_string(hostsdk::abi_major(version)) + "." + std::to_string(hostsdk::abi_minor(version));
}

std::vector<std::string> list_libraries(const std::string& plugin_dir) {
    std::error_code ec;
    if (!fs::is_directory(plugin_dir, ec))
        throw LoadError("host.plugin_dir: '" + plugin_dir + "' is not a directory");
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(plugin_dir, ec)) {
        if (entry.path().extension() == ".so" && entry.is_regular_file(ec)) paths.push_back(entry.path().string());
    }
    if (ec) throw LoadError("host.plugin_dir: cannot read '" + plugin_dir + "': " + ec.message());
    std::sort(paths.begin(), paths.end());
    return paths;
}

/// Opens `path` and reads its exports; nullopt (with a warning) when it is not a module.
std::optional<Candidate> inspect(const std::string& path, Poco::Logger& log) {
    Candidate candidate;
    candidate.path = path;
    try {
        candidate.library = std::make_shared<boost::dll::shared_library>(
            path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        log.warning("skipping %s: cannot be loaded (%s)", path, std::string(e.what()));
        return std::nullopt;
    }
    for (const char* symbol : {"hostsdk_abi_version", "hostsdk_module_name", "hostsdk_create_module"}) {
        if (!candidate.library->has(symbol)) {
            log.warning("skipping %s: not a module (no '%s' export)", path, std::string(symbol));
            return std::nullopt;
        }
    }
    candidate.abi = candidate.library->get_alias<hostsdk::AbiVersionFn>("hostsdk_abi_version")();
    const char* name = candidate.library->get_alias<hostsdk::ModuleNameFn>("hostsdk_module_name")();
    candidate.name = name ? name : "";
    if (candidate.name.empty()) {
        log.warning("skipping %s: its module name is empty", path);
        return std::nullopt;
    }
    return candidate;
}

}  // namespace

std::vector<LoadedModule> load_modules(const std::string& plugin_dir, const std::vector<std::string>& enabled,
                                       Poco::Logger& log) {
    if (enabled.empty()) {
        log.information("host.modules is empty: no module to load");
        return {};
    }
    std::map<std::string, Candidate> by_name;
    for (const auto& path : list_libraries(plugin_dir)) {
        auto candidate = inspect(path, log);
        if (!candidate) continue;
        auto [it, inserted] = by_name.emplace(candidate->name, *candidate);
        if (!inserted)
            throw LoadError("two libraries provide module '" + candidate->name + "': " + it->second.path + " and " +
                            candidate->path + "; remove one");
    }

    const std::set<std::string> wanted(enabled.begin(), enabled.end());
    for (const auto& [name, candidate] : by_name) {
        if (wanted.count(name)) continue;
        log.warning("skipping module '%s' (%s): not enabled in host.modules", name, candidate.path);
    }

    std::vector<LoadedModule> loaded;
    for (const auto& name : enabled) {
        auto it = by_name.find(name);
        if (it == by_name.end())
            throw LoadError("module '" + name + "' is enabled in host.modules but no library in " + plugin_dir +
                            " provides it");
        Candidate& candidate = it->second;
        if (!hostsdk::abi_compatible(hostsdk::kAbiVersion, candidate.abi))
            throw LoadError("module '" + name + "' (" + candidate.path + ") was built for host interface " +
                            version_text(candidate.abi) + ", this host provides " +
                            version_text(hostsdk::kAbiVersion));
        // Before 1.1 a module did not say which Poco it was built with; from 1.1 on it must.
        if (candidate.library->has("hostsdk_poco_major")) {
            const auto poco = candidate.library->get_alias<hostsdk::PocoMajorFn>("hostsdk_poco_major")();
            if (poco != hostsdk::kPocoMajor)
                throw LoadError("module '" + name + "' (" + candidate.path + ") was built against Poco " +
                                std::to_string(poco) + ".x, this host uses Poco " + std::to_string(hostsdk::kPocoMajor) +
                                ".x; rebuild it");
        } else if (hostsdk::abi_minor(candidate.abi) >= 1) {
            throw LoadError("module '" + name + "' (" + candidate.path + ") declares host interface " +
                            version_text(candidate.abi) + " but not the Poco it was built against");
        }
        auto& create = candidate.library->get_alias<hostsdk::CreateModuleFn>("hostsdk_create_module");
        hostsdk::Module* raw = create();
        if (!raw) throw LoadError("module '" + name + "' (" + candidate.path + ") could not be created");
        // The deleter owns the library: the module's code stays mapped until it is destroyed.
        auto library = candidate.library;
        std::shared_ptr<hostsdk::Module> module(raw, [library](hostsdk::Module* m) { delete m; });
        const auto info = module->info();
        if (info.name != name)
            log.warning("module '%s' (%s) calls itself '%s' in info()", name, candidate.path, info.name);
        log.information("loaded module '%s' %s from %s", name, info.version, candidate.path);
        loaded.push_back(LoadedModule{name, candidate.path, candidate.abi, std::move(module)});
    }
    return loaded;
}

}  // namespace samplehost
