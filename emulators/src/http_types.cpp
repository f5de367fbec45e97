#include "emulator/http_types.hpp"

#include <Poco/String.h>
#include <Poco/URI.h>

namespace emulator {

std::string EmuRequest::param(const std::string& name, const std::string& fallback) const {
    for (const auto& [k, v] : query)
        if (k == name) return v;
    return fallback;
}

bool EmuRequest::has_param(const std::string& name) const {
    for (const auto& entry : query)
        if (entry.first == name) return true;
    return false;
}

std::string EmuRequest::param_nocase(const std::string& name, const std::string& fallback) const {
    for (const auto& [k, v] : query)
        if (Poco::icompare(k, name) == 0) return v;
    return fallback;
}

std::vector<std::string> split_segments(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = !path.empty() && path[0] == '/' ? 1 : 0;
    for (;;) {
        const auto slash = path.find('/', start);
        segments.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return segments;
}

std::vector<std::pair<std::string, std::string>> decode_query(const std::string& raw_query) {
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t start = 0;
    while (start <= raw_query.size()) {
        auto amp = raw_query.find('&', start);
        if (amp == std::string::npos) amp = raw_query.size();
        std::string pair = raw_query.substr(start, amp - start);
        if (!pair.empty()) {
            for (auto& c : pair)
                if (c == '+') c = ' ';
            const auto eq = pair.find('=');
            std::string name, value;
            Poco::URI::decode(pair.substr(0, eq), name);
            if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value);
            params.emplace_back(name, value);
        }
        start = amp + 1;
    }
    return params;
}

}  // namespace emulator
