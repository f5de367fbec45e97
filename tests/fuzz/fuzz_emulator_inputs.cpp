// The emulator's own parsers: seed files (a bad one is a SeedError naming the field) and cursors
// (decode(encode(x)) == x; anything else decodes to nothing or to text).

#include "emulator/model.hpp"
#include "emulator/text_util.hpp"

#include "fuzz_check.hpp"

#include <Poco/Exception.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        emulator::parse_seed(input);
    } catch (const emulator::SeedError& e) {
        fuzzcheck::expect(std::string(e.what()).size() > 0, "a seed error says what is wrong", input);
    } catch (const Poco::Exception& e) {
        fuzzcheck::undocumented(e.displayText().c_str(), input);
    } catch (const std::exception& e) {
        fuzzcheck::undocumented(e.what(), input);
    }
    // The emulator never hands out a cursor for nothing; every other text comes back as it went in.
    if (!input.empty())
        fuzzcheck::expect(emulator::decode_cursor(emulator::encode_cursor(input)) == input, "decode(encode(x)) == x", input);
    emulator::decode_cursor(input);
    return 0;
}
