#include "acpsa/core/http_endpoint.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace acpsa::core {

namespace {

/// Why the last handshake on this thread refused the server's certificate; empty when none did.
/// The handshake runs inside `send`, on the sending thread, so a thread-local carries the reason
/// from OpenSSL's callback to the error `send` throws (OpenSSL's error queue only says "certificate
/// verify failed").
thread_local std::string t_refusal;
thread_local int t_refusal_code = X509_V_OK;

/// `host` without the brackets of an IPv6 literal.
std::string unbracketed(const std::string& host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
    return host;
}

/// The names a certificate is for: its DNS and IP SANs, else its CN. Cut short: a hostile server
/// chooses them, and they reach logs and health.
std::string certificate_names(X509* certificate) {
    if (!certificate) return "the server";
    constexpr std::size_t kMaxName = 80, kMaxNames = 200;
    std::string names;
    auto add = [&names](const std::string& name) {
        if (name.empty() || names.size() >= kMaxNames) return;
        names += (names.empty() ? "" : ", ") + (name.size() > kMaxName ? name.substr(0, kMaxName) + "..." : name);
    };
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
        if (name->type == GEN_DNS) {
            const auto* text = name->d.dNSName;
            add(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(text)),
                            static_cast<std::size_t>(ASN1_STRING_length(text))));
        } else if (name->type == GEN_IPADD) {
            const auto* raw = name->d.iPAddress;
            const int length = ASN1_STRING_length(raw);
            if (length == 4 || length == 16) {
                Poco::Net::IPAddress address(ASN1_STRING_get0_data(raw), static_cast<poco_socklen_t>(length));
                add(address.toString());
            }
        }
    }
    GENERAL_NAMES_free(sans);
    if (names.empty()) {
        char common_name[256] = {};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, common_name,
                                      sizeof common_name) > 0)
            names = std::string(common_name).substr(0, kMaxName);
    }
    // The names come from the peer: keep only printable ASCII in what reaches logs and the API.
    for (char& c : names)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    return names.empty() ? "a certificate without names" : names;
}

/// OpenSSL's verdict stands (no prompt, no override); the first refusal is remembered for `send`,
/// naming the server's own certificate (depth 0) whichever certificate of its chain failed.
int remember_refusal(int preverified, X509_STORE_CTX* store) {
    if (!preverified && t_refusal.empty()) {
        t_refusal_code = X509_STORE_CTX_get_error(store);
        t_refusal = certificate_names(X509_STORE_CTX_get0_cert(store));
        if (X509_STORE_CTX_get_error_depth(store) > 0)
            t_refusal += " (its issuer " + certificate_names(X509_STORE_CTX_get_current_cert(store)) + ")";
    }
    return preverified;
}

/// Refusals that depend on which CAs are trusted.
bool trust_error(int code) {
    return code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
           code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
           code == X509_V_ERR_CERT_UNTRUSTED || code == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

std::string percent_encode(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]\"%<>{}|^` ", out);
    return out;
}

bool is_loopback_host(const std::string& raw) {
    const std::string host = unbracketed(Poco::toLower(raw));
    if (host == "localhost") return true;
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(host, address)) return false;
    return address.isLoopback();
}

BaseUrl parse_base_url(const std::string& key, const std::string& url) {
    Poco::URI uri;
    try {
        uri = Poco::URI(Poco::trim(url));
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument(key + ": '" + url + "' is not a URL (" + e.message() + ")");
    }
    BaseUrl parsed;
    parsed.scheme = Poco::toLower(uri.getScheme());
    parsed.host = uri.getHost();
    if (parsed.scheme != "http" && parsed.scheme != "https")
        throw std::invalid_argument(key + ": '" + url + "' must start with https://");
    if (parsed.host.empty()) throw std::invalid_argument(key + ": '" + url + "' has no host");
    if (parsed.scheme == "http" && !is_loopback_host(parsed.host))
        throw std::invalid_argument(key + ": plain http:// is accepted only for loopback hosts; use https://" +
                                    parsed.host);
    parsed.port = uri.getPort();
    parsed.path = uri.getPath();
    while (!parsed.path.empty() && parsed.path.back() == '/') parsed.path.pop_back();
    return parsed;
}

