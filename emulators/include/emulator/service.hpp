#pragma once

#include "emulator/http_types.hpp"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace emulator {

/// One emulated vendor API on its own port: the API routes, its own control routes under
/// `/_emulator/`, its state view and the error bodies it sends for injected faults.
/// Implementations are thread-safe.
class Service {
public:
    virtual ~Service() = default;

    /// `acronis` or `psa`.
    virtual std::string name() const = 0;

    /// The route template of an API request, for stats and faults: the method, a space, the path
    /// with ids as `{id}` (and the PSA version segment as `{ver}`).
    virtual std::string route_template(const EmuRequest& request) const = 0;

    /// Every route template this API serves (to validate fault routes).
    virtual std::vector<std::string> known_routes() const = 0;

    /// Answers an API request as the contract says.
    virtual EmuResponse handle(const EmuRequest& request) = 0;

    /// Answers a service-specific control request (path under `/_emulator/`), or nullopt when the
    /// path is not one of this service's control routes.
    virtual std::optional<EmuResponse> control(const EmuRequest& request) = 0;

    /// The whole state, as `GET /_emulator/state` shows it.
    virtual Poco::JSON::Object::Ptr state() const = 0;

    /// The answer to an injected error fault (`status` 401, 429, 500 or 503), in the API's own
    /// error style; the caller adds `Retry-After` for 429.
    virtual EmuResponse fault_error(int status, const EmuRequest& request) const = 0;

    /// An error answer with `message` in the API's own style (413, malformed request, ...).
    virtual EmuResponse error_reply(int status, const EmuRequest& request, const std::string& message) const = 0;

    /// Whether the `expired_token` fault applies to this API.
    virtual bool supports_expired_token() const { return false; }

    /// For the `expired_token` fault: treats the token the request carries as expired from now on.
    virtual void expire_request_token(const EmuRequest&) {}
};

/// A JSON response.
EmuResponse json_reply(int status, const Poco::JSON::Object::Ptr& body);
EmuResponse json_reply(int status, const std::string& json_text);

/// Matches `path` segments against a pattern of segments where `{x}` matches one non-empty
/// segment; fills `params` (in order) on success.
bool match_pattern(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
                   std::vector<std::string>& params);

}  // namespace emulator
