#pragma once
// The integration core's clients against an in-process emulator on free ports, with a sleeper
// that records the waits instead of sleeping and a manual clock for token expiry.

#include "../emulator/emulator_fixture.hpp"

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/psa_client.hpp"

#include "samplehost/host_clock.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

#include <mutex>

namespace clienttest {

/// Records every wait the client asks for and returns at once.
struct RecordingSleeper {
    std::shared_ptr<std::vector<std::chrono::milliseconds>> waits = std::make_shared<std::vector<std::chrono::milliseconds>>();
    std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
    acpsa::core::Sleeper sleeper() const {
        auto w = waits;
        auto m = mutex;
        return [w, m](std::chrono::milliseconds delay) {
            std::lock_guard<std::mutex> lock(*m);
            w->push_back(delay);
            return true;
        };
    }
    std::vector<std::chrono::milliseconds> all() const {
        std::lock_guard<std::mutex> lock(*mutex);
        return *waits;
    }
};

struct Clients {
    emutest::Emu e;
    samplehost::ManualClock clock{std::chrono::system_clock::now()};
    RecordingSleeper sleeps;
    Poco::AutoPtr<testsupport::CapturingChannel> log_lines{new testsupport::CapturingChannel};
    Poco::Logger& log = Poco::Logger::get("test.clients");
    Poco::AutoPtr<Poco::Util::MapConfiguration> config{new Poco::Util::MapConfiguration};

    explicit Clients(int token_ttl_s = 7200) : e(token_ttl_s) {
        log.setChannel(log_lines);
        log.setLevel("debug");
        config->setString("acpsa.acronis.url", "http://127.0.0.1:" + std::to_string(e.emu.acronis_port()));
        config->setString("acpsa.acronis.client_id", emutest::kClientId);
        config->setString("acpsa.acronis.client_secret", emutest::kClientSecret);
        config->setString("acpsa.acronis.read_timeout_s", "2");
        config->setString("acpsa.psa.site", "http://127.0.0.1:" + std::to_string(e.emu.psa_port()));
        config->setString("acpsa.psa.api_key", emutest::kApiKey);
        config->setString("acpsa.psa.page_delay_ms", "0");
        config->setString("acpsa.psa.read_timeout_s", "2");
    }

    acpsa::core::AcronisClient acronis() {
        return acpsa::core::AcronisClient(acpsa::core::parse_acronis_settings(*config), clock, log, sleeps.sleeper());
    }
    acpsa::core::PsaClient psa() {
        return acpsa::core::PsaClient(acpsa::core::parse_psa_settings(*config), clock, log, sleeps.sleeper());
    }

    /// Requests counted by the emulator for a route template.
    int requests(std::uint16_t port, const std::string& route) {
        auto counts = e.control(port, "GET", "/_emulator/stats").json()->getObject("requests");
        return counts->has(route) ? counts->getValue<int>(route) : 0;
    }
    void reset_stats() {
        e.control(e.emu.acronis_port(), "POST", "/_emulator/stats/reset");
        e.control(e.emu.psa_port(), "POST", "/_emulator/stats/reset");
    }
    void fault(std::uint16_t port, const std::string& body) {
        REQUIRE(e.control(port, "POST", "/_emulator/faults", body).status == 201);
    }
};

}  // namespace clienttest
