#include "emulator/service.hpp"

#include "emulator/json_util.hpp"

namespace emulator {

EmuResponse json_reply(int status, const Poco::JSON::Object::Ptr& body) { return json_reply(status, to_json(body)); }

EmuResponse json_reply(int status, const std::string& json_text) {
    EmuResponse response;
    response.status = status;
    response.body = json_text;
    response.content_type = "application/json";
    return response;
}

bool match_pattern(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
                   std::vector<std::string>& params) {
    if (pattern.size() != segments.size()) return false;
    std::vector<std::string> captured;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const auto& p = pattern[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (segments[i].empty()) return false;
            captured.push_back(segments[i]);
        } else if (p != segments[i]) {
            return false;
        }
    }
    params = std::move(captured);
    return true;
}

}  // namespace emulator
