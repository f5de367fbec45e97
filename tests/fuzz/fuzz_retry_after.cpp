// Retry-After (seconds or an HTTP date), as both vendors may send it: never negative, never
// throws, and a plain number of seconds reads as that many seconds.

#include "acpsa/core/retry.hpp"

#include "fuzz_check.hpp"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    std::optional<std::chrono::milliseconds> wait;
    try {
        wait = acpsa::core::parse_retry_after(input, now);
    } catch (const std::exception& e) {
        fuzzcheck::undocumented(e.what(), input);
    }
    if (wait) fuzzcheck::expect(wait->count() >= 0, "a wait is never negative", input);
    unsigned seconds = 0;
    if (Poco::NumberParser::tryParseUnsigned(Poco::trim(input), seconds))
        fuzzcheck::expect(wait && wait->count() == seconds * 1000LL, "N seconds wait N seconds", input);
    return 0;
}
