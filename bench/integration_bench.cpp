// Benchmark: the product as a partner runs it, against the emulator on loopback. Prints requests
// per unit of work, wall time and peak memory for a mapping cycle, an idle ticketing cycle, and a
// ticketing cycle that turns N new alerts into tickets. Run on demand (never a test):
//
//   build/bin/integration_bench [--tenants 200] [--alerts 1000]

#include "emulator/emulator.hpp"
#include "samplehost/host.hpp"

#include "test_support.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <sys/resource.h>

namespace {

const std::string kToken = "bench-admin-token-000000000";

std::string make_seed(int tenants) {
    std::ostringstream seed;
    seed << R"({"acronis": {"clients": [{"client_id": "bench", "client_secret": "bench-secret", "tenant_id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f"}],
             "alert_types": [{"id": "BackupFailed", "category": "Backup", "severity": "critical"}],
             "tenants": [{"id": "00000000-0000-4000-8000-000000000001", "name": "Root", "kind": "root"},
             {"id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f", "name": "Partner", "kind": "partner", "parent_id": "00000000-0000-4000-8000-000000000001"})";
    for (int i = 0; i < tenants; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", 1000 + i);
        seed << R"(, {"id": ")" << id << R"(", "name": "Tenant )" << i
             << R"(", "kind": "customer", "parent_id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f", "customer_id": "osa_account_id=)" << (5000 + i) << R"("})";
    }
    seed << R"(]}, "psa": {"api_keys": ["bench-key"], "customers": [)";
    for (int i = 0; i < tenants; ++i) seed << (i ? "," : "") << R"({"Id": )" << (2000 + i) << R"(, "CompanyName": "Customer )" << i << R"("})";
    seed << R"(], "links": [)";
    for (int i = 0; i < tenants; ++i)
        seed << (i ? "," : "") << R"({"CustomerId": )" << (2000 + i) << R"(, "ExternalSystem": "CMP", "ExternalId": ")" << (5000 + i) << R"("})";
    seed << R"(], "ticket_types": [{"Id": 1, "Name": "Incident A"}], "ticket_categories": [{"Id": 1, "Name": "TCB", "TicketType": "Incident A"}],
             "teams": [{"Id": 1, "Name": "Support"}], "ticket_statuses": [{"Id": 1, "Name": "New", "IsDefault": true},
             {"Id": 2, "Name": "Fixed", "IsClosed": true}]}})";
    return seed.str();
}

long requests(std::uint16_t port, const std::string& except = "POST /api/2/idp/token") {
    long total = 0;
    auto counts = testsupport::http_raw(port, "GET", "/_emulator/stats", {}).json()->getObject("requests");
    for (const auto& [route, count] : *counts)
        if (route != except) total += count.convert<long>();
    return total;
}

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "integration_bench: %s\n", why.c_str());
    std::_Exit(1);  // host threads may still run: no static destruction under them
}

