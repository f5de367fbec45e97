// The provisioning module through the admin API: settings, "map to new" end to end for every
// settings combination, every failure a partner can act on, and resumption after crashes and lost
// answers without a second tenant or user.

#include "product_fixture.hpp"

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/acronis_settings.hpp"

#include <Poco/ConsoleChannel.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

using producttest::find;
using producttest::Product;

namespace {

const std::string kPassword = "Very-Secret-9";

/// The demo seed with one more PSA customer (no tenant), e.g. a name no login can come from.
std::string seed_with_customer(int id, const std::string& name) {
    auto seed = Poco::JSON::Parser().parse(producttest::demo_seed()).extract<Poco::JSON::Object::Ptr>();
    Poco::JSON::Object::Ptr customer = new Poco::JSON::Object;
    customer->set("Id", id);
    customer->set("CompanyName", name);
    seed->getObject("psa")->getArray("customers")->add(customer);
    std::ostringstream out;
    seed->stringify(out);
    return out.str();
}

/// Tenants carrying the integration's tag for `customer`, from the emulator's state.
std::vector<Poco::JSON::Object::Ptr> tagged_tenants(Product& p, const std::string& customer) {
    std::vector<Poco::JSON::Object::Ptr> found;
    auto tenants = p.acronis_control("GET", "/_emulator/state").json()->getArray("tenants");
    for (std::size_t i = 0; i < tenants->size(); ++i) {
        auto t = tenants->getObject(static_cast<unsigned>(i));
        if (!t->isNull("internal_tag") && t->getValue<std::string>("internal_tag") == "acpsa:psa-customer:" + customer)
            found.push_back(t);
    }
    return found;
}

std::vector<Poco::JSON::Object::Ptr> users_of(Product& p, const std::string& tenant) {
    std::vector<Poco::JSON::Object::Ptr> found;
    auto users = p.acronis_control("GET", "/_emulator/state").json()->getArray("users");
    for (std::size_t i = 0; i < users->size(); ++i) {
        auto u = users->getObject(static_cast<unsigned>(i));
        if (u->getValue<std::string>("tenant_id") == tenant) found.push_back(u);
    }
    return found;
}

Poco::JSON::Object::Ptr job_of(Product& p, const std::string& customer) {
    auto job = find(p.get("/api/provisioning/jobs")->getArray("items"), "psa_customer_id", customer);
    REQUIRE(job);
    return job;
}

Poco::JSON::Object::Ptr mapping_row(Product& p, const std::string& customer) {
    auto row = find(p.get("/api/mapping/customers?limit=1000")->getArray("items"), "psa_customer_id", customer);
    REQUIRE(row);
    return row;
}

void put_settings(Product& p, const std::string& body) {
    auto reply = p.call("PUT", "/api/provisioning/settings", body);
    INFO(reply.body);
    REQUIRE(reply.status == 200);
}

/// Map to new, then the provisioning cycle (map-new already asked for one; this one waits for it).
void provision(Product& p, const std::string& customer) {
    auto started = p.call("POST", "/api/mapping/customers/" + customer + "/map-new");
    INFO(started.body);
    REQUIRE(started.status == 202);
    CHECK(started.json()->getValue<std::string>("mapping") == "provisioning");
    CHECK_FALSE(started.json()->getValue<std::string>("job_id").empty());
    p.run("provisioning");
}

}  // namespace

