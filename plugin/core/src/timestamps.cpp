#include "acpsa/core/timestamps.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <cctype>
#include <cstdio>

namespace acpsa::core {

namespace {
bool digits(const std::string& text, std::size_t from, std::size_t count) {
    if (from + count > text.size()) return false;
    for (std::size_t i = from; i < from + count; ++i)
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    return true;
}
int number(const std::string& text, std::size_t from, std::size_t count) {
    return std::stoi(text.substr(from, count));
}
}  // namespace

std::optional<std::int64_t> parse_timestamp_ns(const std::string& text, int default_offset_minutes) {
    // YYYY-MM-DD?HH:MM:SS
    if (text.size() < 19 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
        !digits(text, 8, 2) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2) ||
        text[13] != ':' || !digits(text, 14, 2) || text[16] != ':' || !digits(text, 17, 2))
        return std::nullopt;
    const int year = number(text, 0, 4), month = number(text, 5, 2), day = number(text, 8, 2);
    const int hour = number(text, 11, 2), minute = number(text, 14, 2), second = number(text, 17, 2);
    if (year < 1970 || year > 2261 || !Poco::DateTime::isValid(year, month, day, hour, minute, second)) return std::nullopt;
    std::size_t pos = 19;
    std::int64_t fraction = 0;
    if (pos < text.size() && text[pos] == '.') {
        std::size_t count = 0;
        for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos, ++count) {
            if (count >= 9) return std::nullopt;
            fraction = fraction * 10 + (text[pos] - '0');
        }
        if (count == 0) return std::nullopt;
        for (; count < 9; ++count) fraction *= 10;
    }
    std::int64_t offset_seconds = static_cast<std::int64_t>(default_offset_minutes) * 60;
    const std::string zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
        offset_seconds = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(zone, 1, 2) && zone[3] == ':' &&
               digits(zone, 4, 2)) {
        const int hours = number(zone, 1, 2), minutes = number(zone, 4, 2);
        if (hours > 23 || minutes > 59) return std::nullopt;
        offset_seconds = (zone[0] == '+' ? 1 : -1) * (hours * 3600LL + minutes * 60LL);
    } else if (!zone.empty()) {
        return std::nullopt;
    }
    const std::int64_t seconds = Poco::DateTime(year, month, day, hour, minute, second).timestamp().epochTime();
    const std::int64_t ns = (seconds - offset_seconds) * 1000000000LL + fraction;
    if (ns < 0) return std::nullopt;  // before 1970 UTC (1970 local time east of UTC): no vendor time
    return ns;
}

std::string format_rfc3339_ns(std::int64_t ns) {
    const std::int64_t seconds = ns / 1000000000LL;
    std::int64_t fraction = ns % 1000000000LL;
    std::string text =
        Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(seconds)), "%Y-%m-%dT%H:%M:%S");
    if (fraction != 0) {
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, ".%09lld", static_cast<long long>(fraction));
        std::string digits_text(buffer);
        while (digits_text.back() == '0') digits_text.pop_back();
        text += digits_text;
    }
    return text + "Z";
}

std::string format_local_seconds(std::int64_t ns, int offset_minutes) {
    const std::int64_t seconds = ns / 1000000000LL + static_cast<std::int64_t>(offset_minutes) * 60;
    return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(seconds)),
                                           "%Y-%m-%dT%H:%M:%S");
}

}  // namespace acpsa::core