HttpEndpoint::HttpEndpoint(const std::string& key, const std::string& url, EndpointSettings settings)
    : settings_(std::move(settings)) {
    const BaseUrl parsed = parse_base_url(key, url);
    scheme_ = parsed.scheme;
    host_ = parsed.host;
    port_ = parsed.port;
    base_path_ = parsed.path;
    if (scheme_ == "https") {
        try {
            // The system's CAs plus `ca_file` when given.
            tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", settings_.ca_file,
                                          Poco::Net::Context::VERIFY_RELAXED, 9, true);
            tls_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        } catch (const Poco::Exception& e) {
            throw std::invalid_argument(key + ": cannot set up TLS (" + e.displayText() + ")");
        }
        // OpenSSL checks the host name as part of the chain (X509_check_host / X509_check_ip rules:
        // SAN first, CN only without DNS SANs, no partial wildcards). Poco's own after-handshake
        // check is off: it skips loopback names in relaxed mode and would check a second time. Our
        // callback replaces Poco's, which hands refusals to SSLManager's certificate handler (by
        // default one that prompts on the console).
        SSL_CTX* context = tls_->sslContext();
        X509_VERIFY_PARAM* param = SSL_CTX_get0_param(context);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const std::string name = unbracketed(host_);
        Poco::Net::IPAddress address;
        const bool named = Poco::Net::IPAddress::tryParse(name, address)
                               ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1
                               : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) == 1;
        if (!named) throw std::invalid_argument(key + ": cannot check certificates for host '" + host_ + "'");
        tls_->enableExtendedCertificateVerification(false);
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, &remember_refusal);
    }
}

HttpEndpoint::~HttpEndpoint() = default;

std::string HttpEndpoint::certificate_refusal(int code, const std::string& names) const {
    const std::string subject = "certificate for " + names;
    if (code == X509_V_ERR_HOSTNAME_MISMATCH || code == X509_V_ERR_IP_ADDRESS_MISMATCH)
        return subject + " does not match " + host_;
    std::string text = subject + " refused: " + X509_verify_cert_error_string(code);
    if (trust_error(code))
        text += settings_.ca_file.empty() ? " (trusted CAs: the system store)"
                                          : " (trusted CAs: the system store and " + settings_.ca_file + ")";
    return text;
}

std::unique_ptr<Poco::Net::HTTPClientSession> HttpEndpoint::make_session() const {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (scheme_ == "https")
        session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, tls_);
    else
        session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
    session->setTimeout(Poco::Timespan(settings_.connect_timeout.count(), 0), Poco::Timespan(settings_.read_timeout.count(), 0),
                        Poco::Timespan(settings_.read_timeout.count(), 0));
    session->setKeepAlive(true);
    return session;
}

HttpResponse HttpEndpoint::send(const HttpRequest& request) {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (!request.fresh_connection) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            session = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    const bool reused = session != nullptr;
    if (!session) session = make_session();

    Poco::Net::HTTPRequest http(request.method, base_path_ + request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : request.headers) http.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH")
        http.setContentLength(static_cast<std::streamsize>(request.body.size()));

    t_refusal.clear();
    try {
        session->sendRequest(http) << request.body;
    } catch (const Poco::Net::ConnectionRefusedException& e) {
        throw NotSentError("connection refused by " + host_ + ":" + std::to_string(port_));
    } catch (const Poco::Net::HostNotFoundException& e) {
        throw NotSentError("host " + host_ + " not found");
    } catch (const Poco::Net::NoAddressFoundException& e) {
        throw NotSentError("no address for host " + host_);
    } catch (const Poco::Net::SSLException& e) {
        if (!t_refusal.empty()) throw CertificateRefusedError(certificate_refusal(t_refusal_code, t_refusal));
        throw NotSentError("TLS with " + host_ + " failed: " + e.message());
    } catch (const Poco::Exception& e) {
        if (reused) {
            // A kept-alive connection the server had closed: the request did not go out on it.
            return send(HttpRequest{request.method, request.target, request.headers, request.body, true});
        }
        throw NoAnswerError("sending to " + host_ + " failed: " + e.displayText());
    }

    HttpResponse response;
    try {
        Poco::Net::HTTPResponse answer;
        std::istream& in = session->receiveResponse(answer);
        Poco::StreamCopier::copyToString(in, response.body);
        response.status = static_cast<int>(answer.getStatus());
        for (const auto& [name, value] : answer) response.headers[Poco::toLower(name)] = value;
        if ((!in.good() && !in.eof()) ||
            (answer.hasContentLength() && static_cast<Poco::Int64>(response.body.size()) < answer.getContentLength64()))
            throw NoAnswerError("the answer from " + host_ + " was cut short");
        const bool keep = answer.getKeepAlive();
        if (keep) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (idle_.size() < 8) idle_.push_back(std::move(session));
        }
    } catch (const NoAnswerError&) {
        throw;
    } catch (const Poco::Net::NoMessageException& e) {
        if (reused && request.method == "GET")
            return send(HttpRequest{request.method, request.target, request.headers, request.body, true});
        throw NoAnswerError("no answer from " + host_ + " (connection closed)");
    } catch (const Poco::TimeoutException& e) {
        throw NoAnswerError("no answer from " + host_ + " within the read timeout", true);
    } catch (const Poco::Exception& e) {
        throw NoAnswerError("no answer from " + host_ + ": " + e.displayText());
    }
    return response;
}

}  // namespace acpsa::core