TEST_CASE("provisioning settings: defaults, partial updates, every refusal saves nothing", "[provisioning][integration]") {
    Product p(producttest::demo_seed(), "mapping, provisioning");
    p.start();
    auto defaults = p.get("/api/provisioning/settings");
    CHECK(defaults->getValue<std::string>("create_accounts_based_on") == "primary_contact");
    CHECK(defaults->isNull("activation_email"));
    CHECK(defaults->getValue<std::string>("password_mode") == "activation_email");
    CHECK_FALSE(defaults->getValue<bool>("password_set"));
    CHECK_FALSE(defaults->getValue<bool>("two_factor"));

    auto refuse = [&](const std::string& body, int status, const std::string& field) {
        auto reply = p.call("PUT", "/api/provisioning/settings", body);
        INFO(body << " → " << reply.body);
        CHECK(reply.status == status);
        CHECK(reply.json()->getObject("error")->getValue<std::string>("field") == field);
        CHECK(reply.body.find(kPassword) == std::string::npos);
    };
    refuse(R"({"create_accounts_based_on": "company_name"})", 422, "activation_email");
    refuse(R"({"create_accounts_based_on": "contact"})", 422, "create_accounts_based_on");
    refuse(R"({"activation_email": "not-an-address"})", 422, "activation_email");
    refuse(R"({"password_mode": "manual"})", 422, "password");
    refuse(R"({"password_mode": "manual", "password": "weak"})", 422, "password");
    refuse(R"({"two_factor": "yes"})", 400, "two_factor");
    refuse(R"({"two_factor": true, "colour": "red"})", 422, "colour");
    CHECK_FALSE(p.get("/api/provisioning/settings")->getValue<bool>("two_factor"));  // all or nothing

    put_settings(p, R"({"password_mode": "manual", "password": ")" + kPassword + R"("})");
    auto saved = p.call("PUT", "/api/provisioning/settings", R"({"two_factor": true})");
    CHECK(saved.json()->getValue<bool>("password_set"));
    CHECK(saved.json()->getValue<bool>("two_factor"));
    CHECK(saved.json()->getValue<std::string>("password_mode") == "manual");
    CHECK(saved.body.find(kPassword) == std::string::npos);
    CHECK_FALSE(saved.json()->has("password"));
    auto changes = p.activity("settings_changed");
    REQUIRE(changes->size() == 2);
    CHECK(changes->getObject(1)->getValue<std::string>("message").find("password") != std::string::npos);
    CHECK(p.get("/api/activity?limit=1000")->getArray("items")->size() > 0);
    CHECK(p.call("GET", "/api/activity?limit=1000").body.find(kPassword) == std::string::npos);
    CHECK(p.call("PUT", "/api/provisioning/settings", "[]").status == 400);
}

TEST_CASE("provisioning: map to new works end to end for every settings combination", "[provisioning][integration]") {
    for (const bool company_name : {false, true})
        for (const bool manual : {false, true})
            for (const bool two_factor : {false, true}) {
                DYNAMIC_SECTION("company_name=" << company_name << " manual=" << manual << " 2fa=" << two_factor) {
                    Product p(producttest::demo_seed(), "mapping, provisioning");
                    p.start();
                    std::string settings = std::string(R"({"two_factor": )") + (two_factor ? "true" : "false");
                    if (company_name) settings += R"(, "create_accounts_based_on": "company_name", "activation_email": "msp@contoso.example")";
                    if (manual) settings += R"(, "password_mode": "manual", "password": ")" + kPassword + "\"";
                    put_settings(p, settings + "}");
                    provision(p, "1008");  // Contoso Ltd: primary contact Ada Lovelace, ada@contoso.example

                    auto job = job_of(p, "1008");
                    INFO((job->isNull("error") ? std::string("no error") : job->getValue<std::string>("error")));
                    CHECK(job->getValue<std::string>("state") == "done");
                    CHECK(job->getValue<std::string>("step") == "done");
                    auto tenants = tagged_tenants(p, "1008");
                    REQUIRE(tenants.size() == 1);
                    const auto tenant = tenants[0];
                    CHECK(tenant->getValue<std::string>("name") == "Contoso Ltd");
                    CHECK(tenant->getValue<std::string>("mfa_status") == (two_factor ? "enabled" : "disabled"));
                    auto users = users_of(p, tenant->getValue<std::string>("id"));
                    REQUIRE(users.size() == 1);
                    const auto user = users[0];
                    auto contact = user->getObject("contact");
                    if (company_name) {
                        CHECK(user->getValue<std::string>("login") == "ContosoLtd");
                        CHECK(contact->getValue<std::string>("email") == "msp@contoso.example");
                        CHECK(contact->getValue<std::string>("firstname").empty());
                    } else {
                        CHECK(user->getValue<std::string>("login") == "AdaLovelace");
                        CHECK(contact->getValue<std::string>("email") == "ada@contoso.example");
                        CHECK(contact->getValue<std::string>("firstname") == "Ada");
                        CHECK(contact->getValue<std::string>("lastname") == "Lovelace");
                    }
                    CHECK(user->getArray("access_policies")->getObject(0)->getValue<std::string>("role_id") == "company_admin");
                    CHECK(user->getValue<int>("activation_emails_sent") == (manual ? 0 : 1));
                    CHECK(user->getValue<bool>("password_set") == manual);
                    auto row = mapping_row(p, "1008");
                    CHECK(row->getValue<std::string>("mapping") == "mapped");
                    CHECK(row->getValue<std::string>("tenant_id") == tenant->getValue<std::string>("id"));
                    CHECK(p.activity("provisioning_done")->size() == 1);
                }
            }
}

