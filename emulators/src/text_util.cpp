#include "emulator/text_util.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/StreamCopier.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/String.h>

#include <cctype>
#include <iterator>
#include <sstream>

namespace emulator {

bool is_uuid(const std::string& text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

bool is_json_content_type(const std::string& content_type) {
    return Poco::icompare(Poco::trim(content_type.substr(0, content_type.find(';'))), "application/json") == 0;
}

std::string encode_cursor(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);  // standard alphabet: `+` and `/` catch a client that does not encode
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

namespace {
std::optional<std::string> decode(const std::string& text, int options) {
    try {
        std::istringstream in(text);
        Poco::Base64Decoder decoder(in, options);
        // Read through the stream, which turns a decoding error into badbit: an exception thrown
        // out of the buffer while a string was being built from istreambuf_iterators leaked it
        // (found by fuzzing).
        std::string decoded;
        Poco::StreamCopier::copyToString(decoder, decoded);
        if (decoder.bad() || decoded.empty()) return std::nullopt;
        return decoded;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}
}  // namespace

std::optional<std::string> decode_cursor(const std::string& cursor) { return decode(cursor, 0); }

std::optional<std::string> decode_base64(const std::string& text) { return decode(text, 0); }

}  // namespace emulator
