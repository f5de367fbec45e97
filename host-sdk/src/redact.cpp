#include "hostsdk/redact.hpp"

#include <Poco/RegularExpression.h>

namespace hostsdk {

std::string redact_secrets(std::string text) {
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
