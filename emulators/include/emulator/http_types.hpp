#pragma once

#include <map>
#include <string>
#include <vector>

namespace emulator {

/// One request as the emulator's services see it: the path split from the query, the query
/// decoded (`%XX`, and `+` as a space), the headers they read.
struct EmuRequest {
    std::string method;
    std::string path;       ///< decoded path
    std::string raw_path;   ///< path as sent (percent-encoded)
    std::string raw_query;  ///< query as sent, without `?`
    /// Decoded query parameters in order; a name may repeat.
    std::vector<std::pair<std::string, std::string>> query;
    std::string authorization;
    std::string content_type;
    std::string body;

    /// The first value of `name`, or `fallback`.
    std::string param(const std::string& name, const std::string& fallback = {}) const;
    /// True when `name` is present.
    bool has_param(const std::string& name) const;
    /// The first value of `name` compared case-insensitively on the name (PSA style).
    std::string param_nocase(const std::string& name, const std::string& fallback = {}) const;
};

/// A service's answer. `drop` closes the connection without answering (fault injection).
struct EmuResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::map<std::string, std::string> headers;
    bool drop = false;
};

/// Splits `path` on `/` (leading slash dropped).
std::vector<std::string> split_segments(const std::string& path);

/// Decodes a query string: `%XX`, and `+` as a space.
std::vector<std::pair<std::string, std::string>> decode_query(const std::string& raw_query);

}  // namespace emulator