TEST_CASE("provisioning: failures a partner can act on turn the mapping failed", "[provisioning][integration]") {
    Product p(seed_with_customer(1013, "李小龙"), "mapping, provisioning");
    p.start();
    provision(p, "1012");  // Tailspin Toys: no contacts at all
    CHECK(job_of(p, "1012")->getValue<std::string>("error").find("has no primary contact") != std::string::npos);
    provision(p, "1009");  // Northwind Traders: primary contact without e-mail
    CHECK(job_of(p, "1009")->getValue<std::string>("error").find("has no e-mail address") != std::string::npos);
    auto row = mapping_row(p, "1009");
    CHECK(row->getValue<std::string>("mapping") == "failed");
    CHECK(row->getValue<std::string>("error").find("no e-mail address") != std::string::npos);
    CHECK(p.activity("provisioning_failed")->size() == 2);

    put_settings(p, R"({"create_accounts_based_on": "company_name", "activation_email": "msp@example.com"})");
    provision(p, "1013");
    CHECK(job_of(p, "1013")->getValue<std::string>("error").find("cannot derive a valid login") != std::string::npos);
    provision(p, "1001");  // DE Telecom Gmbh: a tenant of that name exists
    auto conflict = job_of(p, "1001");
    CHECK(conflict->getValue<std::string>("error").find("already exists under the partner") != std::string::npos);
    CHECK(conflict->getValue<std::string>("step") == "create_tenant");

    // A reload clears failed actions; a second map-new then starts afresh.
    CHECK(find(p.get("/api/mapping/customers?reload=true&limit=1000")->getArray("items"), "psa_customer_id", "1009")
              ->getValue<std::string>("mapping") == "not_mapped");
}

