// TLS to the vendors over real TLS on loopback: the emulator serves HTTPS with certificates from a
// CA the test makes; the clients must check the chain and the host name, refuse before sending
// anything, say why without a secret, and not retry as if the network had failed.

#include "../emulator/emulator_fixture.hpp"
#include "product_fixture.hpp"
#include "test_pki.hpp"

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/errors.hpp"
#include "acpsa/core/psa_client.hpp"

#include "samplehost/host_clock.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

using namespace acpsa::core;

namespace {

/// A CA of the test's own, an emulator serving HTTPS with one certificate it issued, and clients
/// configured for `https://<host>:PORT` that trust the CA through `ca_file`.
struct TlsSetup {
    testsupport::TempDir dir;
    testsupport::TestCa ca{dir.path(), "trusted", "ACPSA Test CA"};
    std::unique_ptr<emulator::Emulator> emu;
    samplehost::ManualClock clock{std::chrono::system_clock::now()};
    Poco::AutoPtr<testsupport::CapturingChannel> log_lines{new testsupport::CapturingChannel};
    Poco::Logger& log = Poco::Logger::get("test.tls");
    Poco::AutoPtr<Poco::Util::MapConfiguration> config{new Poco::Util::MapConfiguration};
    int retries = 0;

    /// Serves a certificate for `spec` (issued by `issuer`, the trusted CA when null) and points the
    /// clients at `host`.
    /// With `self_signed`, the certificate is signed with its own key instead.
    TlsSetup(const testsupport::CertificateSpec& spec, const std::string& host, const testsupport::TestCa* issuer = nullptr,
             bool self_signed = false) {
        const auto served = self_signed ? ca.self_signed(spec, "server") : (issuer ? *issuer : ca).issue(spec, "server");
        emulator::EmulatorOptions options;
        options.tls_certificate_file = served.certificate_file;
        options.tls_private_key_file = served.private_key_file;
        emu = std::make_unique<emulator::Emulator>(emulator::parse_seed(emutest::seed_json()), options);
        log.setChannel(log_lines);
        log.setLevel("debug");
        config->setString("acpsa.acronis.url", "https://" + host + ":" + std::to_string(emu->acronis_port()));
        config->setString("acpsa.acronis.client_id", emutest::kClientId);
        config->setString("acpsa.acronis.client_secret", emutest::kClientSecret);
        config->setString("acpsa.acronis.ca_file", ca.ca_file());
        config->setString("acpsa.acronis.retry.max_attempts", "4");
        config->setString("acpsa.psa.site", "https://" + host + ":" + std::to_string(emu->psa_port()));
        config->setString("acpsa.psa.api_key", emutest::kApiKey);
        config->setString("acpsa.psa.ca_file", ca.ca_file());
        config->setString("acpsa.psa.page_delay_ms", "0");
        config->setString("acpsa.psa.retry.max_attempts", "4");
    }

    Sleeper counting_sleeper() {
        return [this](std::chrono::milliseconds) {
            ++retries;
            return true;
        };
    }
    AcronisClient acronis() { return AcronisClient(parse_acronis_settings(*config), clock, log, counting_sleeper()); }
    PsaClient psa() { return PsaClient(parse_psa_settings(*config), clock, log, counting_sleeper()); }

    /// Both clients make one call each; the first error of each, or "" when the call worked.
    std::pair<std::string, std::string> call_both() {
        std::pair<std::string, std::string> errors;
        try {
            auto client = acronis();
            const auto partner = client.partner_tenant_id();  // outside CHECK, which would catch the error
            CHECK(partner == emutest::kPartner);
        } catch (const CertificateError& e) {
            CHECK_FALSE(e.transient());
            errors.first = e.what();
        }
        try {
            auto client = psa();
            const auto statuses = client.ticket_statuses();
            CHECK(statuses.size() == 4);
        } catch (const CertificateError& e) {
            CHECK_FALSE(e.transient());
            errors.second = e.what();
        }
        return errors;
    }

    /// Nothing reached either API, and each side saw one connection: refused at once, not retried.
    void check_refused_before_sending() {
        CHECK(emu->acronis_endpoint().requests().empty());
        CHECK(emu->psa_endpoint().requests().empty());
        CHECK(testsupport::eventually([&] { return emu->acronis_endpoint().connections() == 1; }));
        CHECK(testsupport::eventually([&] { return emu->psa_endpoint().connections() == 1; }));
        CHECK(retries == 0);
    }

