#pragma once

#include <hostsdk/admin.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace samplehost {

/// The admin API's routing table: method + path pattern → handler. Patterns are `/`-separated;
/// a `{name}` segment matches any one non-empty segment. Thread-safe.
class Router {
public:
    enum class Match { found, wrong_method, not_found };

    /// Adds a route. Throws std::invalid_argument for a pattern that does not start with `/`,
    /// and std::logic_error when the method and pattern are already registered.
    /// `open` routes are answered without the admin token (only the host's health route).
    void add(hostsdk::Route route, bool open = false);

    /// Finds the route for `method` and the raw (still percent-encoded) `path`; on `found` fills
    /// `handler` and `params` (decoded);
    /// `allowed` lists the methods of the path when it is `wrong_method`.
    /// `open`, when given, tells whether the found route was registered as open.
    Match match(const std::string& method, const std::string& path, hostsdk::RouteHandler& handler,
                std::map<std::string, std::string>& params, std::vector<std::string>& allowed,
                bool* open = nullptr) const;

    /// Drops every route (and so every handler, which may reference module code).
    void clear();

private:
    struct Entry {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        hostsdk::RouteHandler handler;
        bool open = false;
    };
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
};

/// Splits a path into its segments (`/a/b/` → {"a", "b", ""}; `/` → {""}).
std::vector<std::string> split_path(const std::string& path);

}  // namespace samplehost