TEST_CASE("provisioning: a taken login fails the job, and a tenant already created is named", "[provisioning][integration]") {
    Product p(producttest::demo_seed(), "mapping, provisioning");
    p.start();
    samplehost::ManualClock clock(std::chrono::system_clock::now());
    acpsa::core::AcronisClient acronis(acpsa::core::parse_acronis_settings(*p.config), clock, Poco::Logger::get("test.acronis"));
    // Someone else's account already uses the login Contoso's administrator would get.
    acronis.create_user(p.tenant_id("Blah"), "AdaLovelace", {"someone@blah.example", "", ""});
    provision(p, "1008");
    auto early = job_of(p, "1008");
    CHECK(early->getValue<std::string>("state") == "failed");
    CHECK(early->getValue<std::string>("step") == "check_login");
    CHECK(early->getValue<std::string>("error").find("login AdaLovelace is taken") != std::string::npos);
    CHECK(tagged_tenants(p, "1008").empty());  // checked before anything was created

    // The login is taken between the tenant and the user: the tenant is named, not left silently.
    p.call("GET", "/api/mapping/customers?reload=true");
    put_settings(p, R"({"create_accounts_based_on": "company_name", "activation_email": "msp@example.com"})");
    testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/faults", {},
                          R"({"route": "POST /api/2/users", "kind": "503", "count": 100})");
    provision(p, "1008");
    auto waiting = find(p.get("/api/provisioning/jobs?state=running")->getArray("items"), "psa_customer_id", "1008");
    REQUIRE(waiting);
    CHECK(waiting->getValue<std::string>("step") == "create_user");
    testsupport::http_raw(p.emu.acronis_port(), "DELETE", "/_emulator/faults", {});
    acronis.create_user(p.tenant_id("Bobs Fine Shoes"), "ContosoLtd", {"other@bobs.example", "", ""});
    p.run("provisioning");
    auto late = find(p.get("/api/provisioning/jobs?state=failed")->getArray("items"), "job_id", waiting->getValue<std::string>("job_id"));
    REQUIRE(late);
    const std::string error = late->getValue<std::string>("error");
    CHECK(error.find("login ContosoLtd is taken") != std::string::npos);
    CHECK(error.find("tenant Contoso Ltd") != std::string::npos);
    CHECK(error.find("left in place") != std::string::npos);
    CHECK(tagged_tenants(p, "1008").size() == 1);
}

TEST_CASE("provisioning: a tenant provisioned while a mapping cycle reads the lists is not declared deleted",
          "[provisioning][mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping, provisioning");
    p.start();
    // The mapping cycle reads tenants, then pauses on the linked-customer list: the job runs then.
    p.psa_control("POST", "/_emulator/faults",
                  R"({"route": "GET /webapi/{ver}/externalsystems/getlinkedcustomers", "kind": "slow", "delay_ms": 1500})");
    testsupport::HttpReply cycle;
    std::thread mapping([&] { cycle = testsupport::http(p.port, "POST", "/api/modules/mapping/run", producttest::kAdminToken, ""); });
    REQUIRE(testsupport::eventually([&] {
        auto faults = p.psa_control("GET", "/_emulator/faults").json()->getArray("faults");
        return faults->size() == 0;  // taken: the cycle is inside the slow call
    }));
    provision(p, "1008");
    mapping.join();
    REQUIRE(cycle.status == 200);
    CHECK(job_of(p, "1008")->getValue<std::string>("state") == "done");
    CHECK(mapping_row(p, "1008")->getValue<std::string>("mapping") == "mapped");
    CHECK(p.activity("mapping_failed")->size() == 0);
    CHECK(p.run("mapping") == "ok");  // the next cycle sees the tenant and keeps the mapping
    CHECK(mapping_row(p, "1008")->getValue<std::string>("mapping") == "mapped");
}

TEST_CASE("provisioning: lost answers on every call resume without a second tenant or user", "[provisioning][integration]") {
    Product p(producttest::demo_seed(), "mapping, provisioning");
    p.start();
    put_settings(p, R"({"two_factor": true})");
    for (const char* route : {"POST /api/2/tenants", "PUT /api/2/tenants/{id}/mfa/status", "POST /api/2/users",
                              "PUT /api/2/users/{id}/access_policies", "POST /api/2/users/{id}/send-activation-email"})
        testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/faults", {},
                              std::string(R"({"route": ")") + route + R"(", "kind": "apply_then_drop"})");
    provision(p, "1008");
    for (int i = 0; i < 3 && job_of(p, "1008")->getValue<std::string>("state") == "running"; ++i) p.run("provisioning");
    auto job = job_of(p, "1008");
    INFO((job->isNull("error") ? std::string("no error") : job->getValue<std::string>("error")));
    CHECK(job->getValue<std::string>("state") == "done");
    auto tenants = tagged_tenants(p, "1008");
    REQUIRE(tenants.size() == 1);
    CHECK(tenants[0]->getValue<std::string>("mfa_status") == "enabled");
    auto users = users_of(p, tenants[0]->getValue<std::string>("id"));
    REQUIRE(users.size() == 1);
    // The lost answer hides whether it went out: sent once more, never more than that (§6.2).
    CHECK(users[0]->getValue<int>("activation_emails_sent") == 2);
    CHECK(mapping_row(p, "1008")->getValue<std::string>("mapping") == "mapped");
}

