#pragma once
/// Admin HTTP routes that a module registers with the host (`Context::add_route`).

#include <functional>
#include <map>
#include <string>

namespace hostsdk {

/// One admin API request, already authenticated by the host, its body read (at most 1 MiB).
/// Valid only during the handler call.
struct AdminRequest {
    std::string method;  ///< `GET`, `POST`, `PUT`, `DELETE`, `PATCH`
    std::string path;    ///< decoded path without the query, e.g. `/api/widgets/17/archive`
    /// Values of the `{name}` segments of the route pattern, percent-decoded.
    std::map<std::string, std::string> path_params;
    /// Query parameters, percent-decoded; the last one wins when a name repeats.
    std::map<std::string, std::string> query;
    std::string body;  ///< raw request body (JSON by convention; may be empty)

    /// The query parameter `name`, or `fallback` when absent.
    std::string query_or(const std::string& name, const std::string& fallback = {}) const {
        auto it = query.find(name);
        return it == query.end() ? fallback : it->second;
    }
};

/// The handler's answer. `body` is sent as is with `content_type`.
struct AdminResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
};

/// A route handler. Called on one of the host's HTTP threads, possibly several at once: it must be
/// thread-safe. It should not throw; if it does, the host answers 500 and logs the message.
using RouteHandler = std::function<AdminResponse(const AdminRequest&)>;

/// A route: method plus path pattern whose `{name}` segments match one whole segment each, e.g.
/// `POST /api/widgets/{widget_id}/archive`.
struct Route {
    std::string method;
    std::string pattern;
    RouteHandler handler;
};

}  // namespace hostsdk