    /// No secret in an error or a log line.
    void check_no_secret(const std::pair<std::string, std::string>& errors) {
        for (const auto& text : {errors.first, errors.second}) {
            CHECK(text.find(emutest::kApiKey) == std::string::npos);
            CHECK(text.find(emutest::kClientSecret) == std::string::npos);
        }
        for (const auto& line : log_lines->lines()) {
            CHECK(line.find(emutest::kApiKey) == std::string::npos);
            CHECK(line.find(emutest::kClientSecret) == std::string::npos);
        }
    }
};

testsupport::CertificateSpec for_names(std::vector<std::string> dns, std::vector<std::string> ips = {}) {
    testsupport::CertificateSpec spec;
    spec.common_name = dns.empty() ? "server" : dns.front();
    spec.dns_names = std::move(dns);
    spec.ip_addresses = std::move(ips);
    return spec;
}

/// The product (sample host and `modules`) against an emulator serving HTTPS with a certificate for
/// `served_names` from a CA the product trusts through `ca_file`; both URLs name `localhost`.
struct TlsProduct {
    testsupport::TempDir dir;
    testsupport::TestCa ca{dir.path(), "trusted", "ACPSA Test CA"};
    producttest::Product p;

    TlsProduct(std::vector<std::string> served_names, const std::string& modules)
        : p(producttest::demo_seed(), modules, options(ca.issue(for_names(std::move(served_names)), "server"))) {
        p.config->setString("acpsa.acronis.url", acronis_url("localhost"));
        p.config->setString("acpsa.acronis.ca_file", ca.ca_file());
        p.config->setString("acpsa.psa.site", "https://localhost:" + std::to_string(p.emu.psa_port()));
        p.config->setString("acpsa.psa.ca_file", ca.ca_file());
    }
    static emulator::EmulatorOptions options(const testsupport::IssuedCertificate& served) {
        emulator::EmulatorOptions o;
        o.tls_certificate_file = served.certificate_file;
        o.tls_private_key_file = served.private_key_file;
        return o;
    }
    std::string acronis_url(const std::string& host) const { return "https://" + host + ":" + std::to_string(p.emu.acronis_port()); }
};

}  // namespace

TEST_CASE("tls: a certificate naming the host called works over HTTPS", "[tls][client]") {
    TlsSetup tls(for_names({"localhost"}), "localhost");
    const auto errors = tls.call_both();
    CHECK(errors.first.empty());
    CHECK(errors.second.empty());
    CHECK(tls.emu->acronis_endpoint().requests().count("GET /api/2/clients/{id}") == 1);
    CHECK(tls.emu->psa_endpoint().requests().count("GET /webapi/{ver}/tickets/getticketstatuses") == 1);
}

TEST_CASE("tls: a certificate for another host is refused before anything is sent, and says so", "[tls][client]") {
    TlsSetup tls(for_names({"evil.example"}), "localhost");
    const auto errors = tls.call_both();
    CHECK(errors.first == "acronis: certificate for evil.example does not match localhost (POST /api/2/idp/token not sent)");
    CHECK(errors.second.find("psa: certificate for evil.example does not match localhost (GET ") == 0);
    tls.check_refused_before_sending();
    tls.check_no_secret(errors);
}

