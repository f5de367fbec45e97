#include "samplehost/admin_server.hpp"

#include <hostsdk/admin_json.hpp>
#include <hostsdk/redact.hpp>

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <openssl/crypto.h>

#include <istream>

namespace samplehost {
namespace {

/// How much of an oversized body is read and thrown away before answering 413.
constexpr std::size_t kMaxDrainBytes = 16 * 1024 * 1024;

std::string sha256(const std::string& text) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(text);
    const auto& digest = engine.digest();
    return std::string(digest.begin(), digest.end());
}

/// The request, its path split from the query. Throws Poco::SyntaxException for a bad URI.
void split_uri(const std::string& uri, std::string& raw_path, std::string& decoded_path,
               std::map<std::string, std::string>& query) {
    const auto question = uri.find('?');
    raw_path = uri.substr(0, question);
    try {
        Poco::URI::decode(raw_path, decoded_path);
    } catch (const Poco::Exception&) {
        decoded_path = raw_path;  // matches no route: a 404 once the token is checked
    }
    if (question == std::string::npos) return;
    Poco::URI parsed;
    parsed.setRawQuery(uri.substr(question + 1));
    for (const auto& [name, value] : parsed.getQueryParameters()) query[name] = value;
}

}  // namespace

AdminDispatcher::AdminDispatcher(const Router& router, std::string token, Poco::Logger& log)
    : router_(router), token_digest_(sha256(token)), log_(log) {}

bool AdminDispatcher::authorized(const std::string& authorization) const noexcept {
    static const std::string kBearer = "bearer ";
    if (authorization.size() <= kBearer.size() ||
        Poco::icompare(authorization.substr(0, kBearer.size()), kBearer) != 0)
        return false;
    const std::string given = sha256(Poco::trim(authorization.substr(kBearer.size())));
    // Comparing digests of equal length with OpenSSL's constant-time compare: neither the
    // token's length nor its bytes leak through timing.
    return CRYPTO_memcmp(given.data(), token_digest_.data(), token_digest_.size()) == 0;
}

