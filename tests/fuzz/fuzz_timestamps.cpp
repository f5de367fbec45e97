// Acronis and PSA timestamps: whatever parses must format and parse back to the same instant.

#include "acpsa/core/timestamps.hpp"

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the zone offset used when the text has none (-12 h to +14 h).
    const int offset = (static_cast<int>(data[0]) % 105 - 48) * 15;
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto ns = acpsa::core::parse_timestamp_ns(input, offset);  // documented never to throw
    if (!ns) return 0;
    const std::string rfc3339 = acpsa::core::format_rfc3339_ns(*ns);
    fuzzcheck::expect(acpsa::core::parse_timestamp_ns(rfc3339) == ns, "parse(format_rfc3339(t)) == t", input);
    const std::string local = acpsa::core::format_local_seconds(*ns, offset);
    const auto back = acpsa::core::parse_timestamp_ns(local, offset);
    constexpr std::int64_t kSecond = 1000000000;
    const std::int64_t whole = *ns - ((*ns % kSecond) + kSecond) % kSecond;  // floor to the second
    fuzzcheck::expect(back && *back == whole, "parse(format_local_seconds(t)) == t to the second", input);
    return 0;
}
