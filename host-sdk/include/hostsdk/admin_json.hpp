#pragma once
/// Helpers for admin route handlers that follow the conventions of the admin API: JSON in and
/// out, the error body `{"error": {"code", "message", "field"}}`, `offset`/`limit` paging and
/// RFC 3339 UTC times. Header-only; thread-safe (no shared state).

#include "hostsdk/admin.hpp"
#include "hostsdk/redact.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>
#include <Poco/Timestamp.h>
#include <Poco/UTF8Encoding.h>

#include <boost/config.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>
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
inline std::string valid_utf8(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char lead = bytes[i];
        const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        bool whole = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
        // isLegal leaves the continuation form of the second byte unchecked after some lead bytes.
        for (int k = 1; whole && k < length; ++k) whole = (bytes[i + static_cast<std::size_t>(k)] & 0xC0) == 0x80;
        if (whole && (length == 1 || Poco::UTF8Encoding::isLegal(bytes + i, length))) {
            out.append(text, i, static_cast<std::size_t>(length));
            i += static_cast<std::size_t>(length);
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

/// Serialises `value` (usually a Poco::JSON::Object::Ptr or Array::Ptr) as the response body,
/// always valid UTF-8 (a path or an upstream name with stray bytes cannot break a client's parser).
inline AdminResponse json_response(int status, const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    if (value.type() == typeid(Poco::JSON::Object::Ptr))
        value.extract<Poco::JSON::Object::Ptr>()->stringify(out);
    else if (value.type() == typeid(Poco::JSON::Array::Ptr))
        value.extract<Poco::JSON::Array::Ptr>()->stringify(out);
    else
        out << Poco::Dynamic::Var::toString(value);
    return AdminResponse{status, valid_utf8(out.str()), "application/json"};
}

/// The admin API's error body with `status`.
inline AdminResponse error_response(int status, const std::string& code, const std::string& message,
                                    const std::optional<std::string>& field = std::nullopt) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
    error->set("code", code);
    error->set("message", message);
    if (field)
        error->set("field", *field);
    else
        error->set("field", Poco::Dynamic::Var());
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
    root->set("error", error);
    return json_response(status, root);
}

/// The response for an ApiError.
inline AdminResponse error_response(const ApiError& error) {
    return error_response(error.status(), error.code(), error.what(), error.field());
}

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
inline Poco::JSON::Object::Ptr parse_json_object(const AdminRequest& request) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(request.body);
    } catch (const Poco::Exception& e) {
        throw ApiError(400, "malformed_json", "request body is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        throw ApiError(400, "malformed_json", "request body must be a JSON object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

/// `offset` and `limit` query parameters of a list route.
struct Paging {
    std::size_t offset = 0;
    std::size_t limit = 100;
};

/// Parses `offset` (>= 0, default 0) and `limit` (1..1000, default 100). Throws ApiError 422
/// `invalid_value` naming the parameter.
inline Paging parse_paging(const AdminRequest& request) {
    Paging paging;
    auto parse = [&](const char* name, std::size_t fallback, std::size_t min, std::size_t max) {
        auto it = request.query.find(name);
        if (it == request.query.end() || it->second.empty()) return fallback;
        Poco::UInt64 value = 0;
        if (!Poco::NumberParser::tryParseUnsigned64(it->second, value) || value < min || value > max)
            throw ApiError::invalid_value(name, std::string(name) + " must be a whole number from " +
                                                    std::to_string(min) + " to " + std::to_string(max));
        return static_cast<std::size_t>(value);
    };
    paging.offset = parse("offset", 0, 0, static_cast<std::size_t>(1) << 40);
    paging.limit = parse("limit", 100, 1, 1000);
    return paging;
}

/// `time` as RFC 3339 UTC with seconds and `Z`, e.g. `2026-11-26T10:05:00Z`.
inline std::string rfc3339(std::chrono::system_clock::time_point time) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%M:%SZ");
}

/// Parses an RFC 3339 time (`2026-11-26T10:05:00Z`, `...T10:05:00.123+02:00`; `T`/`Z` in either
/// case) strictly; nullopt for anything else, and for years outside 1970..2261. Fractions beyond microseconds are truncated.
inline std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
    int year, month, day, hour, minute, second, consumed = 0;
    char t, sep1, sep2, sep3, sep4;
    if (std::sscanf(text.c_str(), "%4d%c%2d%c%2d%c%2d%c%2d%c%2d%n", &year, &sep1, &month, &sep2, &day, &t, &hour,
                    &sep3, &minute, &sep4, &second, &consumed) != 11 ||
        consumed != 19 || sep1 != '-' || sep2 != '-' || (t != 'T' && t != 't') || sep3 != ':' || sep4 != ':')
        return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u})
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    // system_clock counts nanoseconds in 64 bits: years 1678..2261 only.
    if (year < 1970 || year > 2261 || !Poco::DateTime::isValid(year, month, day, hour, minute, second))
        return std::nullopt;
    std::size_t pos = 19;
    long long micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        std::size_t digits = 0;
        for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos, ++digits)
            if (digits < 6) micros = micros * 10 + (text[pos] - '0');
        if (digits == 0) return std::nullopt;
        for (; digits < 6; ++digits) micros *= 10;
    }
    long offset_seconds = 0;
    const std::string zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
               std::isdigit(static_cast<unsigned char>(zone[1])) && std::isdigit(static_cast<unsigned char>(zone[2])) &&
               std::isdigit(static_cast<unsigned char>(zone[4])) && std::isdigit(static_cast<unsigned char>(zone[5]))) {
        const int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
        const int minutes = (zone[4] - '0') * 10 + (zone[5] - '0');
        if (hours > 23 || minutes > 59) return std::nullopt;
        offset_seconds = (zone[0] == '+' ? 1 : -1) * (hours * 3600L + minutes * 60L);
    } else {
        return std::nullopt;
    }
    const Poco::DateTime utc(year, month, day, hour, minute, second);
    const auto since_epoch = std::chrono::microseconds(utc.timestamp().epochMicroseconds() + micros) -
                             std::chrono::seconds(offset_seconds);
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
}

/// A JSON null, for keys whose value does not exist (the admin API always lists every key).
inline Poco::Dynamic::Var json_null() { return Poco::Dynamic::Var(); }

}  // namespace hostsdk