void reset(std::uint16_t port) { testsupport::http_raw(port, "POST", "/_emulator/stats/reset", {}); }

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
    int tenants = 200, alerts = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--tenants") tenants = std::stoi(argv[i + 1]);
        else if (arg == "--alerts") alerts = std::stoi(argv[i + 1]);
    }
    emulator::Emulator emu(emulator::parse_seed(make_seed(tenants)), emulator::EmulatorOptions{});
    testsupport::TempDir dir;
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    config->setString("host.config_dir", dir.path());
    config->setString("host.plugin_dir", ACPSA_PLUGIN_DIR);
    config->setString("host.modules", "mapping, ticketing");
    config->setString("host.state.database", "state.db");
    config->setString("host.admin.listen", "127.0.0.1:0");
    config->setString("host.admin.token", kToken);
    config->setString("host.log_level", "warning");
    config->setString("modules.mapping.interval", "3600");
    config->setString("modules.ticketing.interval", "3600");
    config->setString("acpsa.acronis.url", emu.acronis_url());
    config->setString("acpsa.acronis.client_id", "bench");
    config->setString("acpsa.acronis.client_secret", "bench-secret");
    config->setString("acpsa.acronis.alerts_overlap_s", "0");
    config->setString("acpsa.psa.site", emu.psa_site());
    config->setString("acpsa.psa.api_key", "bench-key");
    config->setString("acpsa.psa.page_delay_ms", "0");
    Poco::Logger::root().setLevel("warning");
    samplehost::SystemClock clock;
    samplehost::Host host(*config, clock);
    host.load_and_configure();
    host.start(true, true);
    const auto port = host.admin_port();
    // Figures from a run whose setup failed would be meaningless: any failure ends the bench.
    auto call = [&](const std::string& method, const std::string& path, const std::string& body = {}) {
        auto reply = testsupport::http(port, method, path, kToken, body);
        if (reply.status < 200 || reply.status > 299) fail(method + " " + path + " answered " + std::to_string(reply.status) + ": " + reply.body);
        return reply;
    };
    if (!testsupport::eventually([&] {
            for (const auto& s : host.statuses())
                if (!s.last_result) return false;
            return true;
        }))
        fail("the modules did not finish their first cycles");
    auto timed_run = [&](const std::string& module) {
        const auto start = std::chrono::steady_clock::now();
        const auto reply = call("POST", "/api/modules/" + module + "/run");
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        const auto result = reply.json()->getValue<std::string>("result");
        if (result != "ok") fail(module + " cycle ended " + result + ": " + reply.body);
        return ms;
    };

    reset(emu.acronis_port());
    reset(emu.psa_port());
    const double mapping_ms = timed_run("mapping");
    const long mapping_acronis = requests(emu.acronis_port()), mapping_psa = requests(emu.psa_port());

    std::string ids = "[";
    for (int i = 0; i < tenants; ++i) ids += (i ? ",\"" : "\"") + std::to_string(2000 + i) + "\"";
    call("POST", "/api/mapping/marketplace/confirm", R"({"psa_customer_ids": )" + ids + "]}");
    call("PUT", "/api/ticketing/alert-types/BackupFailed", R"({"enabled": true, "ticket_type": "Incident A", "ticket_category": "TCB", "team": "Support"})");
    call("PUT", "/api/ticketing/settings", R"({"ticket_creation": true})");
    timed_run("ticketing");

    reset(emu.acronis_port());
    reset(emu.psa_port());
    const double idle_ms = timed_run("ticketing");
    const long idle_acronis = requests(emu.acronis_port()), idle_psa = requests(emu.psa_port());

    for (int i = 0; i < alerts; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", 1000 + i % tenants);
        testsupport::http_raw(emu.acronis_port(), "POST", "/_emulator/alerts", {{"Content-Type", "application/json"}},
                              std::string(R"({"tenant_id": ")") + id + R"(", "type": "BackupFailed"})");
    }
    reset(emu.acronis_port());
    reset(emu.psa_port());
    const double busy_ms = timed_run("ticketing");
    const long busy_acronis = requests(emu.acronis_port()), busy_psa = requests(emu.psa_port());
    const long peak_kib = peak_rss_kib();  // before the check below reads every ticket back
    const auto made = testsupport::http_raw(emu.psa_port(), "GET", "/_emulator/state", {}).json()->getArray("tickets")->size();
    if (made != static_cast<std::size_t>(alerts))
        fail(std::to_string(alerts) + " alerts made " + std::to_string(made) + " tickets");
    host.stop();

    std::printf("integration_bench: %d tenants mapped, %d alerts\n", tenants, alerts);
    std::printf("  mapping cycle:           %8.1f ms  %4ld Acronis + %4ld PSA requests (token calls not counted)\n", mapping_ms,
                mapping_acronis, mapping_psa);
    std::printf("  idle ticketing cycle:    %8.1f ms  %4ld Acronis + %4ld PSA requests\n", idle_ms, idle_acronis, idle_psa);
    std::printf("  ticketing, %d alerts:  %8.1f ms  %4ld Acronis + %4ld PSA requests = %.3f requests per ticket, %.2f ms per ticket\n",
                alerts, busy_ms, busy_acronis, busy_psa, double(busy_acronis + busy_psa) / alerts, busy_ms / alerts);
    std::printf("  peak memory (host, modules and emulator in one process): %ld KiB\n", peak_kib);
    return 0;
}
