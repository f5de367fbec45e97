#include "emulator/json_util.hpp"

#include <Poco/JSON/Parser.h>

#include <sstream>

namespace emulator {

Poco::JSON::Object::Ptr parse_object(const std::string& text, const std::string& what) {
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(text);
    } catch (const Poco::Exception& e) {
        throw JsonShapeError(what + " is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw JsonShapeError(what + " is not a JSON object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::string to_json(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string to_json(const Poco::JSON::Array::Ptr& array) {
    std::ostringstream out;
    array->stringify(out);
    return out.str();
}

std::optional<std::string> string_optional(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                           const std::string& path) {
    if (!object->has(key) || object->isNull(key)) return std::nullopt;
    const auto value = object->get(key);
    if (!value.isString()) throw JsonShapeError(path + " must be a string");
    return value.extract<std::string>();
}

std::string string_required(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& path) {
    auto value = string_optional(object, key, path);
    if (!value) throw JsonShapeError(path + " is required");
    return *value;
}

long long int_required(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& path) {
    if (!object->has(key) || object->isNull(key)) throw JsonShapeError(path + " is required");
    const auto value = object->get(key);
    if (!value.isInteger()) throw JsonShapeError(path + " must be an integer");
    return value.convert<long long>();
}

std::optional<bool> bool_optional(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& path) {
    if (!object->has(key) || object->isNull(key)) return std::nullopt;
    const auto value = object->get(key);
    if (!value.isBoolean()) throw JsonShapeError(path + " must be true or false");
    return value.extract<bool>();
}

Poco::JSON::Array::Ptr array_optional(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                      const std::string& path) {
    if (!object->has(key) || object->isNull(key)) return new Poco::JSON::Array;
    const auto value = object->get(key);
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) throw JsonShapeError(path + " must be an array");
    return value.extract<Poco::JSON::Array::Ptr>();
}

Poco::JSON::Object::Ptr object_optional(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                        const std::string& path) {
    if (!object->has(key) || object->isNull(key)) return nullptr;
    const auto value = object->get(key);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw JsonShapeError(path + " must be an object");
    return value.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr object_at(const Poco::JSON::Array::Ptr& array, std::size_t index, const std::string& path) {
    const auto value = array->get(static_cast<unsigned>(index));
    if (value.type() != typeid(Poco::JSON::Object::Ptr))
        throw JsonShapeError(path + "[" + std::to_string(index) + "] must be an object");
    return value.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace emulator
