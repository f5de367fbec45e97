#include "emulator/emulator.hpp"

#include "emulator/json_util.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <future>
#include <stdexcept>

namespace emulator {

using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

EmuResponse control_error(int status, const std::string& message) {
    Object::Ptr body = new Object;
    body->set("error", message);
    return json_reply(status, body);
}

/// Reads at most kMaxRequestBytes; an oversized body is drained (up to 16 MiB) so that the
/// client reads the 413.
bool read_body(Poco::Net::HTTPServerRequest& request, std::string& body) {
    constexpr std::size_t kMaxDrain = 16 * 1024 * 1024;
    // Neither a length nor chunks: no body (RFC 7230 §3.3.3), not "read until the client closes".
    if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) return true;
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(kMaxDrain)) return false;
    std::istream& in = request.stream();
    char buffer[8192];
    bool too_large = false;
    std::size_t drained = 0;
    while (in && drained <= kMaxDrain) {
        in.read(buffer, sizeof buffer);
        const auto got = static_cast<std::size_t>(in.gcount());
        if (!too_large && body.size() + got <= kMaxRequestBytes) {
            body.append(buffer, got);
        } else {
            too_large = true;
            drained += got;
        }
    }
    if (too_large) body.clear();
    return !too_large;
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    Handler(ServiceEndpoint& endpoint, std::shared_ptr<void> in_flight) : endpoint_(endpoint), in_flight_(std::move(in_flight)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        EmuRequest req;
        req.method = Poco::toUpper(request.getMethod());
        const std::string uri = request.getURI();
        const auto question = uri.find('?');
        req.raw_path = uri.substr(0, question);
        req.raw_query = question == std::string::npos ? "" : uri.substr(question + 1);
        req.authorization = request.get("Authorization", "");
        req.content_type = request.get("Content-Type", "");
        EmuResponse answer;
        bool drop_after = false;
        if (!read_body(request, req.body)) {
            answer = endpoint_.error_reply(413, req, "request body is larger than 1 MiB");
            response.setKeepAlive(false);
        } else {
            try {
                Poco::URI::decode(req.raw_path, req.path);
                req.query = decode_query(req.raw_query);
                answer = endpoint_.answer(req, drop_after);
            } catch (const Poco::SyntaxException& e) {
                answer = endpoint_.error_reply(400, req, "malformed URI: " + e.message());
            } catch (const std::exception& e) {
                answer = endpoint_.error_reply(500, req, std::string("emulator error: ") + e.what());
            }
        }
        if (answer.drop) {
            drop(request, response);
            return;
        }
        response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
        for (const auto& [name, value] : answer.headers) response.set(name, value);
        if (!answer.content_type.empty()) response.setContentType(answer.content_type);
        response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
        if (drop_after) {
            // apply_then_drop: the request was carried out; the client never hears about it.
            drop(request, response);
            return;
        }
        response.send() << answer.body;
    }

private:
    static void drop(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        response.setKeepAlive(false);
        try {
            static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().shutdown();
        } catch (const Poco::Exception&) {
        }
    }

    ServiceEndpoint& endpoint_;
    std::shared_ptr<void> in_flight_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(ServiceEndpoint& endpoint) : endpoint_(endpoint) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(endpoint_, endpoint_.enter());
    }

private:
    ServiceEndpoint& endpoint_;
};

}  // namespace

ServiceEndpoint::ServiceEndpoint(Service& service, const std::string& bind, std::uint16_t port, Poco::Net::Context::Ptr tls)
    : service_(service), pool_(std::make_unique<Poco::ThreadPool>(2, 32)) {
    const Poco::Net::SocketAddress address(bind, port);
    Poco::Net::ServerSocket socket = tls ? Poco::Net::SecureServerSocket(address, 64, tls) : Poco::Net::ServerSocket(address, 64);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(30, 0));
    // A pool of its own: kept-alive connections and slow faults on one port never starve the other.
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
    server_->start();
}

