#include "samplehost/router.hpp"

#include <Poco/String.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace samplehost {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
    for (;;) {
        const auto slash = path.find('/', start);
        segments.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return segments;
}

void Router::add(hostsdk::Route route, bool open) {
    if (route.pattern.empty() || route.pattern[0] != '/')
        throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
    if (!route.handler) throw std::invalid_argument("route without a handler: " + route.pattern);
    const std::string method = Poco::toUpper(route.method);
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : entries_)
        if (entry.method == method && entry.pattern == route.pattern)
            throw std::logic_error("route registered twice: " + method + " " + route.pattern);
    entries_.push_back(Entry{method, route.pattern, split_path(route.pattern), std::move(route.handler), open});
}

Router::Match Router::match(const std::string& method, const std::string& path, hostsdk::RouteHandler& handler,
                            std::map<std::string, std::string>& params, std::vector<std::string>& allowed,
                            bool* open) const {
    // A target that is not a path (`api/health`, `*`, empty) is no route, open or not (found by fuzzing).
    if (path.empty() || path.front() != '/') return Match::not_found;
    // Split the raw path, then decode each segment: an encoded `/` stays inside its segment.
    auto segments = split_path(path);
    for (auto& segment : segments) {
        std::string decoded;
        try {
            Poco::URI::decode(segment, decoded);
        } catch (const Poco::Exception&) {
            return Match::not_found;  // not valid percent-encoding: no route has this path
        }
        segment = decoded;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    allowed.clear();
    for (const auto& entry : entries_) {
        if (entry.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> captured;
        bool same = true;
        for (std::size_t i = 0; i < segments.size() && same; ++i) {
            const auto& want = entry.segments[i];
            if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
                if (segments[i].empty()) same = false;
                else captured[want.substr(1, want.size() - 2)] = segments[i];
            } else {
                same = want == segments[i];
            }
        }
        if (!same) continue;
        if (entry.method == method) {
            handler = entry.handler;
            params = std::move(captured);
            if (open) *open = entry.open;
            return Match::found;
        }
        allowed.push_back(entry.method);
    }
    return allowed.empty() ? Match::not_found : Match::wrong_method;
}

void Router::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
}

}  // namespace samplehost
