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

namespace acpsa::core {

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

bool is_loopback_host(const std::string& raw) {
    std::string host = Poco::toLower(raw);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
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
            // Always verified; the system's CAs plus `ca_file` when given.
            tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", settings_.ca_file,
                                                        Poco::Net::Context::VERIFY_RELAXED, 9, true);
        } catch (const Poco::Exception& e) {
            throw std::invalid_argument(key + ": cannot set up TLS (" + e.displayText() + ")");
        }
    }
}

HttpEndpoint::~HttpEndpoint() = default;

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

    try {
        session->sendRequest(http) << request.body;
    } catch (const Poco::Net::ConnectionRefusedException& e) {
        throw NotSentError("connection refused by " + host_ + ":" + std::to_string(port_));
    } catch (const Poco::Net::HostNotFoundException& e) {
        throw NotSentError("host " + host_ + " not found");
    } catch (const Poco::Net::NoAddressFoundException& e) {
        throw NotSentError("no address for host " + host_);
    } catch (const Poco::Net::SSLException& e) {
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
