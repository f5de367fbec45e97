// PSA replies: the create-ticket reply in every tolerated form, error bodies, grid rows (psa-api §2-§4).

#include "acpsa/core/json_read.hpp"
#include "acpsa/core/psa_client.hpp"

#include "fuzz_check.hpp"

#include <Poco/Exception.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        if (auto handle = acpsa::core::parse_create_reply(input, "#"))
            fuzzcheck::expect(!handle->id.empty() || !handle->ref.empty(), "a ticket handle names an id or a ref", input);
        const std::string message = acpsa::core::psa_error_message(input);
        fuzzcheck::expect(message.size() <= input.size() + 4096, "an error message is not longer than its body", input);
    } catch (const std::exception& e) {
        fuzzcheck::undocumented(e.what(), input);  // both documented never to throw
    }
    // Grid pages: parse (std::runtime_error when not JSON), then read every row's cells tolerantly.
    try {
        auto rows = acpsa::core::json::rows(acpsa::core::json::parse(input));
        for (std::size_t i = 0; rows && i < rows->size() && i < 64; ++i) {
            auto row = acpsa::core::json::object_at(rows, i);
            if (!row) continue;
            for (const auto& [key, value] : *row) {
                acpsa::core::json::text(value);
                acpsa::core::json::integer(value);
                acpsa::core::json::boolean(value);
                acpsa::core::json::get(row, key);
            }
        }
    } catch (const std::runtime_error&) {
    } catch (const Poco::Exception& e) {
        fuzzcheck::undocumented(e.displayText().c_str(), input);
    } catch (const std::exception& e) {
        fuzzcheck::undocumented(e.what(), input);
    }
    return 0;
}
