#pragma once
/// The Customer Provisioning settings (product guide, "Configuration Options for Provisioning New
/// Acronis Customer Tenants"), kept in the state database section `provisioning`.

#include "acpsa/core/store.hpp"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace acpsa::provisioning {

struct ProvisioningSettings {
    std::string create_accounts_based_on = "primary_contact";  ///< primary_contact | company_name
    std::optional<std::string> activation_email;
    std::string password_mode = "activation_email";  ///< activation_email | manual
    std::optional<std::string> password;             ///< secret: only here and in the database
    bool two_factor = false;
};

/// The stored settings, defaults for what was never set.
ProvisioningSettings load_settings(const core::Store& store);

/// The admin API view: every key but the password, and `password_set`.
Poco::JSON::Object::Ptr settings_view(const ProvisioningSettings& settings);

/// Applies a partial update (admin API PUT). All or nothing: throws hostsdk::ApiError (422
/// `invalid_value` or 400 `invalid_type`, naming the field) and saves nothing when any value or
/// the resulting combination is refused. Returns the saved settings and the keys changed.
std::pair<ProvisioningSettings, std::vector<std::string>> update_settings(core::Store& store,
                                                                          const Poco::JSON::Object::Ptr& patch);

/// A plausible e-mail address: one `@`, something before it, a dot in the domain, no spaces.
bool valid_email(const std::string& address);

}  // namespace acpsa::provisioning
