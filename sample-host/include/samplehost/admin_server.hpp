#pragma once

#include "samplehost/host_settings.hpp"
#include "samplehost/router.hpp"

#include <hostsdk/admin.hpp>

#include <Poco/Logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace samplehost {

/// The largest request body the admin API reads (413 `too_large` above).
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

/// An admin request as it came off the wire, before authentication and routing.
struct RawAdminRequest {
    std::string method;
    std::string uri;            ///< path and query, still percent-encoded
    std::string authorization;  ///< the Authorization header, or empty
    std::string body;
    bool body_too_large = false;
};

/// Authentication, routing and error mapping of the admin API, apart from the HTTP transport so
/// that it can be tested directly. Thread-safe.
class AdminDispatcher {
public:
    /// `router` and `log` must outlive the dispatcher. `token` is the admin token (never logged).
    AdminDispatcher(const Router& router, std::string token, Poco::Logger& log);

    /// Answers one request: 401 before anything else (except `GET /api/health`), then 413, 404,
    /// 405, and the handler's answer; a throwing handler becomes 500 `internal`. Never throws.
    hostsdk::AdminResponse dispatch(const RawAdminRequest& request) const noexcept;

private:
    bool authorized(const std::string& authorization) const noexcept;

    const Router& router_;
    std::string token_digest_;  ///< SHA-256 of the token: compared in constant time
    Poco::Logger& log_;
};

/// The admin HTTP listener (Poco HTTPServer) in front of an AdminDispatcher.
class AdminServer {
public:
    /// Binds `address` (port 0 picks a free port) and starts serving. Throws Poco::Exception when
    /// the address cannot be bound. `dispatcher` and `log` must outlive the server.
    AdminServer(const ListenAddress& address, std::size_t threads, const AdminDispatcher& dispatcher,
                Poco::Logger& log);
    ~AdminServer();

    /// The bound port.
    std::uint16_t port() const;

    /// Stops accepting, aborts idle connections and waits for requests in flight, at most
    /// `timeout`. True when none is left in flight. Idempotent.
    bool stop(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

private:
    struct InFlight {
        std::mutex mutex;
        std::condition_variable done;
        int count = 0;
    };
    std::shared_ptr<InFlight> in_flight_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    bool stopped_ = false;
};

}  // namespace samplehost
