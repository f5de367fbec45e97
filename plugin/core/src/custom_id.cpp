#include "acpsa/core/custom_id.hpp"

#include <Poco/String.h>

#include <cctype>

namespace acpsa::core {

namespace {

std::string unescape(const std::string& raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
            out += raw[++i];
        } else {
            out += raw[i];  // a final lone backslash stays
        }
    }
    return out;
}

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == ';' || c == '=') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

std::vector<CustomIdEntry> parse_custom_id(const std::string& custom_id) {
    std::vector<std::string> segments;
    std::string current;
    for (std::size_t i = 0; i < custom_id.size(); ++i) {
        const char c = custom_id[i];
        if (c == '\\' && i + 1 < custom_id.size()) {
            current += c;
            current += custom_id[++i];
        } else if (c == ';') {
            segments.push_back(current);
            current.clear();
        } else {
            current += c;
        }
    }
    segments.push_back(current);

    std::vector<CustomIdEntry> entries;
    for (const auto& segment : segments) {
        if (Poco::trim(segment).empty()) continue;
        std::size_t equals = std::string::npos;
        for (std::size_t i = 0; i < segment.size(); ++i) {
            if (segment[i] == '\\') {
                ++i;
            } else if (segment[i] == '=') {
                equals = i;
                break;
            }
        }
        CustomIdEntry entry;
        if (equals == std::string::npos) {
            entry.key = Poco::trim(unescape(segment));
        } else {
            entry.key = Poco::trim(unescape(segment.substr(0, equals)));
            entry.value = Poco::trim(unescape(segment.substr(equals + 1)));
        }
        entries.push_back(entry);
    }
    return entries;
}

std::optional<std::string> custom_id_value(const std::vector<CustomIdEntry>& entries, const std::string& key) {
    for (const auto& entry : entries)
        if (entry.value && entry.key == key) return entry.value;
    return std::nullopt;
}

std::string normalize_digits(const std::string& digits) {
    const auto first = digits.find_first_not_of('0');
    return first == std::string::npos ? (digits.empty() ? digits : "0") : digits.substr(first);
}

std::optional<std::string> ingram_account_id(const std::optional<std::string>& custom_id) {
    if (!custom_id || custom_id->empty()) return std::nullopt;
    const auto value = custom_id_value(parse_custom_id(*custom_id), "osa_account_id");
    if (!value || value->empty()) return std::nullopt;
    for (char c : *value)
        if (c < '0' || c > '9') return std::nullopt;
    return normalize_digits(*value);
}

std::string format_custom_id(const std::vector<CustomIdEntry>& entries) {
    std::string out;
    for (const auto& entry : entries) {
        if (!out.empty()) out += ';';
        out += escape(entry.key);
        if (entry.value) out += "=" + escape(*entry.value);
    }
    return out;
}

}  // namespace acpsa::core
