// The Acronis client against the emulator: paging, token handling, every fault kind, and the
// outcome-unknown path of calls that must not be repeated blindly.

#include "client_fixture.hpp"

#include <catch2/catch.hpp>

using namespace acpsa::core;
using clienttest::Clients;

namespace {
const std::string kTenants = "GET /api/2/tenants";
const std::string kToken = "POST /api/2/idp/token";
}  // namespace

TEST_CASE("acronis client: partner from the API client, customer tenants over several pages", "[client][acronis]") {
    Clients c;
    c.config->setString("acpsa.acronis.page_limit", "2");
    auto client = c.acronis();
    c.reset_stats();
    CHECK(client.partner_tenant_id() == emutest::kPartner);
    const auto tenants = client.list_customer_tenants();
    std::vector<std::string> names;
    for (const auto& t : tenants) names.push_back(t.name);
    CHECK(names == std::vector<std::string>{"Alpha", "Beta", "Gamma", "Selfie", "Offline"});  // Gone deleted, Folder no customer
    CHECK(c.requests(c.e.emu.acronis_port(), kTenants) == 3);  // 6 children, 2 a page
    CHECK(c.requests(c.e.emu.acronis_port(), kToken) == 1);
    CHECK(client.api_calls() == 3);  // the token and the partner lookup are not counted
    CHECK_FALSE(tenants[3].manageable());
    CHECK(tenants[3].unmanageable_reason().find("self-service") != std::string::npos);
    CHECK(tenants[4].unmanageable_reason().find("disabled") != std::string::npos);

    c.config->setString("acpsa.acronis.tenant_listing", "subtree");
    auto subtree = c.acronis().list_customer_tenants();
    CHECK(subtree.size() == 6);  // Deep, inside the folder, too
}

TEST_CASE("acronis client: provisioning calls, end to end", "[client][acronis]") {
    Clients c;
    auto client = c.acronis();
    auto tenant = client.create_tenant(NewTenant{"Contoso Ltd", "", "acpsa:psa-customer:1008",
                                                 AcronisContact{"ada@contoso.example", "Ada", "Lovelace"}});
    CHECK(tenant.internal_tag == std::optional<std::string>("acpsa:psa-customer:1008"));
    CHECK(client.find_tenant_by_tag("acpsa:psa-customer:1008")->id == tenant.id);
    CHECK_FALSE(client.find_tenant_by_tag("acpsa:psa-customer:9999").has_value());
    client.set_tenant_mfa(tenant.id, true);
    CHECK(client.get_tenant(tenant.id).mfa_status == "enabled");
    CHECK(client.check_login("AdaLovelace") == LoginCheck::free);
    CHECK(client.check_login("alpha-admin") == LoginCheck::taken);
    CHECK(client.check_login("A d") == LoginCheck::invalid);
    auto user = client.create_user(tenant.id, "AdaLovelace", {"ada@contoso.example", "Ada", "Lovelace"});
    CHECK(client.list_tenant_users(tenant.id) == std::vector<std::string>{user.id});
    CHECK(client.get_user(user.id).login == "AdaLovelace");
    client.grant_company_admin(user.id, tenant.id);
    client.send_activation_email(user.id);
    try {
        client.set_password(user.id, "weak");
        FAIL("a weak password was accepted");
    } catch (const UpstreamError& e) {
        CHECK(e.status() == 400);
        CHECK_FALSE(e.transient());
        CHECK(e.message() == "Password is too weak");
    }
    client.set_password(user.id, "Str0ng-enough");
    auto users = c.e.acronis_state()->getArray("users");
    auto stored = users->getObject(static_cast<unsigned>(users->size() - 1));
    CHECK(stored->getValue<int>("activation_emails_sent") == 1);
    CHECK(stored->getValue<bool>("password_set"));
    CHECK(stored->getArray("access_policies")->getObject(0)->getValue<std::string>("role_id") == "company_admin");
    try {
        client.create_tenant(NewTenant{"contoso ltd", "", "x", std::nullopt});
        FAIL("a duplicate name was accepted");
    } catch (const UpstreamError& e) {
        CHECK(e.status() == 409);
        CHECK(e.code() == "1004");
    }
}

