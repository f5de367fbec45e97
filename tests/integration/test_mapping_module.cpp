// The mapping module through the admin API, with the real host and module against the emulator
// seeded with config/demo/seed.json.

#include "product_fixture.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using producttest::find;
using producttest::Product;

namespace {

Poco::JSON::Object::Ptr row(Product& p, const std::string& id) {
    auto items = p.get("/api/mapping/customers?limit=1000")->getArray("items");
    auto item = find(items, "psa_customer_id", id);
    REQUIRE(item);
    return item;
}

std::vector<std::string> names(const Poco::JSON::Array::Ptr& items, const std::string& key = "name") {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items->size(); ++i) out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>(key));
    return out;
}

std::string map_body(const std::string& tenant) { return R"({"tenant_id": ")" + tenant + R"("})"; }

}  // namespace

TEST_CASE("mapping: the customer list shows every PSA customer with its status, searchable, filtered, sorted",
          "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    auto all = p.get("/api/mapping/customers?limit=1000");
    CHECK(all->getValue<int>("total") == 12);
    auto de = row(p, "1001");
    CHECK(de->getValue<std::string>("name") == "DE Telecom Gmbh");
    CHECK(de->getValue<std::string>("psa_status") == "No Relationship");
    CHECK(de->getValue<std::string>("mapping") == "not_mapped");
    CHECK(de->isNull("tenant_id"));
    CHECK(de->isNull("tenant_name"));
    CHECK(de->isNull("error"));

    CHECK(names(p.get("/api/mapping/customers?search=TEL")->getArray("items")) == std::vector<std::string>{"DE Telecom Gmbh"});
    CHECK(p.get("/api/mapping/customers?psa_status=no%20relationship")->getValue<int>("total") == 2);
    auto desc = names(p.get("/api/mapping/customers?sort=name&order=desc&limit=2")->getArray("items"));
    CHECK(desc == std::vector<std::string>{"Wilbur", "Test Customer"});
    auto paged = p.get("/api/mapping/customers?offset=10&limit=5");
    CHECK(paged->getArray("items")->size() == 2);
    CHECK(paged->getValue<int>("total") == 12);

    for (const char* bad : {"sort=colour", "order=up", "mapping=maybe", "reload=yes", "limit=0"}) {
        auto reply = p.call("GET", std::string("/api/mapping/customers?") + bad);
        CHECK(reply.status == 422);
        CHECK(p.error_code(reply) == "invalid_value");
    }
}

TEST_CASE("mapping: map to an existing tenant, and every refusal", "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    const std::string de_tenant = p.tenant_id("DE Telecom Gmbh");
    auto mapped = p.call("POST", "/api/mapping/customers/1001/map", map_body(de_tenant));
    REQUIRE(mapped.status == 200);
    CHECK(mapped.json()->getValue<std::string>("mapping") == "mapped");
    CHECK(mapped.json()->getValue<std::string>("tenant_name") == "DE Telecom Gmbh");
    CHECK(p.activity("mapping_created")->size() == 1);

    auto same_tenant = p.call("POST", "/api/mapping/customers/1002/map", map_body(de_tenant));
    CHECK(same_tenant.status == 409);
    CHECK(p.error_code(same_tenant) == "conflict");
    auto already = p.call("POST", "/api/mapping/customers/1001/map", map_body(p.tenant_id("Blah")));
    CHECK(already.status == 409);
    auto self_service = p.call("POST", "/api/mapping/customers/1010/map", map_body(p.tenant_id("Fabrikam (self-service)")));
    CHECK(self_service.status == 422);
    CHECK(p.error_code(self_service) == "not_manageable");
    CHECK(p.call("POST", "/api/mapping/customers/1011/map", map_body(p.tenant_id("Litware (disabled)"))).status == 422);
    auto unknown_tenant = p.call("POST", "/api/mapping/customers/1002/map", map_body("00000000-0000-4000-8000-00000000dead"));
    CHECK(unknown_tenant.status == 404);
    CHECK(p.error_code(unknown_tenant) == "not_found");
    CHECK(p.call("POST", "/api/mapping/customers/4242/map", map_body(de_tenant)).status == 404);

    auto malformed = p.call("POST", "/api/mapping/customers/1002/map", "{");
    CHECK(malformed.status == 400);
    CHECK(p.error_code(malformed) == "malformed_json");
    auto wrong_type = p.call("POST", "/api/mapping/customers/1002/map", R"({"tenant_id": 5})");
    CHECK(wrong_type.status == 400);
    CHECK(p.error_code(wrong_type) == "invalid_type");
    auto missing = p.call("POST", "/api/mapping/customers/1002/map", "{}");
    CHECK(missing.status == 422);
    CHECK(missing.json()->getObject("error")->getValue<std::string>("field") == "tenant_id");
    CHECK(p.call("POST", "/api/mapping/customers/1002/map", R"({"tenant_id": "x", "extra": 1})").status == 422);

    auto tenants = p.get("/api/mapping/tenants")->getArray("items");
    auto de = find(tenants, "id", de_tenant);
    REQUIRE(de);
    CHECK(de->getValue<std::string>("mapped_to") == "1001");
    auto fabrikam = find(tenants, "name", "Fabrikam (self-service)");
    CHECK_FALSE(fabrikam->getValue<bool>("manageable"));
    CHECK(fabrikam->getValue<std::string>("reason").find("self-service") != std::string::npos);
    auto available = p.get("/api/mapping/tenants?available=true")->getArray("items");
    CHECK_FALSE(find(available, "id", de_tenant));
    CHECK_FALSE(find(available, "name", "Litware (disabled)"));
    CHECK(find(available, "name", "Blah"));

    auto unlinked = p.call("DELETE", "/api/mapping/customers/1001/map");
    REQUIRE(unlinked.status == 200);
    CHECK(unlinked.json()->getValue<std::string>("mapping") == "not_mapped");
    CHECK(p.activity("mapping_removed")->size() == 1);
    CHECK(p.call("POST", "/api/mapping/customers/1002/map", map_body(de_tenant)).status == 200);  // free again
    CHECK(p.call("DELETE", "/api/mapping/customers/4242/map").status == 404);
}

