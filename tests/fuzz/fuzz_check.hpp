#pragma once
// What every fuzz target shares: the libFuzzer entry point's signature and a property check that
// names the broken property and stops the run (libFuzzer keeps the input as a crash).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fuzzcheck {

/// Stops the run when `holds` is false, printing which property broke for which input.
inline void expect(bool holds, const char* property, const std::string& input) {
    if (holds) return;
    std::fprintf(stderr, "fuzz property broken: %s\ninput (%zu bytes): %.200s\n", property, input.size(), input.c_str());
    std::abort();
}

/// An exception that the parser under test does not document escaped: stop with its text.
[[noreturn]] inline void undocumented(const char* what, const std::string& input) {
    std::fprintf(stderr, "undocumented exception escaped: %s\ninput (%zu bytes): %.200s\n", what, input.size(), input.c_str());
    std::abort();
}

}  // namespace fuzzcheck