TEST_CASE("acronis client: alerts since a watermark, all pages, overlap and de-duplication", "[client][acronis]") {
    Clients c;
    c.config->setString("acpsa.acronis.page_limit", "2");
    auto client = c.acronis();
    std::vector<std::string> raised;
    for (int i = 0; i < 5; ++i) raised.push_back(c.e.raise(emutest::kCust2));
    const auto first = client.alerts_changed_since(0, nullptr);
    REQUIRE(first.alerts.size() == 6);  // the seeded Alpha one too; self-service hidden
    CHECK(first.alerts.back().id == raised.back());
    std::int64_t previous = 0;
    for (const auto& a : first.alerts) {
        CHECK(a.updated_ns > previous);
        previous = a.updated_ns;
    }
    CHECK(first.watermark_ns == first.alerts.back().updated_ns);

    // Within the overlap, already processed changes are left out; a change after it comes once.
    std::set<std::pair<std::string, std::int64_t>> processed;
    for (const auto& a : first.alerts) processed.insert({a.id, a.updated_ns});
    c.e.control(c.e.emu.acronis_port(), "POST", "/_emulator/alerts/" + raised[1] + "/clear");
    const auto second = client.alerts_changed_since(first.watermark_ns, [&](const std::string& id, std::int64_t ns) {
        return processed.count({id, ns}) > 0;
    });
    REQUIRE(second.alerts.size() == 1);
    CHECK(second.alerts[0].id == raised[1]);
    CHECK(second.alerts[0].cleared());
    CHECK(second.watermark_ns > first.watermark_ns);

    CHECK(client.dismiss_alert(raised[2]));
    CHECK_FALSE(client.dismiss_alert("00000000-0000-4000-8000-00000000dead"));  // already gone = done
    CHECK(client.list_alert_types().size() == 3);
}

TEST_CASE("acronis client: the token is cached and refreshed before it expires", "[client][acronis]") {
    Clients c(1800);  // tokens live 30 minutes
    c.config->setString("acpsa.acronis.token_refresh_margin_s", "600");
    auto client = c.acronis();
    c.reset_stats();
    for (int i = 0; i < 3; ++i) client.get_tenant(emutest::kCust1);
    CHECK(c.requests(c.e.emu.acronis_port(), kToken) == 1);
    c.clock.advance(std::chrono::minutes(19));  // 11 minutes left: more than the margin
    client.get_tenant(emutest::kCust1);
    CHECK(c.requests(c.e.emu.acronis_port(), kToken) == 1);
    c.clock.advance(std::chrono::minutes(2));  // 9 minutes left: refresh first, no 401
    client.get_tenant(emutest::kCust1);
    CHECK(c.requests(c.e.emu.acronis_port(), kToken) == 2);
    CHECK(c.requests(c.e.emu.acronis_port(), "GET /api/2/tenants/{id}") == 5);
}

TEST_CASE("acronis client: a 401 gets one fresh token and one retry, a second 401 is an authentication error",
          "[client][acronis]") {
    Clients c;
    auto client = c.acronis();
    client.get_tenant(emutest::kCust1);
    c.reset_stats();
    c.e.control(c.e.emu.acronis_port(), "POST", "/_emulator/tokens/expire");
    CHECK(client.get_tenant(emutest::kCust1).name == "Alpha");
    CHECK(c.requests(c.e.emu.acronis_port(), kToken) == 1);
    CHECK(c.requests(c.e.emu.acronis_port(), "GET /api/2/tenants/{id}") == 2);

    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "expired_token"})");
    CHECK(client.get_tenant(emutest::kCust1).name == "Alpha");

    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "401", "count": 2})");
    CHECK_THROWS_AS(client.get_tenant(emutest::kCust1), AuthenticationError);

    c.config->setString("acpsa.acronis.client_secret", "wrong");
    try {
        c.acronis().get_tenant(emutest::kCust1);
        FAIL("a wrong secret was accepted");
    } catch (const AuthenticationError& e) {
        CHECK(std::string(e.what()).find("client_secret") != std::string::npos);
        CHECK(std::string(e.what()).find("wrong") == std::string::npos);
    }
}