TEST_CASE("mapping: a mapping fails when its tenant turns self-service or is deleted, and holds again",
          "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    const std::string blah = p.tenant_id("Blah");
    REQUIRE(p.call("POST", "/api/mapping/customers/1002/map", map_body(blah)).status == 200);

    p.acronis_control("PATCH", "/_emulator/tenants/" + blah, R"({"ancestral_access": false})");
    CHECK(p.run("mapping") == "ok");
    auto failed = row(p, "1002");
    CHECK(failed->getValue<std::string>("mapping") == "failed");
    CHECK(failed->getValue<std::string>("error").find("self-service") != std::string::npos);
    CHECK(p.activity("mapping_failed")->size() == 1);

    p.acronis_control("PATCH", "/_emulator/tenants/" + blah, R"({"ancestral_access": true})");
    CHECK(p.run("mapping") == "ok");
    CHECK(row(p, "1002")->getValue<std::string>("mapping") == "mapped");
    CHECK(row(p, "1002")->isNull("error"));
    CHECK(p.activity("mapping_restored")->size() == 1);

    p.acronis_control("PATCH", "/_emulator/tenants/" + blah, R"({"deleted": true})");
    p.run("mapping");
    CHECK(row(p, "1002")->getValue<std::string>("error") == "the tenant was deleted");
    auto remap = p.call("POST", "/api/mapping/customers/1002/map", map_body(p.tenant_id("Bobs Fine Shoes")));
    CHECK(remap.status == 409);  // unlink first
}

TEST_CASE("mapping: a customer removed from the PSA stays listed as failed until unlinked", "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    REQUIRE(p.call("POST", "/api/mapping/customers/1001/map", map_body(p.tenant_id("DE Telecom Gmbh"))).status == 200);
    p.psa_control("DELETE", "/_emulator/customers/1001");
    p.run("mapping");
    auto gone = row(p, "1001");
    CHECK(gone->getValue<std::string>("name") == "DE Telecom Gmbh");
    CHECK(gone->getValue<std::string>("mapping") == "failed");
    CHECK(gone->getValue<std::string>("error") == "customer no longer in the PSA");
    CHECK(p.call("DELETE", "/api/mapping/customers/1001/map").status == 200);
    CHECK_FALSE(find(p.get("/api/mapping/customers?limit=1000")->getArray("items"), "psa_customer_id", "1001"));
}

