#pragma once
/// Helpers for admin route handlers that follow the conventions of the admin API: JSON in and
/// out, the error body `{"error": {"code", "message", "field"}}`, `offset`/`limit` paging and
/// RFC 3339 UTC times. Thread-safe (no shared state); defined in host-sdk/src/admin_json.cpp.

#include "hostsdk/admin.hpp"
#include "hostsdk/redact.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <boost/config.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace hostsdk {

/// An admin API error: HTTP status, error code from the admin API's table, a message a partner can
/// act on, and the field it concerns (if any). Thrown inside a module's handler and turned into a
/// response by `guarded_handler` — it must not leave the module.
class BOOST_SYMBOL_VISIBLE ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& message, std::optional<std::string> field = std::nullopt)
        : std::runtime_error(message), status_(status), code_(std::move(code)), field_(std::move(field)) {}
    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    const std::optional<std::string>& field() const noexcept { return field_; }

    static ApiError not_found(const std::string& message) { return ApiError(404, "not_found", message); }
    static ApiError conflict(const std::string& message) { return ApiError(409, "conflict", message); }
    static ApiError invalid_value(const std::string& field, const std::string& message) {
        return ApiError(422, "invalid_value", message, field);
    }
    static ApiError invalid_type(const std::string& field, const std::string& message) {
        return ApiError(400, "invalid_type", message, field);
    }
    static ApiError unavailable(const std::string& message) { return ApiError(503, "unavailable", message); }
    static ApiError upstream(const std::string& message) { return ApiError(502, "upstream_error", message); }
    static ApiError not_manageable(const std::string& field, const std::string& message) {
        return ApiError(422, "not_manageable", message, field);
    }

private:
    int status_;
    std::string code_;
    std::optional<std::string> field_;
};

/// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
/// Poco checks one sequence (UTF8Encoding::isLegal) but has no whole-string repair, hence this loop.
std::string valid_utf8(const std::string& text);

/// Serialises `value` (usually a Poco::JSON::Object::Ptr or Array::Ptr) as the response body,
/// always valid UTF-8 (a path or an upstream name with stray bytes cannot break a client's parser).
AdminResponse json_response(int status, const Poco::Dynamic::Var& value);

/// The admin API's error body with `status`.
AdminResponse error_response(int status, const std::string& code, const std::string& message,
                             const std::optional<std::string>& field = std::nullopt);

/// The response for an ApiError.
AdminResponse error_response(const ApiError& error);

/// Wraps a handler so that nothing escapes it: ApiError becomes its error response; any other
/// exception a 500 `internal` with a generic message (exception texts may carry URLs or upstream
/// bodies), its text logged — secrets redacted — on `log` when given.
template <class Fn>
RouteHandler guarded_handler(Fn fn, Poco::Logger* log = nullptr) {
    return [fn = std::move(fn), log](const AdminRequest& request) -> AdminResponse {
        auto internal = [&](const std::string& what) {
            if (log) log->error(redact_secrets(request.method + " " + request.path + " failed: " + what));
            return error_response(500, "internal", "internal error; the host log has the details");
        };
        try {
            return fn(request);
        } catch (const ApiError& e) {
            return error_response(e);
        } catch (const Poco::Exception& e) {
            return internal(e.displayText());
        } catch (const std::exception& e) {
            return internal(e.what());
        } catch (...) {
            return internal("unknown exception");
        }
    };
}

/// The request body as a JSON object. Throws ApiError 400 `malformed_json` when the body is not
/// JSON or not an object.
Poco::JSON::Object::Ptr parse_json_object(const AdminRequest& request);

/// Typed reads of one value of a JSON body (a settings PUT's patch), each refusing with the admin
/// API's error naming `field`: 400 `invalid_type` for the wrong JSON type ("<field> must be ..."),
/// 422 `invalid_value` for a number out of range or an unknown key.
namespace patch {
bool boolean(const Poco::Dynamic::Var& value, const std::string& field);
std::string string(const Poco::Dynamic::Var& value, const std::string& field);
Poco::JSON::Object::Ptr object(const Poco::Dynamic::Var& value, const std::string& field);
/// A whole number in [min, max].
long long integer(const Poco::Dynamic::Var& value, const std::string& field, long long min, long long max);
/// Throws 422 `invalid_value`: "unknown setting '<field>'".
[[noreturn]] void unknown(const std::string& field);
}  // namespace patch

/// `offset` and `limit` query parameters of a list route.
struct Paging {
    std::size_t offset = 0;
    std::size_t limit = 100;
};

/// Parses `offset` (>= 0, default 0) and `limit` (1..1000, default 100). Throws ApiError 422
/// `invalid_value` naming the parameter.
Paging parse_paging(const AdminRequest& request);

/// `time` as RFC 3339 UTC with seconds and `Z`, e.g. `2026-11-26T10:05:00Z`.
std::string rfc3339(std::chrono::system_clock::time_point time);

/// Parses an RFC 3339 time (`2026-11-26T10:05:00Z`, `...T10:05:00.123+02:00`; `T`/`Z` in either
/// case) strictly; nullopt for anything else, and for years outside 1970..2261. Fractions beyond microseconds are truncated.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text);

/// A JSON null, for keys whose value does not exist (the admin API always lists every key).
Poco::Dynamic::Var json_null();

}  // namespace hostsdk
