#pragma once
/// Redaction of secrets in text bound for logs and error messages.

#include <string>

namespace hostsdk {

/// `text` with the values of secret-looking query parameters and fields (`api_key`, `apikey`,
/// `client_secret`, `secret`, `password`, `token`, `access_token`; `=` or `":"` forms) and the
/// credentials after `Bearer ` / `Basic ` replaced by `***`. Thread-safe; never throws.
std::string redact_secrets(std::string text);

}  // namespace hostsdk