TEST_CASE("mapping: a map that failed upstream shows failed until a reload clears it", "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/faults", {},
                          R"({"route": "GET /api/2/tenants/{id}", "kind": "500", "count": 3})");
    auto failed = p.call("POST", "/api/mapping/customers/1003/map", map_body(p.tenant_id("Bobs Fine Shoes")));
    CHECK(failed.status == 502);
    CHECK(p.error_code(failed) == "upstream_error");
    CHECK(row(p, "1003")->getValue<std::string>("mapping") == "failed");
    auto reloaded = find(p.get("/api/mapping/customers?reload=true&limit=1000")->getArray("items"), "psa_customer_id", "1003");
    CHECK(reloaded->getValue<std::string>("mapping") == "not_mapped");
    CHECK(reloaded->isNull("error"));
    CHECK(p.call("POST", "/api/mapping/customers/1003/map", map_body(p.tenant_id("Bobs Fine Shoes"))).status == 200);
}

TEST_CASE("mapping: Ingram Marketplace proposals with their skips, confirm with one gone stale, dismiss",
          "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    auto proposals = p.get("/api/mapping/marketplace/proposals");
    CHECK(proposals->getValue<bool>("available"));
    CHECK(proposals->isNull("reason"));
    CHECK(proposals->getValue<bool>("wizard_pending"));  // pending after the first cycle that found some
    CHECK(names(proposals->getArray("items"), "psa_customer_name") == std::vector<std::string>{"Konopelski", "Smart Fabrics", "Wilbur"});
    auto wilbur = find(proposals->getArray("items"), "psa_customer_id", "1007");
    CHECK(wilbur->getValue<std::string>("osa_account_id") == "1100244869");
    auto skipped = proposals->getArray("skipped");
    auto self_service = find(skipped, "osa_account_id", "1100244870");
    REQUIRE(self_service);
    CHECK(self_service->getValue<std::string>("reason").find("cannot be managed") != std::string::npos);
    auto twins = find(skipped, "osa_account_id", "1100244872");
    REQUIRE(twins);
    CHECK(twins->getValue<std::string>("reason") == "two tenants carry this account id");
    CHECK(p.get("/api/mapping/marketplace/proposals?search=wil")->getArray("items")->size() == 1);

    // Konopelski is mapped by hand meanwhile: its proposal went stale.
    REQUIRE(p.call("POST", "/api/mapping/customers/1004/map", map_body(p.tenant_id("Konopelski"))).status == 200);
    auto confirmed = p.call("POST", "/api/mapping/marketplace/confirm", R"({"psa_customer_ids": ["1007", "1004", "9999"]})");
    REQUIRE(confirmed.status == 200);
    auto results = confirmed.json()->getArray("results");
    CHECK(find(results, "psa_customer_id", "1007")->getValue<std::string>("outcome") == "mapped");
    CHECK(find(results, "psa_customer_id", "1004")->getValue<std::string>("outcome") == "failed");
    CHECK(find(results, "psa_customer_id", "9999")->getValue<std::string>("error") == "no longer proposed");
    CHECK(row(p, "1007")->getValue<std::string>("mapping") == "mapped");
    CHECK(p.activity("marketplace_confirmed")->size() == 1);
    auto after = p.get("/api/mapping/marketplace/proposals");
    CHECK_FALSE(after->getValue<bool>("wizard_pending"));
    CHECK_FALSE(find(after->getArray("items"), "psa_customer_id", "1007"));

    CHECK(p.call("POST", "/api/mapping/marketplace/dismiss").json()->getValue<bool>("wizard_pending") == false);
    p.run("mapping");
    CHECK_FALSE(p.get("/api/mapping/marketplace/proposals")->getValue<bool>("wizard_pending"));  // nothing new
    // Fabrikam's tenant becomes manageable: a proposal that was not there at the dismiss.
    p.acronis_control("PATCH", "/_emulator/tenants/" + p.tenant_id("Fabrikam (self-service)"), R"({"ancestral_access": true})");
    p.run("mapping");
    auto renewed = p.get("/api/mapping/marketplace/proposals");
    CHECK(renewed->getValue<bool>("wizard_pending"));
    CHECK(find(renewed->getArray("items"), "psa_customer_id", "1010"));
    CHECK(p.activity("marketplace_dismissed")->size() == 1);

    CHECK(p.call("POST", "/api/mapping/marketplace/confirm", R"({"psa_customer_ids": "1010"})").status == 400);
    CHECK(p.call("POST", "/api/mapping/marketplace/confirm", R"({})").status == 422);
}

