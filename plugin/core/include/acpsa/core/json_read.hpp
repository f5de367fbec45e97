#pragma once
/// Tolerant JSON reading for vendor answers: keys matched case-insensitively, numbers sent as
/// strings and digit strings as numbers, several spellings of booleans, and list or object wrappers.

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace acpsa::core::json {

/// Parses `text`; throws std::runtime_error("not JSON: ...") when it is not JSON.
Poco::Dynamic::Var parse(const std::string& text);

/// The value under `key`, matched case-insensitively; an empty Var when absent.
Poco::Dynamic::Var get(const Poco::JSON::Object::Ptr& object, const std::string& key);

/// The object itself, or the object inside a `Data` / `data` (any case) wrapper; nullptr when
/// `value` is not an object.
Poco::JSON::Object::Ptr unwrap_object(const Poco::Dynamic::Var& value);

/// The rows of a list answer: a bare array, or the array under `Data` / `items` (any case);
/// nullptr when there is none.
Poco::JSON::Array::Ptr rows(const Poco::Dynamic::Var& value);

/// A string, or a number as text; nullopt for absent, null, empty or other types.
std::optional<std::string> text(const Poco::Dynamic::Var& value);

/// An integer, or a string of digits (optionally signed); nullopt otherwise.
std::optional<long long> integer(const Poco::Dynamic::Var& value);

/// true / false, 1 / 0, "true" / "false", "yes" / "no", "1" / "0" (any case); nullopt otherwise.
std::optional<bool> boolean(const Poco::Dynamic::Var& value);

/// Element `index` of `array` as an object, or nullptr.
Poco::JSON::Object::Ptr object_at(const Poco::JSON::Array::Ptr& array, std::size_t index);

/// Serialises a JSON value (object, array or scalar).
std::string stringify(const Poco::Dynamic::Var& value);

}  // namespace acpsa::core::json
