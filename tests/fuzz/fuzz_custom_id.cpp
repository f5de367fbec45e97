// The Acronis Custom ID (`key=value;...` with backslash escapes): parse, write back, parse again.

#include "acpsa/core/custom_id.hpp"

#include "fuzz_check.hpp"

using acpsa::core::CustomIdEntry;

namespace {
bool same(const std::vector<CustomIdEntry>& a, const std::vector<CustomIdEntry>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
    return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto parsed = acpsa::core::parse_custom_id(input);  // documented never to throw
    // An opaque token that trims to nothing has no spelling of its own: it is dropped when written.
    std::vector<CustomIdEntry> kept;
    for (const auto& entry : parsed)
        if (!entry.key.empty() || entry.value) kept.push_back(entry);
    const std::string written = acpsa::core::format_custom_id(parsed);
    fuzzcheck::expect(same(acpsa::core::parse_custom_id(written), kept), "parse(format(parse(x))) == parse(x)", input);

    const auto account = acpsa::core::ingram_account_id(input);
    if (account) {
        bool digits = !account->empty();
        for (char c : *account) digits = digits && c >= '0' && c <= '9';
        fuzzcheck::expect(digits, "an Ingram account id is digits only", input);
        fuzzcheck::expect(*account == "0" || account->front() != '0', "an Ingram account id has no leading zero", input);
    }
    return 0;
}
