#include "provisioning_settings.hpp"

#include <hostsdk/admin_json.hpp>

#include <Poco/RegularExpression.h>
#include <Poco/String.h>

namespace acpsa::provisioning {

using hostsdk::ApiError;

namespace {

const char* kSection = "provisioning";

/// The emulator's and this project's password rule (Acronis contract §4).
bool strong_password(const std::string& password) {
    if (password.size() < 8) return false;
    bool lower = false, upper = false, digit = false, other = false;
    for (char c : password) {
        const auto u = static_cast<unsigned char>(c);
        if (std::islower(u)) lower = true;
        else if (std::isupper(u)) upper = true;
        else if (std::isdigit(u)) digit = true;
        else other = true;
    }
    return int(lower) + int(upper) + int(digit) + int(other) >= 3;
}


}  // namespace

bool valid_email(const std::string& address) {
    static const Poco::RegularExpression pattern("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");
    return address.size() <= 254 && pattern.match(address);
}

ProvisioningSettings load_settings(const core::Store& store) {
    auto stored = store.settings(kSection);
    ProvisioningSettings s;
    s.create_accounts_based_on = stored->optValue<std::string>("create_accounts_based_on", s.create_accounts_based_on);
    if (stored->has("activation_email") && !stored->isNull("activation_email"))
        s.activation_email = stored->getValue<std::string>("activation_email");
    s.password_mode = stored->optValue<std::string>("password_mode", s.password_mode);
    if (stored->has("password") && !stored->isNull("password")) s.password = stored->getValue<std::string>("password");
    s.two_factor = stored->optValue<bool>("two_factor", false);
    return s;
}

Poco::JSON::Object::Ptr settings_view(const ProvisioningSettings& s) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("create_accounts_based_on", s.create_accounts_based_on);
    o->set("activation_email", s.activation_email ? Poco::Dynamic::Var(*s.activation_email) : hostsdk::json_null());
    o->set("password_mode", s.password_mode);
    o->set("password_set", s.password.has_value());
    o->set("two_factor", s.two_factor);
    return o;
}

std::pair<ProvisioningSettings, std::vector<std::string>> update_settings(core::Store& store,
                                                                          const Poco::JSON::Object::Ptr& patch) {
    ProvisioningSettings s = load_settings(store);
    std::vector<std::string> changed;
    for (const auto& [key, value] : *patch) {
        if (key == "create_accounts_based_on") {
            const std::string v = hostsdk::patch::string(value, key);
            if (v != "primary_contact" && v != "company_name")
                throw ApiError::invalid_value(key, "create_accounts_based_on must be primary_contact or company_name");
            s.create_accounts_based_on = v;
        } else if (key == "activation_email") {
            if (value.isEmpty()) {
                s.activation_email.reset();
            } else {
                const std::string v = Poco::trim(hostsdk::patch::string(value, key));
                if (!valid_email(v)) throw ApiError::invalid_value(key, "activation_email must be a valid e-mail address");
                s.activation_email = v;
            }
        } else if (key == "password_mode") {
            const std::string v = hostsdk::patch::string(value, key);
            if (v != "activation_email" && v != "manual")
                throw ApiError::invalid_value(key, "password_mode must be activation_email or manual");
            s.password_mode = v;
        } else if (key == "password") {
            if (value.isEmpty()) {
                s.password.reset();
            } else {
                const std::string v = hostsdk::patch::string(value, key);
                // Never echo the value: the message says what the rule is.
                if (!strong_password(v))
                    throw ApiError::invalid_value(key, "the password needs at least 8 characters and three of: lower-case, "
                                                       "upper-case, digit, other");
                s.password = v;
            }
        } else if (key == "two_factor") {
            s.two_factor = hostsdk::patch::boolean(value, key);
        } else if (key == "password_set") {
            throw ApiError::invalid_value(key, "password_set is read-only; send password instead");
        } else {
            hostsdk::patch::unknown(key);
        }
        changed.push_back(key);
    }
    if (s.create_accounts_based_on == "company_name" && !s.activation_email)
        throw ApiError::invalid_value("activation_email", "activation_email is required when accounts are based on the company name");
    if (s.password_mode == "manual" && !s.password)
        throw ApiError::invalid_value("password", "a password is required when password_mode is manual");

    Poco::JSON::Object::Ptr stored = new Poco::JSON::Object;
    stored->set("create_accounts_based_on", s.create_accounts_based_on);
    stored->set("activation_email", s.activation_email ? Poco::Dynamic::Var(*s.activation_email) : hostsdk::json_null());
    stored->set("password_mode", s.password_mode);
    stored->set("password", s.password ? Poco::Dynamic::Var(*s.password) : hostsdk::json_null());
    stored->set("two_factor", s.two_factor);
    store.put_settings(kSection, stored);
    return {s, changed};
}

}  // namespace acpsa::provisioning
