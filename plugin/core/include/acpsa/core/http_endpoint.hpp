#pragma once
/// One HTTP(S) base address and the means to send requests to it: the transport under both
/// clients. Certificates are always verified, chain and host name both (OpenSSL's own check, set
/// before the handshake); plain `http://` is accepted for loopback hosts only.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/Net/Context.h>

namespace Poco::Net {
class HTTPClientSession;
}  // namespace Poco::Net

namespace acpsa::core {

/// A request relative to the endpoint: `target` is the path and query (already encoded).
struct HttpRequest {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// A fresh connection instead of a kept-alive one: for calls that must not be resent (a stale
    /// kept-alive connection fails after the request went out, which would look like "sent").
    bool fresh_connection = false;
};

struct HttpResponse {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string header(const std::string& lower_name) const;
};

/// The request never reached the server (connection refused, name not resolved, TLS handshake
/// failed): safe to resend, whatever the call.
class NotSentError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The server's TLS certificate was refused during the handshake: it does not name the host
/// called, its chain leads to no trusted CA, or it has expired. Nothing was sent. Not a network
/// hiccup: resending cannot help until the certificate or `ca_file` changes. `what()` says which
/// certificate and why, e.g. "certificate for evil.example does not match localhost".
class CertificateRefusedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The request may have reached the server but no (complete) answer came back: timeout, reset,
/// closed connection.
class NoAnswerError : public std::runtime_error {
public:
    explicit NoAnswerError(const std::string& what, bool timed_out = false) : std::runtime_error(what), timed_out_(timed_out) {}
    /// The server may still be working on it (read timeout), rather than the connection dropped.
    bool timed_out() const noexcept { return timed_out_; }

private:
    bool timed_out_;
};

struct EndpointSettings {
    std::chrono::seconds connect_timeout{10};
    std::chrono::seconds read_timeout{60};
    std::string ca_file;  ///< extra CA bundle; empty = the system store only
};

/// A base URL (`https://host[:port][/base]`) and a small pool of kept-alive connections.
/// Thread-safe: concurrent `send` calls use separate connections.
class HttpEndpoint {
public:
    /// Parses `url`. `key` names the setting in errors. Throws std::invalid_argument for a URL that
    /// is not http(s), has no host, or is plain http to a host that is not loopback, and for a
    /// TLS set-up that fails (an unreadable `ca_file`). HTTPS: TLS 1.2 or later, the certificate
    /// must chain to the system store or `ca_file` and name the URL's host (a name against the DNS
    /// SANs, the CN only when there is no DNS SAN; an IP address against the IP SANs); no prompt, ever.
    HttpEndpoint(const std::string& key, const std::string& url, EndpointSettings settings);
    ~HttpEndpoint();

    /// Sends the request and reads the whole answer. Throws NotSentError, CertificateRefusedError
    /// or NoAnswerError.
    HttpResponse send(const HttpRequest& request);

    const std::string& scheme() const noexcept { return scheme_; }
    const std::string& host() const noexcept { return host_; }
    std::uint16_t port() const noexcept { return port_; }
    /// The path prefix of the base URL, without a trailing `/` (often empty).
    const std::string& base_path() const noexcept { return base_path_; }

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> make_session() const;
    /// The message of a refused certificate: OpenSSL's verify `code` and the certificate's names.
    std::string certificate_refusal(int code, const std::string& names) const;

    std::string scheme_, host_, base_path_;
    std::uint16_t port_ = 0;
    EndpointSettings settings_;
    Poco::Net::Context::Ptr tls_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;
};

/// True for `localhost`, `127.0.0.0/8` and `::1` (with or without brackets).
/// `value` percent-encoded for a query parameter or a path segment: only RFC 3986 unreserved
/// characters stay literal (Poco::URI::encode with every reserved character named).
std::string percent_encode(const std::string& value);

bool is_loopback_host(const std::string& host);

/// A base URL taken apart.
struct BaseUrl {
    std::string scheme, host, path;  ///< path without a trailing `/`
    std::uint16_t port = 0;
};

/// Parses and checks a base URL: http or https, a host, and plain http only for loopback hosts.
/// Throws std::invalid_argument whose message starts with `key`.
BaseUrl parse_base_url(const std::string& key, const std::string& url);

}  // namespace acpsa::core