TEST_CASE("provisioning: nothing changes for a customer while its job runs", "[provisioning][integration]") {
    Product p(producttest::demo_seed(), "mapping, provisioning");
    p.start();
    // Tenant creation keeps failing: the job waits at create_tenant.
    testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/faults", {},
                          R"({"route": "POST /api/2/tenants", "kind": "503", "count": 100})");
    provision(p, "1008");
    auto job = job_of(p, "1008");
    CHECK(job->getValue<std::string>("state") == "running");
    CHECK(job->getValue<std::string>("step") == "create_tenant");
    CHECK(mapping_row(p, "1008")->getValue<std::string>("mapping") == "provisioning");
    CHECK(p.call("DELETE", "/api/mapping/customers/1008/map").status == 409);
    CHECK(p.call("POST", "/api/mapping/customers/1008/map", R"({"tenant_id": ")" + p.tenant_id("Blah") + R"("})").status == 409);
    CHECK(p.call("POST", "/api/mapping/customers/1008/map-new").status == 409);
    CHECK(p.get("/api/provisioning/jobs?state=running")->getValue<int>("total") == 1);
    CHECK(p.call("GET", "/api/provisioning/jobs?state=sleeping").status == 422);
    testsupport::http_raw(p.emu.acronis_port(), "DELETE", "/_emulator/faults", {});
    p.run("provisioning");
    CHECK(job_of(p, "1008")->getValue<std::string>("state") == "done");
}

TEST_CASE("provisioning: a crash between any two steps resumes with one tenant and one user", "[provisioning][integration]") {
    for (const char* point : {"provisioning.after_check_login", "provisioning.after_create_tenant", "provisioning.after_enable_2fa",
                              "provisioning.after_create_user", "provisioning.after_grant_role", "provisioning.after_activate"}) {
        DYNAMIC_SECTION(point) {
            Product p(producttest::demo_seed(), "mapping, provisioning");
            // The real binary, twice, on one state file and one emulator.
            std::ostringstream config;
            for (const auto& key : {"host.plugin_dir", "host.modules", "host.admin.token", "acpsa.acronis.url",
                                    "acpsa.acronis.client_id", "acpsa.acronis.client_secret", "acpsa.psa.site", "acpsa.psa.api_key",
                                    "acpsa.psa.page_delay_ms", "modules.mapping.interval", "modules.provisioning.interval"})
                config << key << " = " << p.config->getString(key) << "\n";
            config << "host.state.database = state.db\nhost.admin.listen = 127.0.0.1:0\nhost.shutdown_timeout_s = 5\n";
            testsupport::write_file(p.dir.file("host.properties"), config.str());
            const std::string binary = std::string(ACPSA_BIN_DIR) + "/sample-host";
            auto port_of = [](testsupport::ChildProcess& child) {
                const std::string line = child.wait_for_line("admin listening on 127.0.0.1:");
                REQUIRE_FALSE(line.empty());
                return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
            };
            {
                testsupport::ChildProcess crashing(binary, {"--config", p.dir.file("host.properties")}, {{"ACPSA_FAILPOINTS", point}});
                p.port = port_of(crashing);
                REQUIRE(testsupport::eventually([&] {  // the first mapping cycle has the customers
                    return p.call("GET", "/api/mapping/customers").status == 200;
                }));
                REQUIRE(p.call("POST", "/api/mapping/customers/1008/map-new").status == 202);
                CHECK(crashing.wait() == 86);  // the failpoint ended it, as a crash would
            }
            testsupport::ChildProcess resumed(binary, {"--config", p.dir.file("host.properties")});
            p.port = port_of(resumed);
            REQUIRE(testsupport::eventually([&] {
                auto reply = p.call("GET", "/api/provisioning/jobs?state=done");
                return reply.status == 200 && reply.json()->getValue<int>("total") == 1;
            }));
            auto tenants = tagged_tenants(p, "1008");
            REQUIRE(tenants.size() == 1);
            CHECK(users_of(p, tenants[0]->getValue<std::string>("id")).size() == 1);
            CHECK(mapping_row(p, "1008")->getValue<std::string>("mapping") == "mapped");
            resumed.signal(SIGTERM);
            CHECK(resumed.wait() == 0);
        }
    }
}

