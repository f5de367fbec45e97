#pragma once
/// Small text helpers shared by the emulator's services and seed parser.

#include <optional>
#include <string>

namespace emulator {

/// `8-4-4-4-12` hex digits with dashes (either case).
bool is_uuid(const std::string& text);

/// An opaque cursor: `text` in standard base64 (`+`, `/`, often a trailing `=`, as Acronis'
/// are), so that only a client that percent-encodes it gets the next page.
std::string encode_cursor(const std::string& text);

/// The text of a cursor, or nullopt when it is not one of ours.
std::optional<std::string> decode_cursor(const std::string& cursor);

/// True when a Content-Type header names `application/json` (parameters such as charset aside).
bool is_json_content_type(const std::string& content_type);

/// Standard base64 (as in `Authorization: Basic`), or nullopt when it is not.
std::optional<std::string> decode_base64(const std::string& text);

}  // namespace emulator
