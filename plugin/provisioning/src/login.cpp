#include "login.hpp"

#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <cstring>

namespace acpsa::provisioning {

namespace {

// Hand-written folding table: Poco 1.11 has no accent removal, and iconv's //TRANSLIT depends on
// the process locale (ä becomes "a" or "ae" or "?"), which a login rule must not.
// U+00C0..U+00FF (Latin-1 Supplement letters), "" = not a letter to fold.
const char* const kLatin1[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",   // C0-CF
    "D", "N", "O", "O", "O", "O", "O", "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",  // D0-DF (D7 ×)
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0-FF (F7 ÷)
};
// U+0100..U+017F (Latin Extended-A), one base letter each; '?' marks the two-letter ones.
const char kExtendedA[] =
    "AaAaAa" "CcCcCcCc" "DdDd" "EeEeEeEeEe" "GgGgGgGg" "HhHh" "IiIiIiIiIi" "??" "Jj" "Kkk" "LlLlLlLlLl"
    "NnNnNnnNn" "OoOoOo" "??" "RrRrRr" "SsSsSsSs" "TtTtTt" "UuUuUuUuUuUu" "Ww" "YyY" "ZzZzZz" "s";
static_assert(sizeof(kExtendedA) - 1 == 128, "one entry per code point U+0100..U+017F");

std::string fold(int cp) {
    if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F) {
        switch (cp) {
            case 0x132: return "IJ";
            case 0x133: return "ij";
            case 0x152: return "OE";
            case 0x153: return "oe";
            default: return std::string(1, kExtendedA[cp - 0x100]);
        }
    }
    return "";
}

}  // namespace

bool login_character(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 128) return false;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != '\0' && std::strchr("`.@_-+:!#$%^*={}'/?", c) != nullptr;
}

std::string fold_diacritics(const std::string& utf8) {
    Poco::UTF8Encoding encoding;
    Poco::TextIterator it(utf8, encoding), end(utf8);
    std::string out;
    for (; it != end; ++it) {
        const int cp = *it;
        if (cp >= 0 && cp < 128) {
            out += static_cast<char>(cp);
            continue;
        }
        const std::string folded = fold(cp);
        if (!folded.empty()) {
            out += folded;
            continue;
        }
        // Not foldable: keep the code point as UTF-8 (dropped by the login filter).
        unsigned char bytes[8];
        const int length = encoding.convert(cp, bytes, sizeof bytes);
        if (length > 0) out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
    }
    return out;
}

std::optional<std::string> derive_login(const std::vector<std::string>& parts) {
    std::string joined;
    for (const auto& part : parts) joined += part;
    std::string login;
    for (char c : fold_diacritics(joined))
        if (login_character(c)) login += c;
    if (login.size() < 3) return std::nullopt;
    return login;
}

}  // namespace acpsa::provisioning