TEST_CASE("acronis client: the token endpoint's 5xx is retried, its OAuth-shaped 401 names the cause", "[client][acronis]") {
    Clients c;
    c.reset_stats();
    c.fault(c.e.emu.acronis_port(), R"({"route": "POST /api/2/idp/token", "kind": "503"})");
    CHECK(c.acronis().get_tenant(emutest::kCust1).name == "Alpha");
    CHECK(c.requests(c.e.emu.acronis_port(), kToken) == 2);
    c.fault(c.e.emu.acronis_port(), R"({"route": "POST /api/2/idp/token", "kind": "401"})");
    try {
        c.acronis().get_tenant(emutest::kCust1);
        FAIL("a refused token request was accepted");
    } catch (const AuthenticationError& e) {
        CHECK(std::string(e.what()).find("invalid_client") != std::string::npos);
        CHECK(std::string(e.what()).find("client_secret") != std::string::npos);
    }
}

TEST_CASE("acronis client: 429 waits Retry-After, 5xx and lost answers are retried on reads", "[client][acronis]") {
    Clients c;
    auto client = c.acronis();
    client.get_tenant(emutest::kCust1);
    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "429", "retry_after": 7})");
    CHECK(client.get_tenant(emutest::kCust1).name == "Alpha");
    REQUIRE_FALSE(c.sleeps.all().empty());
    CHECK(c.sleeps.all().back() == std::chrono::milliseconds(7000));

    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "500"})");
    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "drop"})");
    CHECK(client.get_tenant(emutest::kCust1).name == "Alpha");  // three attempts in all
    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "503", "count": 3})");
    try {
        client.get_tenant(emutest::kCust1);
        FAIL("three 503s were not an error");
    } catch (const UpstreamError& e) {
        CHECK(e.status() == 503);
        CHECK(e.transient());
    }
    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "slow", "delay_ms": 4000})");
    CHECK(client.get_tenant(emutest::kCust1).name == "Alpha");  // timed out after 2 s, then retried
    c.fault(c.e.emu.acronis_port(), R"({"route": "GET /api/2/tenants/{id}", "kind": "malformed"})");
    CHECK_THROWS_AS(client.get_tenant(emutest::kCust1), MalformedResponseError);
}

TEST_CASE("acronis client: a create whose answer is lost is outcome-unknown, and the tag finds it", "[client][acronis]") {
    Clients c;
    auto client = c.acronis();
    c.fault(c.e.emu.acronis_port(), R"({"route": "POST /api/2/tenants", "kind": "apply_then_drop"})");
    CHECK_THROWS_AS(client.create_tenant(NewTenant{"Late Ltd", "", "acpsa:psa-customer:77", std::nullopt}), OutcomeUnknownError);
    auto found = client.find_tenant_by_tag("acpsa:psa-customer:77");
    REQUIRE(found);
    CHECK(found->name == "Late Ltd");

    c.fault(c.e.emu.acronis_port(), R"({"route": "POST /api/2/tenants", "kind": "drop"})");
    CHECK_THROWS_AS(client.create_tenant(NewTenant{"Never Ltd", "", "acpsa:psa-customer:78", std::nullopt}), OutcomeUnknownError);
    CHECK_FALSE(client.find_tenant_by_tag("acpsa:psa-customer:78").has_value());

    c.fault(c.e.emu.acronis_port(), R"({"route": "POST /api/2/users", "kind": "500"})");
    CHECK_THROWS_AS(client.create_user(found->id, "LateAdmin", {"l@late.example", "", ""}), OutcomeUnknownError);
    c.fault(c.e.emu.acronis_port(), R"({"route": "POST /api/2/tenants", "kind": "429"})");
    CHECK(client.create_tenant(NewTenant{"Throttled Ltd", "", "acpsa:psa-customer:79", std::nullopt}).name == "Throttled Ltd");
}

TEST_CASE("acronis client: plain http to a host that is not loopback is refused", "[client][acronis]") {
    CHECK_THROWS_AS(HttpEndpoint("acpsa.acronis.url", "http://eu2-cloud.acronis.com", {}), std::invalid_argument);
    CHECK_NOTHROW(HttpEndpoint("acpsa.acronis.url", "http://[::1]:9101", {}));
    CHECK(is_loopback_host("127.1.2.3"));
    CHECK_FALSE(is_loopback_host("10.0.0.1"));
}