TEST_CASE("tls: the subject alternative names decide, the common name only when there are none", "[tls][client]") {
    SECTION("a CN that names the host, beside SANs that do not, is refused") {
        auto spec = for_names({"evil.example"});
        spec.common_name = "localhost";
        TlsSetup tls(spec, "localhost");
        const auto errors = tls.call_both();
        CHECK(errors.first.find("certificate for evil.example does not match localhost") != std::string::npos);
        CHECK(errors.second.find("certificate for evil.example does not match localhost") != std::string::npos);
        tls.check_refused_before_sending();
        tls.check_no_secret(errors);
    }
    SECTION("a CN that names the host, with no SAN at all, works") {
        testsupport::CertificateSpec spec;
        spec.common_name = "localhost";
        TlsSetup tls(spec, "localhost");
        const auto errors = tls.call_both();
        CHECK(errors.first.empty());
        CHECK(errors.second.empty());
    }
    SECTION("a partial wildcard is no match") {
        TlsSetup tls(for_names({"local*"}), "localhost");
        const auto errors = tls.call_both();
        CHECK(errors.first.find("certificate for local* does not match localhost") != std::string::npos);
        CHECK(errors.second.find("certificate for local* does not match localhost") != std::string::npos);
        tls.check_refused_before_sending();
    }
    SECTION("names a hostile server chooses are cut short in messages") {
        const std::string huge(500, 'x');
        TlsSetup tls(for_names({huge + ".example", huge + ".example"}), "localhost");
        const auto errors = tls.call_both();
        CHECK(errors.first.find("does not match localhost") != std::string::npos);
        CHECK(errors.first.size() < 400);
        CHECK(errors.second.size() < 400);
    }
}

TEST_CASE("tls: an IP address is checked against the IP SANs", "[tls][client]") {
    SECTION("an IP SAN for the address called works") {
        TlsSetup tls(for_names({}, {"127.0.0.1"}), "127.0.0.1");
        const auto errors = tls.call_both();
        CHECK(errors.first.empty());
        CHECK(errors.second.empty());
    }
    SECTION("a DNS name that resolves there does not stand for the address") {
        TlsSetup tls(for_names({"localhost"}, {"127.0.0.2"}), "127.0.0.1");
        const auto errors = tls.call_both();
        CHECK(errors.first.find("certificate for localhost, 127.0.0.2 does not match 127.0.0.1") != std::string::npos);
        CHECK(errors.second.find("certificate for localhost, 127.0.0.2 does not match 127.0.0.1") != std::string::npos);
        tls.check_refused_before_sending();
        tls.check_no_secret(errors);
    }
}

TEST_CASE("tls: an untrusted chain, a self-signed certificate and an expired one are refused", "[tls][client]") {
    SECTION("issued by a CA that is not trusted") {
        testsupport::TempDir other_dir;
        testsupport::TestCa other(other_dir.path(), "other", "Someone Else's CA");
        TlsSetup tls(for_names({"localhost"}), "localhost", &other);
        const auto errors = tls.call_both();
        CHECK(errors.first.find("certificate for localhost refused: unable to get local issuer certificate") != std::string::npos);
        CHECK(errors.first.find(tls.ca.ca_file()) != std::string::npos);  // which CAs were trusted
        CHECK(errors.second.find("certificate for localhost refused: unable to get local issuer certificate") != std::string::npos);
        tls.check_refused_before_sending();
        tls.check_no_secret(errors);
    }
    SECTION("the CA's certificate is trusted only when configured: the system store alone refuses it") {
        TlsSetup tls(for_names({"localhost"}), "localhost");
        tls.config->remove("acpsa.acronis.ca_file");
        tls.config->remove("acpsa.psa.ca_file");
        const auto errors = tls.call_both();
        CHECK(errors.first.find("refused: unable to get local issuer certificate (trusted CAs: the system store)") !=
              std::string::npos);
        CHECK(errors.second.find("refused: unable to get local issuer certificate (trusted CAs: the system store)") !=
              std::string::npos);
        tls.check_refused_before_sending();
        tls.check_no_secret(errors);
    }
    SECTION("self-signed, by a key no CA vouches for") {
        TlsSetup tls(for_names({"localhost"}), "localhost", nullptr, true);
        const auto errors = tls.call_both();
        CHECK(errors.first.find("certificate for localhost refused: self-signed certificate") != std::string::npos);
        CHECK(errors.second.find("certificate for localhost refused: self-signed certificate") != std::string::npos);
        tls.check_refused_before_sending();
        tls.check_no_secret(errors);
    }
    SECTION("expired yesterday") {
        auto spec = for_names({"localhost"});
        spec.valid_from_days = -30;
        spec.valid_until_days = -1;
        TlsSetup tls(spec, "localhost");
        const auto errors = tls.call_both();
        CHECK(errors.first.find("certificate for localhost refused: certificate has expired") != std::string::npos);
        CHECK(errors.second.find("certificate for localhost refused: certificate has expired") != std::string::npos);
        CHECK(errors.first.find("trusted CAs") == std::string::npos);  // not a matter of which CAs
        tls.check_refused_before_sending();
        tls.check_no_secret(errors);
    }
}

