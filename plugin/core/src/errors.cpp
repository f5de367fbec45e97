#include "acpsa/core/errors.hpp"

#include <Poco/String.h>
#include <Poco/URI.h>

namespace acpsa::core {

std::string scrub_secret(std::string text, const std::string& secret) {
    if (secret.size() < 4) return text;  // too short to tell from ordinary words
    std::string encoded;
    Poco::URI::encode(secret, "!#$&'()*+,/:;=?@[]\"%<>{}|^` ", encoded);
    Poco::replaceInPlace(text, secret, std::string("***"));
    if (encoded != secret) Poco::replaceInPlace(text, encoded, std::string("***"));
    return text;
}

namespace {
std::string describe(const std::string& service, const std::string& call, int status, const std::string& code,
                     const std::string& message) {
    std::string text = service + ": " + call + " ";
    text += status == 0 ? std::string("got no answer") : "answered " + std::to_string(status);
    if (!code.empty()) text += " (code " + code + ")";
    if (!message.empty()) text += ": " + message;
    return text;
}
}  // namespace

UpstreamError::UpstreamError(std::string service, std::string call, int status, std::string code, std::string message,
                             bool transient)
    : std::runtime_error(describe(service, call, status, code, message)),
      service_(std::move(service)),
      call_(std::move(call)),
      status_(status),
      code_(std::move(code)),
      message_(std::move(message)),
      transient_(transient) {}

UpstreamError::UpstreamError(std::string text, std::string service, std::string call, int status, std::string message,
                             bool transient)
    : std::runtime_error(std::move(text)),
      service_(std::move(service)),
      call_(std::move(call)),
      status_(status),
      message_(std::move(message)),
      transient_(transient) {}

CertificateError::CertificateError(const std::string& service, const std::string& call, const std::string& reason)
    : AuthenticationError(service + ": " + reason + " (" + call + " not sent)", service, call, reason) {}

OutcomeUnknownError::OutcomeUnknownError(std::string service, std::string call, int status, std::string message)
    : UpstreamError(std::move(service), std::move(call), status, "", "outcome unknown: " + message, true) {}

AuthenticationError::AuthenticationError(std::string service, std::string call, int status, std::string message)
    : UpstreamError(std::move(service), std::move(call), status, "", std::move(message), false) {}

AuthenticationError::AuthenticationError(std::string text, std::string service, std::string call, std::string message)
    : UpstreamError(std::move(text), std::move(service), std::move(call), 0, std::move(message), false) {}

MalformedResponseError::MalformedResponseError(std::string service, std::string call, std::string message)
    : UpstreamError(std::move(service), std::move(call), 200, "", "malformed answer: " + message, true) {}

}  // namespace acpsa::core
