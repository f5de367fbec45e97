#pragma once
// The product as a partner runs it: the real sample host with the real module libraries from
// build/plugins, against an in-process emulator, driven only through the admin API.

#include "emulator/emulator.hpp"
#include "samplehost/host.hpp"

#include "test_support.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/JSON/Array.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace producttest {

inline const std::string kAdminToken = "product-test-admin-token-7c1e";

/// The demo seed (config/demo/seed.json).
inline std::string demo_seed() {
    return testsupport::read_file(std::string(ACPSA_SOURCE_DIR) + "/config/demo/seed.json");
}

struct Product {
    emulator::Emulator emu;
    testsupport::TempDir dir;
    samplehost::SystemClock clock;
    /// Used instead of `clock` when `use_manual_clock()` was called before `start()`: tests then
    /// move time (reopen windows, token expiry) without waiting. Cycles run when a test asks.
    samplehost::ManualClock manual{std::chrono::system_clock::now()};
    bool manual_time = false;
    Poco::AutoPtr<Poco::Util::MapConfiguration> config{new Poco::Util::MapConfiguration};
    std::unique_ptr<samplehost::Host> host;
    std::uint16_t port = 0;

    /// Starts the emulator with `seed` (and `options`: HTTPS, say) and configures (not starts) the
    /// host with `modules`.
    Product(const std::string& seed, const std::string& modules, const emulator::EmulatorOptions& options = {})
        : emu(emulator::parse_seed(seed), options) {
        config->setString("host.config_dir", dir.path());
        config->setString("host.plugin_dir", ACPSA_PLUGIN_DIR);
        config->setString("host.modules", modules);
        config->setString("host.state.database", "state.db");
        config->setString("host.admin.listen", "127.0.0.1:0");
        config->setString("host.admin.token", kAdminToken);
        config->setString("host.shutdown_timeout_s", "20");
        for (const char* m : {"mapping", "provisioning", "ticketing", "clearing"})
            config->setString(std::string("modules.") + m + ".interval", "3600");  // cycles run when a test asks
        config->setString("acpsa.acronis.url", emu.acronis_url());
        config->setString("acpsa.acronis.client_id", "5e7d0c1a-7b3e-4c55-9a0d-3f1e2d4c5b6a");
        config->setString("acpsa.acronis.client_secret", "demo-client-secret");
        config->setString("acpsa.acronis.retry.base_delay_ms", "10");
        config->setString("acpsa.psa.site", emu.psa_site());
        config->setString("acpsa.psa.api_key", "demo-psa-api-key");
        config->setString("acpsa.psa.page_delay_ms", "0");
        config->setString("acpsa.psa.retry.base_delay_ms", "10");
    }
    ~Product() {
        if (host) host->stop();
    }

    /// Starts the host (its first cycles run at once) and waits until each module finished one.
    void use_manual_clock() { manual_time = true; }

    void start() {
        host = manual_time ? std::make_unique<samplehost::Host>(*config, manual)
                           : std::make_unique<samplehost::Host>(*config, clock);
        host->load_and_configure();
        host->start(true, true);
        port = host->admin_port();
        REQUIRE(testsupport::eventually([&] {
            for (const auto& status : host->statuses())
                if (!status.last_result) return false;
            return true;
        }));
    }

    /// Stops the host and starts a new one on the same state database (with the config as it is now).
    void restart() {
        host->stop();
        host.reset();
        start();
    }

    testsupport::HttpReply call(const std::string& method, const std::string& path, const std::string& body = {}) {
        return testsupport::http(port, method, path, kAdminToken, body);
    }
    Poco::JSON::Object::Ptr get(const std::string& path) {
        auto reply = call("GET", path);
        INFO(path << " → " << reply.status << " " << reply.body);
        REQUIRE(reply.status == 200);
        return reply.json();
    }
    /// Runs one cycle of `module` now; returns its result (`ok`, `retry`, `failed`).
    std::string run(const std::string& module) {
        auto reply = call("POST", "/api/modules/" + module + "/run");
        REQUIRE(reply.status == 200);
        return reply.json()->getValue<std::string>("result");
    }
    std::string error_code(const testsupport::HttpReply& reply) {
        return reply.json()->getObject("error")->getValue<std::string>("code");
    }
    /// Activity entries with `action`, newest first.
    Poco::JSON::Array::Ptr activity(const std::string& action) {
        return get("/api/activity?action=" + action + "&limit=1000")->getArray("items");
    }

    // The emulator's control surface.
    testsupport::HttpReply acronis_control(const std::string& method, const std::string& path, const std::string& body = {}) {
        return testsupport::http_raw(emu.acronis_port(), method, path, {{"Content-Type", "application/json"}}, body);
    }
    testsupport::HttpReply psa_control(const std::string& method, const std::string& path, const std::string& body = {}) {
        return testsupport::http_raw(emu.psa_port(), method, path, {{"Content-Type", "application/json"}}, body);
    }
    Poco::JSON::Object::Ptr requests(std::uint16_t port_of_api) {
        return testsupport::http_raw(port_of_api, "GET", "/_emulator/stats", {}).json()->getObject("requests");
    }
    /// The emulator's tenant id by name.
    std::string tenant_id(const std::string& name) {
        auto tenants = acronis_control("GET", "/_emulator/state").json()->getArray("tenants");
        for (std::size_t i = 0; i < tenants->size(); ++i) {
            auto t = tenants->getObject(static_cast<unsigned>(i));
            if (t->getValue<std::string>("name") == name) return t->getValue<std::string>("id");
        }
        FAIL("no tenant named " << name);
        return "";
    }
};

/// The item of `items` whose `key` equals `value`, or nullptr.
inline Poco::JSON::Object::Ptr find(const Poco::JSON::Array::Ptr& items, const std::string& key, const std::string& value) {
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto item = items->getObject(static_cast<unsigned>(i));
        if (item->has(key) && item->get(key).toString() == value) return item;
    }
    return nullptr;
}

}  // namespace producttest