TEST_CASE("tls: the product reports a wrong certificate in health and in the connection check, without a secret",
          "[tls][integration]") {
    TlsProduct tls({"evil.example"}, "mapping");
    auto& p = tls.p;
    p.start();

    auto health = p.get("/api/health");
    CHECK(health->getValue<std::string>("status") == "degraded");
    auto mapping = health->getArray("modules")->getObject(0);
    CHECK(mapping->getValue<std::string>("last_result") == "failed");  // not retried as a network hiccup
    CHECK(mapping->getValue<std::string>("last_message").find("certificate for evil.example does not match localhost") !=
          std::string::npos);

    auto connection = p.get("/api/mapping/connection");
    CHECK_FALSE(connection->getObject("acronis")->getValue<bool>("ok"));
    CHECK(connection->getObject("acronis")->getValue<std::string>("message").find(
              "acronis: certificate for evil.example does not match localhost") == 0);
    CHECK_FALSE(connection->getObject("psa")->getValue<bool>("ok"));
    CHECK(connection->getObject("psa")->getValue<std::string>("message").find(
              "psa: certificate for evil.example does not match localhost") == 0);
    CHECK(p.emu.acronis_endpoint().requests().empty());
    CHECK(p.emu.psa_endpoint().requests().empty());
    for (const auto& body : {p.call("GET", "/api/health").body, p.call("GET", "/api/mapping/connection").body}) {
        CHECK(body.find("demo-psa-api-key") == std::string::npos);
        CHECK(body.find("demo-client-secret") == std::string::npos);
    }
}

TEST_CASE("tls: a refused certificate fails the cycle, not the item: a mapping stays as it was, a provisioning job waits",
          "[tls][provisioning][integration]") {
    TlsProduct tls({"localhost"}, "mapping, provisioning");
    auto& p = tls.p;
    p.start();
    REQUIRE(p.get("/api/health")->getValue<std::string>("status") == "ok");

    // The same server by its address: the certificate does not name 127.0.0.1.
    p.config->setString("acpsa.acronis.url", tls.acronis_url("127.0.0.1"));
    p.restart();
    CHECK(p.get("/api/health")->getValue<std::string>("status") == "degraded");
    // Map to existing checks the tenant live: refused as the upstream's failure, nothing recorded.
    auto tenants = p.get("/api/mapping/tenants?search=DE%20Telecom")->getArray("items");
    REQUIRE(tenants->size() == 1);
    auto mapped = p.call("POST", "/api/mapping/customers/1001/map",
                         R"({"tenant_id": ")" + tenants->getObject(0)->getValue<std::string>("id") + R"("})");
    CHECK(mapped.status == 502);
    CHECK(mapped.body.find("certificate for localhost does not match 127.0.0.1") != std::string::npos);
    auto row = producttest::find(p.get("/api/mapping/customers?limit=1000")->getArray("items"), "psa_customer_id", "1001");
    REQUIRE(row);
    CHECK(row->getValue<std::string>("mapping") == "not_mapped");
    CHECK(p.activity("mapping_failed")->size() == 0);

    auto started = p.call("POST", "/api/mapping/customers/1008/map-new");
    INFO(started.body);
    REQUIRE(started.status == 202);
    CHECK(p.run("provisioning") == "failed");
    auto job = producttest::find(p.get("/api/provisioning/jobs")->getArray("items"), "psa_customer_id", "1008");
    REQUIRE(job);
    CHECK(job->getValue<std::string>("state") == "running");  // waits; not failed for good
    CHECK(job->getValue<std::string>("step") == "check_login");
    CHECK(p.get("/api/provisioning/jobs?state=failed")->getValue<int>("total") == 0);

    p.config->setString("acpsa.acronis.url", tls.acronis_url("localhost"));
    p.restart();
    p.run("provisioning");
    job = producttest::find(p.get("/api/provisioning/jobs")->getArray("items"), "psa_customer_id", "1008");
    REQUIRE(job);
    CHECK(job->getValue<std::string>("state") == "done");
}