TEST_CASE("mapping: map to new needs the provisioning module, connection checks both sides", "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.start();
    auto refused = p.call("POST", "/api/mapping/customers/1008/map-new");
    CHECK(refused.status == 503);
    CHECK(p.error_code(refused) == "unavailable");
    auto connection = p.get("/api/mapping/connection");
    CHECK(connection->getObject("acronis")->getValue<bool>("ok"));
    CHECK(connection->getObject("acronis")->getValue<std::string>("partner_tenant_id") == "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f");
    CHECK(connection->getObject("psa")->getValue<bool>("ok"));
    CHECK(connection->getObject("psa")->isNull("message"));
}

TEST_CASE("mapping: a wrong PSA key shows in the connection check without the key", "[mapping][integration]") {
    Product p(producttest::demo_seed(), "mapping");
    p.config->setString("acpsa.psa.api_key", "Wrong-Key-0001");
    p.start();
    auto psa = p.get("/api/mapping/connection")->getObject("psa");
    CHECK_FALSE(psa->getValue<bool>("ok"));
    CHECK(psa->getValue<std::string>("message").find("401") != std::string::npos);
    CHECK(psa->getValue<std::string>("message").find("Wrong-Key-0001") == std::string::npos);
    // The first cycle could not read the PSA: nothing to list yet.
    auto unavailable = p.call("GET", "/api/mapping/customers");
    CHECK(unavailable.status == 503);
    CHECK(p.error_code(unavailable) == "unavailable");
    auto health = testsupport::http(p.port, "GET", "/api/health").json();
    CHECK(health->getValue<std::string>("status") == "degraded");
}

TEST_CASE("mapping: a cycle costs one request per page and nothing per customer", "[mapping][integration]") {
    // 250 PSA customers and 250 customer tenants.
    std::ostringstream seed;
    seed << R"({"acronis": {"clients": [{"client_id": "5e7d0c1a-7b3e-4c55-9a0d-3f1e2d4c5b6a", "client_secret": "demo-client-secret",
             "tenant_id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f"}], "tenants": [
             {"id": "00000000-0000-4000-8000-000000000001", "name": "Root", "kind": "root"},
             {"id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f", "name": "Partner", "kind": "partner", "parent_id": "00000000-0000-4000-8000-000000000001"})";
    for (int i = 0; i < 250; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", 1000 + i);
        seed << R"(, {"id": ")" << id << R"(", "name": "Tenant )" << i << R"(", "kind": "customer", "parent_id": "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f",
                 "customer_id": "osa_account_id=)" << (5000 + i) << R"("})";
    }
    seed << R"(]}, "psa": {"api_keys": ["demo-psa-api-key"], "customers": [)";
    for (int i = 0; i < 250; ++i) seed << (i ? "," : "") << R"({"Id": )" << (2000 + i) << R"(, "CompanyName": "Customer )" << i << R"("})";
    seed << R"(], "links": [)";
    for (int i = 0; i < 250; ++i)
        seed << (i ? "," : "") << R"({"CustomerId": )" << (2000 + i) << R"(, "ExternalSystem": "CMP", "ExternalId": ")" << (5000 + i) << R"("})";
    seed << R"(], "ticket_statuses": [{"Id": 1, "Name": "New", "IsDefault": true}]}})";

    Product p(seed.str(), "mapping");
    p.start();
    testsupport::http_raw(p.emu.acronis_port(), "POST", "/_emulator/stats/reset", {});
    testsupport::http_raw(p.emu.psa_port(), "POST", "/_emulator/stats/reset", {});
    REQUIRE(p.run("mapping") == "ok");
    auto acronis = p.requests(p.emu.acronis_port());
    auto psa = p.requests(p.emu.psa_port());
    // ceil(250 / 100) tenant pages; ceil(250 / 500) customer pages; one linked-customer page.
    CHECK(acronis->getValue<int>("GET /api/2/tenants") == 3);
    CHECK(psa->getValue<int>("GET /webapi/{ver}/companies/getcustomers") == 1);
    CHECK(psa->getValue<int>("GET /webapi/{ver}/externalsystems/getlinkedcustomers") == 1);
    int other = 0;
    for (const auto& [route, count] : *acronis)
        if (route != "GET /api/2/tenants" && route != "POST /api/2/idp/token") other += count.convert<int>();
    CHECK(other == 0);
    CHECK(psa->size() == 2);
    CHECK(p.get("/api/mapping/marketplace/proposals")->getArray("items")->size() == 250);
}