hostsdk::AdminResponse AdminDispatcher::dispatch(const RawAdminRequest& raw) const noexcept {
    using hostsdk::error_response;
    try {
        hostsdk::AdminRequest request;
        request.method = Poco::toUpper(raw.method);
        std::string raw_path;
        bool query_ok = true;
        try {
            split_uri(raw.uri, raw_path, request.path, request.query);
        } catch (const Poco::Exception&) {
            query_ok = false;
            request.query.clear();
            raw_path = raw.uri.substr(0, raw.uri.find('?'));
            request.path = raw_path;
        }
        hostsdk::RouteHandler handler;
        std::vector<std::string> allowed;
        bool open_route = false;
        const auto match = router_.match(request.method, raw_path, handler, request.path_params, allowed, &open_route);
        // Authentication before anything else: only a route registered as open (health) is
        // answered without the token, and nothing about other routes leaks before it.
        if (!(match == Router::Match::found && open_route) && !authorized(raw.authorization))
            return error_response(401, "unauthorized", "missing or wrong admin token");
        if (!query_ok)
            return error_response(422, "invalid_value", "the query string is not valid percent-encoding",
                                  std::string("query"));
        if (raw.body_too_large)
            return error_response(413, "too_large",
                                  "request body is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
        switch (match) {
            case Router::Match::not_found:
                return error_response(404, "not_found", "no route " + request.method + " " + request.path);
            case Router::Match::wrong_method: {
                auto response = error_response(405, "method_not_allowed",
                                               request.path + " does not take " + request.method + " (allowed: " +
                                                   Poco::cat(std::string(", "), allowed.begin(), allowed.end()) + ")");
                return response;
            }
            case Router::Match::found:
                break;
        }
        request.body = raw.body;
        return handler(request);
    } catch (const std::exception& e) {
        log_.error(hostsdk::redact_secrets(std::string("admin API: ") + raw.method + " " + raw.uri.substr(0, raw.uri.find('?')) +
                                           " failed: " + e.what()));
        return error_response(500, "internal", "internal error; the host log has the details");
    } catch (...) {
        log_.error("admin API: request failed with an unknown exception");
        return error_response(500, "internal", "internal error; the host log has the details");
    }
}

namespace {

class RequestHandler : public Poco::Net::HTTPRequestHandler {
public:
    RequestHandler(const AdminDispatcher& dispatcher, std::shared_ptr<void> in_flight_guard)
        : dispatcher_(dispatcher), guard_(std::move(in_flight_guard)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        RawAdminRequest raw;
        raw.method = request.getMethod();
        raw.uri = request.getURI();
        raw.authorization = request.get("Authorization", "");
        // Read at most kMaxBodyBytes + 1 bytes. A body that is too large is drained (up to
        // kMaxDrainBytes, without keeping it) so that the client reads our 413 instead of a reset.
        const bool declared_huge =
            request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(kMaxDrainBytes);
        // Neither a length nor chunks: no body (RFC 7230 §3.3.3), not "read until the client closes".
        const bool has_body = request.hasContentLength() || request.getChunkedTransferEncoding();
        if (!has_body) {
        } else if (declared_huge) {
            raw.body_too_large = true;
        } else {
            std::istream& in = request.stream();
            char buffer[8192];
            std::size_t drained = 0;
            while (in && drained <= kMaxDrainBytes) {
                in.read(buffer, sizeof buffer);
                const auto got = static_cast<std::size_t>(in.gcount());
                if (raw.body.size() + got <= kMaxBodyBytes) {
                    raw.body.append(buffer, got);
                } else {
                    raw.body_too_large = true;
                    drained += got;
                }
            }
            if (raw.body_too_large) raw.body.clear();
        }
        const auto answer = dispatcher_.dispatch(raw);
        response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
        response.setContentType(answer.content_type);
        response.set("Cache-Control", "no-store");
        if (raw.body_too_large) response.setKeepAlive(false);  // the body may not have been read to its end
        response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
        response.send() << answer.body;
    }

private:
    const AdminDispatcher& dispatcher_;
    std::shared_ptr<void> guard_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    using GuardMaker = std::function<std::shared_ptr<void>()>;
    HandlerFactory(const AdminDispatcher& dispatcher, GuardMaker make_guard)
        : dispatcher_(dispatcher), make_guard_(std::move(make_guard)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new RequestHandler(dispatcher_, make_guard_());
    }

private:
    const AdminDispatcher& dispatcher_;
    GuardMaker make_guard_;
};

}  // namespace

AdminServer::AdminServer(const ListenAddress& address, std::size_t threads, const AdminDispatcher& dispatcher,
                         Poco::Logger& log)
    : in_flight_(std::make_shared<InFlight>()) {
    auto in_flight = in_flight_;
    auto make_guard = [in_flight]() -> std::shared_ptr<void> {
        {
            std::lock_guard<std::mutex> lock(in_flight->mutex);
            ++in_flight->count;
        }
        return std::shared_ptr<void>(nullptr, [in_flight](void*) {
            std::lock_guard<std::mutex> lock(in_flight->mutex);
            if (--in_flight->count == 0) in_flight->done.notify_all();
        });
    };
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address.host, address.port), 64);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(static_cast<int>(threads));
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(30, 0));
    // A thread pool of its own (Poco's default pool is shared by every server in the process).
    pool_ = std::make_unique<Poco::ThreadPool>(2, static_cast<int>(threads) + 1);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(dispatcher, make_guard), *pool_, socket, params);
    server_->start();
    log.information("admin listening on " + address.host + ":" + std::to_string(server_->port()));
}

AdminServer::~AdminServer() { stop(); }

std::uint16_t AdminServer::port() const { return server_->port(); }

bool AdminServer::stop(std::chrono::milliseconds timeout) {
    if (!stopped_) {
        stopped_ = true;
        server_->stopAll(true);
    }
    std::unique_lock<std::mutex> lock(in_flight_->mutex);
    return in_flight_->done.wait_for(lock, timeout, [this] { return in_flight_->count == 0; });
}

}  // namespace samplehost
