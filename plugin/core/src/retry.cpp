#include "acpsa/core/retry.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/NumberParser.h>
#include <Poco/RegularExpression.h>
#include <Poco/String.h>

#include <algorithm>
#include <random>
#include <thread>

namespace acpsa::core {

std::chrono::milliseconds backoff_delay(const RetrySettings& settings, int attempt, double jitter) {
    using std::chrono::milliseconds;
    const milliseconds cap = std::chrono::duration_cast<milliseconds>(settings.max_delay);
    milliseconds delay = settings.base_delay;
    for (int i = 1; i < attempt && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
    jitter = std::clamp(jitter, 0.5, 1.0);
    return milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * jitter));
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& raw,
                                                           std::chrono::system_clock::time_point now) {
    const std::string value = Poco::trim(raw);
    if (value.empty()) return std::nullopt;
    unsigned seconds = 0;
    if (Poco::NumberParser::tryParseUnsigned(value, seconds)) return std::chrono::milliseconds(seconds * 1000LL);
    // An HTTP date (IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"); Poco's parser alone is too
    // lenient (it reads "soon" as a date).
    static const Poco::RegularExpression http_date("^[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$");
    Poco::DateTime when;
    int tz = 0;
    if (!http_date.match(value) || !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, value, when, tz))
        return std::nullopt;
    when.makeUTC(tz);
    // In microseconds, as Poco keeps them: a date in year 9999 does not fit the clock's nanoseconds.
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    const Poco::Int64 until_us = when.timestamp().epochMicroseconds() - now_us;
    return std::chrono::milliseconds(std::max<Poco::Int64>(0, until_us / 1000));
}

std::chrono::milliseconds retry_delay(const RetrySettings& settings, int attempt, const std::string& retry_after,
                                      std::chrono::system_clock::time_point now) {
    const auto cap = std::chrono::duration_cast<std::chrono::milliseconds>(settings.max_delay);
    if (auto after = parse_retry_after(retry_after, now)) return std::min(*after, cap);
    static thread_local std::mt19937 random(std::random_device{}());
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return backoff_delay(settings, attempt, jitter(random));
}

Sleeper plain_sleeper() {
    return [](std::chrono::milliseconds delay) {
        std::this_thread::sleep_for(delay);
        return true;
    };
}

}  // namespace acpsa::core
