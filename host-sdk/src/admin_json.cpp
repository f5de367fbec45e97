#include "hostsdk/admin_json.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/JSON/Array.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/Timestamp.h>
#include <Poco/UTF8Encoding.h>

#include <cctype>
#include <cstdio>
#include <sstream>

namespace hostsdk {

std::string valid_utf8(const std::string& text) {
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

AdminResponse json_response(int status, const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    if (value.type() == typeid(Poco::JSON::Object::Ptr))
        value.extract<Poco::JSON::Object::Ptr>()->stringify(out);
    else if (value.type() == typeid(Poco::JSON::Array::Ptr))
        value.extract<Poco::JSON::Array::Ptr>()->stringify(out);
    else
        out << Poco::Dynamic::Var::toString(value);
    return AdminResponse{status, valid_utf8(out.str()), "application/json"};
}

AdminResponse error_response(int status, const std::string& code, const std::string& message,
                             const std::optional<std::string>& field) {
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

AdminResponse error_response(const ApiError& error) {
    return error_response(error.status(), error.code(), error.what(), error.field());
}

Poco::JSON::Object::Ptr parse_json_object(const AdminRequest& request) {
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

Paging parse_paging(const AdminRequest& request) {
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

std::string rfc3339(std::chrono::system_clock::time_point time) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%M:%SZ");
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
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

Poco::Dynamic::Var json_null() { return Poco::Dynamic::Var(); }

namespace patch {

bool boolean(const Poco::Dynamic::Var& value, const std::string& field) {
    if (!value.isBoolean()) throw ApiError::invalid_type(field, field + " must be true or false");
    return value.extract<bool>();
}

std::string string(const Poco::Dynamic::Var& value, const std::string& field) {
    if (!value.isString()) throw ApiError::invalid_type(field, field + " must be a string");
    return value.extract<std::string>();
}

Poco::JSON::Object::Ptr object(const Poco::Dynamic::Var& value, const std::string& field) {
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError::invalid_type(field, field + " must be an object");
    return value.extract<Poco::JSON::Object::Ptr>();
}

long long integer(const Poco::Dynamic::Var& value, const std::string& field, long long min, long long max) {
    if (!value.isInteger()) throw ApiError::invalid_type(field, field + " must be an integer");
    const auto number = value.convert<long long>();
    if (number < min || number > max)
        throw ApiError::invalid_value(field, field + " must be from " + std::to_string(min) + " to " + std::to_string(max));
    return number;
}

void unknown(const std::string& field) { throw ApiError::invalid_value(field, "unknown setting '" + field + "'"); }

}  // namespace patch

}  // namespace hostsdk
