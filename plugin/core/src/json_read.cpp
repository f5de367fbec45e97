#include "acpsa/core/json_read.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

#include <sstream>
#include <stdexcept>

namespace acpsa::core::json {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Var parse(const std::string& text) {
    try {
        return Poco::JSON::Parser().parse(text);
    } catch (const Poco::Exception& e) {
        // Poco's parser wants an object or an array at the top; a bare number or string is JSON too.
        const std::string t = Poco::trim(text);
        Poco::Int64 number = 0;
        if (Poco::NumberParser::tryParse64(t, number)) return Var(number);
        if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
            try {
                auto wrapped = Poco::JSON::Parser().parse("[" + t + "]").extract<Array::Ptr>();
                return wrapped->get(0);
            } catch (const Poco::Exception&) {
            }
        }
        throw std::runtime_error("not JSON: " + e.message());
    }
}

Var get(const Object::Ptr& object, const std::string& key) {
    if (!object) return Var();
    if (object->has(key)) return object->get(key);
    for (const auto& [name, value] : *object)
        if (Poco::icompare(name, key) == 0) return value;
    return Var();
}

Object::Ptr unwrap_object(const Var& value) {
    if (value.type() != typeid(Object::Ptr)) return nullptr;
    auto object = value.extract<Object::Ptr>();
    const Var inner = get(object, "data");
    if (inner.type() == typeid(Object::Ptr)) return inner.extract<Object::Ptr>();
    return object;
}

Array::Ptr rows(const Var& value) {
    if (value.type() == typeid(Array::Ptr)) return value.extract<Array::Ptr>();
    if (value.type() != typeid(Object::Ptr)) return nullptr;
    auto object = value.extract<Object::Ptr>();
    for (const char* key : {"data", "items"}) {
        const Var inner = get(object, key);
        if (inner.type() == typeid(Array::Ptr)) return inner.extract<Array::Ptr>();
    }
    return nullptr;
}

std::optional<std::string> text(const Var& value) {
    if (value.isEmpty()) return std::nullopt;
    if (value.isString()) {
        const std::string s = value.extract<std::string>();
        if (s.empty()) return std::nullopt;
        return s;
    }
    if (value.isNumeric() && !value.isBoolean()) return value.toString();
    return std::nullopt;
}

std::optional<long long> integer(const Var& value) {
    if (value.isEmpty() || value.isBoolean()) return std::nullopt;
    if (value.isInteger()) return value.convert<long long>();
    if (value.isString()) {
        Poco::Int64 parsed = 0;
        if (Poco::NumberParser::tryParse64(Poco::trim(value.extract<std::string>()), parsed)) return parsed;
    }
    return std::nullopt;
}

std::optional<bool> boolean(const Var& value) {
    if (value.isEmpty()) return std::nullopt;
    if (value.isBoolean()) return value.extract<bool>();
    if (value.isInteger()) {
        const auto n = value.convert<long long>();
        if (n == 0 || n == 1) return n == 1;
        return std::nullopt;
    }
    if (value.isString()) {
        const std::string s = Poco::toLower(Poco::trim(value.extract<std::string>()));
        if (s == "true" || s == "yes" || s == "1") return true;
        if (s == "false" || s == "no" || s == "0") return false;
    }
    return std::nullopt;
}

Object::Ptr object_at(const Array::Ptr& array, std::size_t index) {
    if (!array || index >= array->size()) return nullptr;
    const Var value = array->get(static_cast<unsigned>(index));
    if (value.type() != typeid(Object::Ptr)) return nullptr;
    return value.extract<Object::Ptr>();
}

std::string stringify(const Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

}  // namespace acpsa::core::json
