#include "emulator/time_util.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <cstdio>

namespace emulator {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

namespace {
std::string seconds_part(std::int64_t ns) {
    const Poco::Timestamp ts(static_cast<Poco::Timestamp::TimeVal>(ns / 1000));
    return Poco::DateTimeFormatter::format(ts, "%Y-%m-%dT%H:%M:%S");
}
}  // namespace

std::string alert_time(std::int64_t ns) {
    std::string text = seconds_part(ns);
    long long fraction = ns % 1000000000LL;
    if (fraction != 0) {
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, ".%09lld", fraction);
        std::string digits(buffer);
        while (digits.back() == '0') digits.pop_back();
        text += digits;
    }
    return text + "Z";
}

std::string account_time(std::int64_t ns) { return seconds_part(ns); }

std::string psa_date(std::int64_t ns) { return seconds_part(ns); }

std::optional<std::int64_t> parse_psa_date(const std::string& text) {
    int year, month, day, hour = 0, minute = 0, second = 0, consumed = 0;
    char sep = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 || consumed != 10)
        return std::nullopt;
    std::size_t pos = 10;
    if (pos < text.size()) {
        if (std::sscanf(text.c_str() + pos, "%c%2d:%2d:%2d%n", &sep, &hour, &minute, &second, &consumed) != 4 ||
            (sep != 'T' && sep != ' '))
            return std::nullopt;
        pos += static_cast<std::size_t>(consumed);
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
        if (pos < text.size() && text[pos] == 'Z') ++pos;
        if (pos != text.size()) return std::nullopt;
    }
    if (!Poco::DateTime::isValid(year, month, day, hour, minute, second)) return std::nullopt;
    return Poco::DateTime(year, month, day, hour, minute, second).timestamp().epochTime();
}

std::string new_uuid() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

}  // namespace emulator
