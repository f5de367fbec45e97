#pragma once
/// Small JSON helpers for the emulator: typed reads that name the offending field.

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace emulator {

/// A JSON document that does not have the expected shape; `what()` names the field.
class JsonShapeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parses `text` as a JSON object; throws JsonShapeError("<what> is not a JSON object ...").
Poco::JSON::Object::Ptr parse_object(const std::string& text, const std::string& what);

/// Serialises an object or array.
std::string to_json(const Poco::JSON::Object::Ptr& object);
std::string to_json(const Poco::JSON::Array::Ptr& array);

/// Typed field reads. `path` is the field's full name for messages (e.g. `psa.customers[2].Id`).
/// `*_required` throw JsonShapeError when absent, null or of another type; the optional forms
/// return nullopt when absent or null and throw when of another type.
std::string string_required(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& path);
std::optional<std::string> string_optional(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                           const std::string& path);
long long int_required(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& path);
std::optional<bool> bool_optional(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& path);
Poco::JSON::Array::Ptr array_optional(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                      const std::string& path);
Poco::JSON::Object::Ptr object_optional(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                        const std::string& path);
/// Element `index` of `array` as an object.
Poco::JSON::Object::Ptr object_at(const Poco::JSON::Array::Ptr& array, std::size_t index, const std::string& path);

/// A JSON null value.
inline Poco::Dynamic::Var null_value() { return Poco::Dynamic::Var(); }

}  // namespace emulator
