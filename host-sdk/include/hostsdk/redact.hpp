#pragma once
/// Redaction of secrets in text bound for logs and error messages.

#include <Poco/RegularExpression.h>

#include <string>

namespace hostsdk {

/// `text` with the values of secret-looking query parameters and fields (`api_key`, `apikey`,
/// `client_secret`, `secret`, `password`, `token`, `access_token`; `=` or `":"` forms) and the
/// credentials after `Bearer ` / `Basic ` replaced by `***`. Thread-safe; never throws.
inline std::string redact_secrets(std::string text) {
    try {
        static const Poco::RegularExpression parameter(
            "((?:api_?key|client_secret|secret|password|access_token|token)\\s*(?:=|\"\\s*:\\s*\"))[^&\\s\"]*",
            Poco::RegularExpression::RE_CASELESS);
        static const Poco::RegularExpression credentials("((?:Bearer|Basic)\\s+)[^\\s\"]+",
                                                         Poco::RegularExpression::RE_CASELESS);
        parameter.subst(text, "$1***", Poco::RegularExpression::RE_GLOBAL);
        credentials.subst(text, "$1***", Poco::RegularExpression::RE_GLOBAL);
        return text;
    } catch (...) {
        return "(message withheld: it could not be redacted)";
    }
}

}  // namespace hostsdk
