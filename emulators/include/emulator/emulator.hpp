#pragma once

#include "emulator/acronis_service.hpp"
#include "emulator/faults.hpp"
#include "emulator/model.hpp"
#include "emulator/psa_service.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <Poco/Net/Context.h>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace emulator {

/// The largest request body read (413 above).
constexpr std::size_t kMaxRequestBytes = 1024 * 1024;

/// One port: an HTTP server in front of a Service, with the common control routes (state, stats,
/// faults) and fault injection. Thread-safe.
class ServiceEndpoint {
public:
    /// Binds `bind:port` (0 = a free port) and starts serving: HTTPS with `tls` (a server
    /// context), plain HTTP without. Throws Poco::Exception when the address cannot be bound.
    /// `service` must outlive the endpoint.
    ServiceEndpoint(Service& service, const std::string& bind, std::uint16_t port, Poco::Net::Context::Ptr tls = nullptr);
    ~ServiceEndpoint();

    std::uint16_t port() const;
    /// API requests answered (or faulted) so far, by route template; control routes not counted.
    std::map<std::string, long> requests() const { return stats_.snapshot(); }
    /// Connections accepted so far, including those whose TLS handshake failed.
    int connections() const;
    /// Stops serving; wakes injected `slow` waits. Idempotent.
    void stop();

    /// Answers one request (API or control). `drop` in the answer means: close without answering.
    /// Exposed for the HTTP handler; thread-safe.
    EmuResponse answer(const EmuRequest& request, bool& apply_then_drop);

    /// Marks a request in flight until the returned guard is released (stop waits for them).
    std::shared_ptr<void> enter();

    /// An error answer in the service's own style.
    EmuResponse error_reply(int status, const EmuRequest& request, const std::string& message) const;

private:
    EmuResponse control(const EmuRequest& request);
    /// Waits `ms` or until stop; false when stopped.
    bool pause(int ms);

    Service& service_;
    FaultTable faults_;
    RequestStats stats_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stopping_ = false;
    int in_flight_ = 0;
    std::atomic<int> api_in_flight_{0};  ///< API requests being answered (a `slow` one until it is applied)
};

/// Options of the whole emulator.
struct EmulatorOptions {
    std::string bind = "127.0.0.1";
    std::uint16_t acronis_port = 0;  ///< 0 = a free port
    std::uint16_t psa_port = 0;
    int token_ttl_s = 7200;
    /// Both ports serve HTTPS with this certificate (PEM, may hold the chain) and key when set;
    /// plain HTTP when both are empty.
    std::string tls_certificate_file;
    std::string tls_private_key_file;
};

/// Both emulated APIs on two ports, from one seed: what tests start in-process and
/// `acpsa-emulator` runs from the command line.
class Emulator {
public:
    /// Starts both servers. Throws Poco::Exception when a port cannot be bound or the TLS
    /// certificate or key cannot be read, std::invalid_argument for one of the two without the other.
    Emulator(Seed seed, const EmulatorOptions& options);
    ~Emulator();

    std::uint16_t acronis_port() const { return acronis_endpoint_->port(); }
    std::uint16_t psa_port() const { return psa_endpoint_->port(); }
    /// `http://127.0.0.1:PORT` (`https://` with TLS) of the Acronis API.
    std::string acronis_url() const;
    /// `http://127.0.0.1:PORT` (`https://` with TLS) of the PSA (the integration's `acpsa.psa.site`).
    std::string psa_site() const;
    const ServiceEndpoint& acronis_endpoint() const { return *acronis_endpoint_; }
    const ServiceEndpoint& psa_endpoint() const { return *psa_endpoint_; }

    void stop();

private:
    std::string bind_;
    std::string scheme_;
    AcronisService acronis_;
    PsaService psa_;
    std::unique_ptr<ServiceEndpoint> acronis_endpoint_;
    std::unique_ptr<ServiceEndpoint> psa_endpoint_;
};

}  // namespace emulator