TEST_CASE("provisioning: a vendor error that echoes the manual password back never shows it", "[provisioning][integration]") {
    Product p(producttest::demo_seed(), "mapping, provisioning");
    p.start();
    put_settings(p, R"({"password_mode": "manual", "password": ")" + kPassword + R"("})");
    // No "password=" before it: only the module's own scrubbing can hide it.
    REQUIRE(p.acronis_control("POST", "/_emulator/faults",
                              R"({"route": "POST /api/2/users/{id}/password", "kind": "400", "message": "the password )" +
                                  kPassword + R"( is too weak for this tenant"})")
                .status == 201);
    provision(p, "1008");
    auto job = job_of(p, "1008");
    CHECK(job->getValue<std::string>("state") == "failed");
    CHECK(job->getValue<std::string>("error").find("is too weak for this tenant") != std::string::npos);
    for (const char* path : {"/api/provisioning/jobs", "/api/activity?limit=1000", "/api/mapping/customers?limit=1000",
                             "/api/health"})
        CHECK(p.call("GET", path).body.find(kPassword) == std::string::npos);
}

TEST_CASE("provisioning: no secret (manual password, client secret, API key, admin token) reaches a log line or a response",
          "[provisioning][integration]") {
    // The product fixture's credentials, and the Basic authorization the token request carries.
    const std::vector<std::string> secrets = {kPassword, "demo-client-secret", "demo-psa-api-key", producttest::kAdminToken,
                                              "NWU3ZDBjMWEtN2IzZS00YzU1LTlhMGQtM2YxZTJkNGM1YjZhOmRlbW8tY2xpZW50LXNlY3JldA=="};
    Poco::AutoPtr<testsupport::CapturingChannel> lines(new testsupport::CapturingChannel);
    Poco::Logger::root().setChannel(lines);  // loggers made later inherit it
    Poco::Logger::root().setLevel(Poco::Message::PRIO_TRACE);
    Poco::Logger::setChannel("", lines);  // and every logger made earlier
    Poco::Logger::setLevel("", Poco::Message::PRIO_TRACE);
    {
        Product p(producttest::demo_seed(), "mapping, provisioning");
        p.start();
        put_settings(p, R"({"password_mode": "manual", "password": ")" + kPassword + R"("})");
        provision(p, "1008");
        CHECK(job_of(p, "1008")->getValue<std::string>("state") == "done");
        for (const char* path : {"/api/provisioning/settings", "/api/provisioning/jobs", "/api/activity?limit=1000",
                                 "/api/mapping/customers?limit=1000", "/api/health"})
            for (const auto& secret : secrets) CHECK(p.call("GET", path).body.find(secret) == std::string::npos);
    }
    Poco::Logger::setChannel("", new Poco::ConsoleChannel);
    Poco::Logger::setLevel("", Poco::Message::PRIO_INFORMATION);
    REQUIRE_FALSE(lines->lines().empty());
    for (const auto& line : lines->lines())
        for (const auto& secret : secrets) CHECK(line.find(secret) == std::string::npos);
}
