// Acronis replies: tenants, alerts and error bodies (acronis-api §3.2, §5.2, §6.1).

#include "acpsa/core/acronis_client.hpp"

#include "fuzz_check.hpp"

#include <Poco/Exception.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    // Documented: std::runtime_error naming the field, and nothing else.
    for (int which = 0; which < 3; ++which) {
        try {
            if (which == 0) {
                const auto tenant = acpsa::core::parse_tenant(input);
                fuzzcheck::expect(!tenant.id.empty(), "a parsed tenant has an id", input);
            } else if (which == 1) {
                const auto alert = acpsa::core::parse_alert(input);
                fuzzcheck::expect(!alert.id.empty(), "a parsed alert has an id", input);
            } else {
                constexpr std::int64_t now = 1700000000;
                const auto grant = acpsa::core::parse_token_reply(input, now);
                fuzzcheck::expect(!grant.token.empty(), "a token grant has a token", input);
                fuzzcheck::expect(grant.expires_s >= now - 366LL * 86400 && grant.expires_s <= now + 366LL * 86400,
                                  "a token expires within a year of now", input);
            }
        } catch (const std::runtime_error&) {
        } catch (const Poco::Exception& e) {
            fuzzcheck::undocumented(e.displayText().c_str(), input);
        } catch (const std::exception& e) {
            fuzzcheck::undocumented(e.what(), input);
        }
    }
    try {
        std::string code;
        const std::string message = acpsa::core::acronis_error_message(input, code);
        fuzzcheck::expect(message.size() <= input.size() + 4096, "an error message is not longer than its body", input);
    } catch (const std::exception& e) {
        fuzzcheck::undocumented(e.what(), input);  // documented never to throw
    }
    return 0;
}
