#pragma once
/// The errors the integration's clients raise. All derive from UpstreamError, so a module can
/// catch one type, tell transient from permanent failures, and show a message that names the
/// service, the call and the status — never a secret.

#include <stdexcept>
#include <string>

namespace acpsa::core {

/// A call to Acronis or the PSA failed. `what()` is one line: service, call, status, message.
class UpstreamError : public std::runtime_error {
public:
    /// `status` is the HTTP status, or 0 when no answer came (network error, timeout).
    /// `transient`: worth retrying later (5xx, 429, network); else permanent until something changes.
    UpstreamError(std::string service, std::string call, int status, std::string code, std::string message,
                  bool transient);

    const std::string& service() const noexcept { return service_; }  ///< `acronis` or `psa`
    const std::string& call() const noexcept { return call_; }        ///< e.g. `POST /api/2/tenants`
    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }        ///< vendor error code, if any
    const std::string& message() const noexcept { return message_; }  ///< vendor message, redacted
    bool transient() const noexcept { return transient_; }

protected:
    /// For subclasses whose one line reads better in another order: `text` is `what()` as is.
    UpstreamError(std::string text, std::string service, std::string call, int status, std::string message,
                  bool transient);

private:
    std::string service_, call_;
    int status_;
    std::string code_, message_;
    bool transient_;
};

/// A call that changes state (create tenant, create user, activation e-mail, create ticket, ...)
/// was sent, but no answer came back (timeout, dropped connection, or a 5xx that may have been
/// applied): the change may or may not have happened. The caller looks before it retries.
class OutcomeUnknownError : public UpstreamError {
public:
    OutcomeUnknownError(std::string service, std::string call, int status, std::string message);
};

/// A create whose outcome cannot be known yet: the request timed out (the server may still be
/// working on it) or was accepted without an id. Looking it up now could miss it; look later, and
/// never create again before the lookup has had a fair chance.
class PendingCreateError : public OutcomeUnknownError {
public:
    PendingCreateError(std::string service, std::string call, int status, std::string message, bool accepted)
        : OutcomeUnknownError(std::move(service), std::move(call), status, std::move(message)), accepted_(accepted) {}
    /// The server said yes (2xx) but named no id: the ticket exists; only ever look it up.
    bool accepted() const noexcept { return accepted_; }

private:
    bool accepted_;
};

/// One side did not authenticate: our credentials were refused (token call 400/401, a second 401
/// after a fresh token, PSA 401), or the server's certificate was (CertificateError). A
/// configuration problem of the whole connection, not of one item: not retried, and no job, link
/// or alert is marked failed for it.
class AuthenticationError : public UpstreamError {
public:
    AuthenticationError(std::string service, std::string call, int status, std::string message);

protected:
    AuthenticationError(std::string text, std::string service, std::string call, std::string message);
};

/// The server's TLS certificate was refused (it names another host, its chain is not trusted, it
/// has expired): nothing was sent, and nothing is retried until the certificate or the
/// `ca_file` changes. `what()`: "acronis: certificate for evil.example does not match localhost
/// (POST /api/2/idp/token not sent)".
class CertificateError : public AuthenticationError {
public:
    CertificateError(const std::string& service, const std::string& call, const std::string& reason);
};

/// A 2xx answer whose body is not what the contract says (not JSON, missing fields).
class MalformedResponseError : public UpstreamError {
public:
    MalformedResponseError(std::string service, std::string call, std::string message);
};

/// `text` with every occurrence of `secret` (as is, and percent-encoded) replaced by `***`. For
/// vendor messages that may echo a credential back. Empty secrets change nothing.
std::string scrub_secret(std::string text, const std::string& secret);

/// A stop was requested while the client waited to retry.
class StoppedError : public std::runtime_error {
public:
    StoppedError() : std::runtime_error("stopped while waiting to retry") {}
};

}  // namespace acpsa::core