std::shared_ptr<void> ServiceEndpoint::enter() {
    {
        std::lock_guard<std::mutex> lock(stop_mutex_);
        ++in_flight_;
    }
    return std::shared_ptr<void>(nullptr, [this](void*) {
        std::lock_guard<std::mutex> lock(stop_mutex_);
        if (--in_flight_ == 0) stop_cv_.notify_all();
    });
}

EmuResponse ServiceEndpoint::error_reply(int status, const EmuRequest& request, const std::string& message) const {
    return service_.error_reply(status, request, message);
}

ServiceEndpoint::~ServiceEndpoint() { stop(); }

std::uint16_t ServiceEndpoint::port() const { return server_->port(); }

int ServiceEndpoint::connections() const { return server_->totalConnections(); }

void ServiceEndpoint::stop() {
    {
        std::lock_guard<std::mutex> lock(stop_mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    stop_cv_.notify_all();
    server_->stopAll(true);
    // Handlers still running use the service: wait for them before anything is destroyed.
    std::unique_lock<std::mutex> lock(stop_mutex_);
    stop_cv_.wait(lock, [this] { return in_flight_ == 0; });
    lock.unlock();
    pool_->joinAll();
}

bool ServiceEndpoint::pause(int ms) {
    std::unique_lock<std::mutex> lock(stop_mutex_);
    return !stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

EmuResponse ServiceEndpoint::answer(const EmuRequest& request, bool& apply_then_drop) {
    apply_then_drop = false;
    if (request.path.rfind("/_emulator/", 0) == 0) return control(request);
    ++api_in_flight_;
    const std::shared_ptr<void> done(nullptr, [this](void*) { --api_in_flight_; });
    const std::string route = service_.route_template(request);
    stats_.count(route);
    const auto fault = faults_.take(route);
    if (!fault) return service_.handle(request);
    const std::string& kind = fault->kind;
    auto error = [&](int status) {
        return fault->message.empty() ? service_.fault_error(status, request) : service_.error_reply(status, request, fault->message);
    };
    if (kind == "401" || kind == "500" || kind == "503") return error(std::stoi(kind));
    if (kind == "400")
        return service_.error_reply(400, request,
                                    fault->message.empty() ? "injected fault 400: the request was refused" : fault->message);
    if (kind == "429") {
        auto response = error(429);
        response.headers["Retry-After"] = std::to_string(fault->retry_after_s);
        return response;
    }
    if (kind == "slow") {
        if (!pause(fault->delay_ms)) {
            EmuResponse stopped;
            stopped.drop = true;  // the emulator is stopping: no answer
            return stopped;
        }
        return service_.handle(request);
    }
    if (kind == "drop") {
        EmuResponse response;
        response.drop = true;
        return response;
    }
    if (kind == "apply_then_drop") {
        apply_then_drop = true;
        return service_.handle(request);
    }
    if (kind == "malformed") {
        EmuResponse response;
        response.status = 200;
        response.body = "{\"items\": [{\"id\": ";
        return response;
    }
    if (kind == "expired_token") {
        service_.expire_request_token(request);
        return service_.handle(request);
    }
    return service_.handle(request);
}

EmuResponse ServiceEndpoint::control(const EmuRequest& request) {
    const std::string& path = request.path;
    const std::string& method = request.method;
    if (path == "/_emulator/state" && method == "GET") return json_reply(200, service_.state());
    if (path == "/_emulator/stats" && method == "GET") {
        Object::Ptr requests = new Object;
        for (const auto& [route, count] : stats_.snapshot()) requests->set(route, count);
        Object::Ptr body = new Object;
        body->set("requests", requests);
        body->set("in_flight", api_in_flight_.load());
        return json_reply(200, body);
    }
    if (path == "/_emulator/stats/reset" && method == "POST") {
        stats_.reset();
        return json_reply(200, "{}");
    }
    if (path == "/_emulator/faults") {
        if (method == "GET") {
            Array::Ptr list = new Array;
            for (const auto& fault : faults_.list()) {
                Object::Ptr o = new Object;
                o->set("route", fault.route);
                o->set("kind", fault.kind);
                o->set("remaining", fault.remaining);
                list->add(o);
            }
            Object::Ptr body = new Object;
            body->set("faults", list);
            return json_reply(200, body);
        }
        if (method == "DELETE") {
            faults_.clear();
            return json_reply(200, "{}");
        }
        if (method == "POST") {
            try {
                auto body = parse_object(request.body, "request body");
                Fault fault;
                fault.route = string_required(body, "route", "route");
                fault.kind = string_required(body, "kind", "kind");
                if (body->has("count")) fault.remaining = static_cast<int>(int_required(body, "count", "count"));
                if (body->has("retry_after"))
                    fault.retry_after_s = static_cast<int>(int_required(body, "retry_after", "retry_after"));
                if (body->has("delay_ms")) fault.delay_ms = static_cast<int>(int_required(body, "delay_ms", "delay_ms"));
                if (body->has("message")) fault.message = string_required(body, "message", "message");
                if (fault.remaining < 1) return control_error(400, "count must be 1 or more");
                if (fault.retry_after_s < 0) return control_error(400, "retry_after must not be negative");
                if (fault.delay_ms < 0 || fault.delay_ms > 600000)
                    return control_error(400, "delay_ms must be from 0 to 600000");
                if (!valid_fault_kind(fault.kind, service_.supports_expired_token()))
                    return control_error(400, "kind: unknown fault kind '" + fault.kind + "' on the " + service_.name() + " port");
                const auto routes = service_.known_routes();
                if (std::find(routes.begin(), routes.end(), fault.route) == routes.end())
                    return control_error(400, "route: unknown route '" + fault.route +
                                                  "' (a route template such as '" + routes.front() + "')");
                faults_.add(fault);
                return json_reply(201, "{}");
            } catch (const JsonShapeError& e) {
                return control_error(400, e.what());
            }
        }
        return control_error(405, "method not allowed");
    }
    if (auto answer = service_.control(request)) return *answer;
    return control_error(404, "no control route " + method + " " + path);
}

Emulator::Emulator(Seed seed, const EmulatorOptions& options)
    : bind_(options.bind), scheme_("http"), acronis_(std::move(seed.acronis), options.token_ttl_s), psa_(std::move(seed.psa)) {
    Poco::Net::Context::Ptr tls;
    if (options.tls_certificate_file.empty() != options.tls_private_key_file.empty())
        throw std::invalid_argument("emulator: a TLS certificate and its private key go together");
    if (!options.tls_certificate_file.empty()) {
        tls = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, options.tls_private_key_file,
                                     options.tls_certificate_file, "", Poco::Net::Context::VERIFY_NONE);
        scheme_ = "https";
    }
    acronis_endpoint_ = std::make_unique<ServiceEndpoint>(acronis_, options.bind, options.acronis_port, tls);
    psa_endpoint_ = std::make_unique<ServiceEndpoint>(psa_, options.bind, options.psa_port, tls);
}

Emulator::~Emulator() { stop(); }

std::string Emulator::acronis_url() const { return scheme_ + "://" + bind_ + ":" + std::to_string(acronis_port()); }

std::string Emulator::psa_site() const { return scheme_ + "://" + bind_ + ":" + std::to_string(psa_port()); }

void Emulator::stop() {
    // Each Poco server takes up to its poll interval (250 ms) to stop: stop both at once.
    auto acronis = std::async(std::launch::async, [this] {
        if (acronis_endpoint_) acronis_endpoint_->stop();
    });
    if (psa_endpoint_) psa_endpoint_->stop();
    acronis.get();
}

}  // namespace emulator
