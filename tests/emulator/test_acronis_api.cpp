// Contract tests of the Acronis emulator against docs/acronis-api.md.

#include "emulator_fixture.hpp"

#include <catch2/catch.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include <ctime>
#include <set>

using emutest::Emu;
using testsupport::http_raw;

namespace {

std::vector<std::string> tenant_names(const Poco::JSON::Object::Ptr& page) {
    std::vector<std::string> names;
    auto items = page->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i)
        names.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
    return names;
}

std::string next_cursor(const Poco::JSON::Object::Ptr& page) {
    auto cursors = page->getObject("paging")->getObject("cursors");
    return cursors->has("after") ? cursors->getValue<std::string>("after") : "";
}

std::int64_t ns_of(const std::string& rfc3339) {
    // 2026-11-26T10:00:00.123Z → seconds via Poco, fraction padded to 9 digits.
    const auto dot = rfc3339.find('.');
    const std::string whole = rfc3339.substr(0, dot == std::string::npos ? rfc3339.size() - 1 : dot);
    std::string fraction = dot == std::string::npos ? "" : rfc3339.substr(dot + 1, rfc3339.size() - dot - 2);
    fraction.resize(9, '0');
    int tz = 0;
    Poco::DateTime parsed;
    Poco::DateTimeParser::parse("%Y-%m-%dT%H:%M:%S", whole, parsed, tz);
    return parsed.timestamp().epochTime() * 1000000000LL + std::stoll(fraction);
}

}  // namespace

TEST_CASE("acronis token: client credentials, errors in OAuth style", "[emulator][acronis]") {
    Emu e;
    const auto port = e.emu.acronis_port();
    auto good = http_raw(port, "POST", "/api/2/idp/token",
                         {{"Authorization", emutest::basic("client-1", "secret-1")},
                          {"Content-Type", "application/x-www-form-urlencoded"}},
                         "grant_type=client_credentials");
    REQUIRE(good.status == 200);
    auto body = good.json();
    CHECK(body->getValue<std::string>("token_type") == "bearer");
    const auto expires = body->getValue<std::int64_t>("expires_on");
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    CHECK(expires >= now + 7100);
    CHECK(expires <= now + 7300);

    auto wrong = http_raw(port, "POST", "/api/2/idp/token",
                          {{"Authorization", emutest::basic("client-1", "nope")}}, "grant_type=client_credentials");
    CHECK(wrong.status == 401);
    CHECK(wrong.json()->getValue<std::string>("error") == "invalid_client");
    auto grant = http_raw(port, "POST", "/api/2/idp/token",
                          {{"Authorization", emutest::basic("client-1", "secret-1")}}, "grant_type=password");
    CHECK(grant.status == 400);
    CHECK(grant.json()->getValue<std::string>("error") == "unsupported_grant_type");
}

TEST_CASE("acronis auth: missing, wrong and expired tokens get 401 in each API's style", "[emulator][acronis]") {
    Emu e;
    const auto port = e.emu.acronis_port();
    auto none = http_raw(port, "GET", "/api/2/tenants?parent_id=" + emutest::kPartner, {});
    CHECK(none.status == 401);
    CHECK(emutest::am_code(none) == "401");
    auto alerts = http_raw(port, "GET", "/api/alert_manager/v1/alerts", {{"Authorization", "Bearer nope"}});
    CHECK(alerts.status == 401);
    CHECK(alerts.headers["Content-Type"].find("text/plain") == 0);

    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust1).status == 200);
    CHECK(e.control(port, "POST", "/_emulator/tokens/expire").status == 200);
    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust1).status == 401);
    e.token = e.new_token();
    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust1).status == 200);
}

TEST_CASE("acronis tokens expire at expires_on", "[emulator][acronis]") {
    Emu e(1);  // one-second tokens
    const std::string token = e.token;
    REQUIRE(testsupport::eventually([&] { return e.acronis("GET", "/api/2/tenants/" + emutest::kCust1).status == 401; },
                                    std::chrono::seconds(10)));
}

TEST_CASE("acronis clients: the API client record names the partner tenant", "[emulator][acronis]") {
    Emu e;
    auto reply = e.acronis("GET", "/api/2/clients/client-1");
    REQUIRE(reply.status == 200);
    CHECK(reply.json()->getValue<std::string>("tenant_id") == emutest::kPartner);
    CHECK(e.acronis("GET", "/api/2/clients/other").status == 404);
}

TEST_CASE("acronis tenants: children paged by cursor, creation order, filters ignored beside after",
          "[emulator][acronis]") {
    Emu e;
    auto first = e.acronis("GET", "/api/2/tenants?parent_id=" + emutest::kPartner + "&limit=3").json();
    CHECK(tenant_names(first) == std::vector<std::string>{"Alpha", "Beta", "Gamma"});
    std::string cursor = next_cursor(first);
    REQUIRE_FALSE(cursor.empty());
    // The cursor carries the filters: a different parent_id sent with it is ignored.
    auto second = e.acronis("GET", "/api/2/tenants?after=" + testsupport::url_encode(cursor) +
                                       "&limit=3&parent_id=" + emutest::kFolder)
                      .json();
    CHECK(tenant_names(second) == std::vector<std::string>{"Selfie", "Offline", "Folder"});
    // The last page: no `after`, "cursors": {}.
    CHECK(second->getObject("paging")->getObject("cursors")->size() == 0);

    auto one_page = e.acronis("GET", "/api/2/tenants?parent_id=" + emutest::kPartner).json();
    CHECK(tenant_names(one_page).size() == 6);  // deleted Gone hidden, default limit 5000
    CHECK(next_cursor(one_page).empty());
    auto with_deleted = e.acronis("GET", "/api/2/tenants?parent_id=" + emutest::kPartner + "&allow_deleted=true").json();
    CHECK(tenant_names(with_deleted).size() == 7);

    auto self = one_page->getArray("items")->getObject(3);
    CHECK(self->getValue<bool>("ancestral_access") == false);
    CHECK(one_page->getArray("items")->getObject(4)->getValue<bool>("enabled") == false);
    CHECK(one_page->getArray("items")->getObject(0)->getValue<std::string>("customer_id") == "osa_account_id=11");
    CHECK(one_page->getArray("items")->getObject(1)->isNull("customer_id"));
}

TEST_CASE("acronis tenants: subtree mode includes the root and folders' children, filters are exclusive",
          "[emulator][acronis]") {
    Emu e;
    auto subtree = e.acronis("GET", "/api/2/tenants?subtree_root_id=" + emutest::kPartner).json();
    const auto names = tenant_names(subtree);
    CHECK(names.front() == "Partner");
    CHECK(std::find(names.begin(), names.end(), "Deep") != names.end());
    auto both = e.acronis("GET", "/api/2/tenants?parent_id=" + emutest::kPartner + "&subtree_root_id=" + emutest::kPartner);
    CHECK(both.status == 400);
    CHECK(e.acronis("GET", "/api/2/tenants").status == 400);
    auto uuids = e.acronis("GET", "/api/2/tenants?uuids=" + emutest::kCust2 + "," + emutest::kCust3).json();
    CHECK(tenant_names(uuids) == std::vector<std::string>{"Beta", "Gamma"});
    // Outside the client's scope.
    CHECK(e.acronis("GET", "/api/2/tenants?parent_id=" + emutest::kRoot).status == 403);
    CHECK(e.acronis("GET", "/api/2/tenants?limit=0&parent_id=" + emutest::kPartner).status == 400);
}

TEST_CASE("acronis tenants: create validates, keeps internal_tag, refuses name clashes", "[emulator][acronis]") {
    Emu e;
    const std::string body = R"({"name": "Contoso Ltd", "kind": "customer", "parent_id": ")" + emutest::kPartner +
                             R"(", "internal_tag": "acpsa:psa-customer:1008",
                                 "contact": {"email": "ada@contoso.example", "firstname": "Ada", "lastname": "Lovelace"}})";
    auto created = e.acronis("POST", "/api/2/tenants", body);
    REQUIRE(created.status == 201);
    auto tenant = created.json();
    CHECK(tenant->getValue<int>("version") == 1);
    CHECK(tenant->getValue<bool>("enabled"));
    CHECK(tenant->getValue<bool>("ancestral_access"));
    CHECK(tenant->getValue<std::string>("mfa_status") == "disabled");
    CHECK(tenant->getValue<std::string>("internal_tag") == "acpsa:psa-customer:1008");
    CHECK(tenant->isNull("customer_id"));

    auto clash = e.acronis("POST", "/api/2/tenants",
                           R"({"name": "contoso ltd", "kind": "customer", "parent_id": ")" + emutest::kPartner + R"("})");
    CHECK(clash.status == 409);
    CHECK(emutest::am_code(clash) == "1004");
    auto unknown = e.acronis("POST", "/api/2/tenants",
                             R"({"name": "X", "kind": "customer", "parent_id": ")" + emutest::kPartner + R"(", "colour": "red"})");
    CHECK(unknown.status == 400);
    CHECK(e.acronis("POST", "/api/2/tenants", R"({"kind": "customer", "parent_id": ")" + emutest::kPartner + R"("})").status == 400);
    CHECK(e.acronis("POST", "/api/2/tenants",
                    R"({"name": "Y", "kind": "customer", "parent_id": ")" + emutest::kPartner + R"(", "contact": {"firstname": "A"}})")
              .status == 400);
    auto parent_off = e.acronis("POST", "/api/2/tenants",
                                R"({"name": "Z", "kind": "customer", "parent_id": ")" + emutest::kOff + R"("})");
    CHECK(emutest::am_code(parent_off) == "1003");
    auto wrong_type = http_raw(e.emu.acronis_port(), "POST", "/api/2/tenants",
                               {{"Authorization", "Bearer " + e.token}, {"Content-Type", "text/plain"}}, body);
    CHECK(wrong_type.status == 415);
}

TEST_CASE("acronis tenants: get, versioned update, 2FA", "[emulator][acronis]") {
    Emu e;
    auto missing = e.acronis("GET", "/api/2/tenants/00000000-0000-4000-8000-00000000dead");
    CHECK(missing.status == 404);
    CHECK(emutest::am_code(missing) == "1005");
    auto stale = e.acronis("PUT", "/api/2/tenants/" + emutest::kCust2, R"({"version": 7, "customer_id": "x=1"})");
    CHECK(stale.status == 409);
    CHECK(emutest::am_code(stale) == "1001");
    auto updated = e.acronis("PUT", "/api/2/tenants/" + emutest::kCust2, R"({"version": 1, "customer_id": "x=1"})");
    REQUIRE(updated.status == 200);
    CHECK(updated.json()->getValue<int>("version") == 2);
    CHECK(updated.json()->getValue<std::string>("customer_id") == "x=1");

    auto mfa = e.acronis("PUT", "/api/2/tenants/" + emutest::kCust2 + "/mfa/status", R"({"enabled": true})");
    REQUIRE(mfa.status == 200);
    CHECK(mfa.json()->getValue<std::string>("mfa_status") == "enabled");
    CHECK(e.acronis("GET", "/api/2/tenants/" + emutest::kCust2).json()->getValue<std::string>("mfa_status") == "enabled");
    CHECK(e.acronis("PUT", "/api/2/tenants/" + emutest::kFolder + "/mfa/status", R"({"enabled": true})").status == 400);
    CHECK(e.acronis("PUT", "/api/2/tenants/" + emutest::kCust2 + "/mfa/status", R"({"enabled": true, "x": 1})").status == 400);
}

TEST_CASE("acronis users: login check, create, role, activation, password", "[emulator][acronis]") {
    Emu e;
    CHECK(e.acronis("GET", "/api/2/users/check_login?username=AdaLovelace").status == 204);
    CHECK(e.acronis("GET", "/api/2/users/check_login?username=ALPHA-ADMIN").status == 409);  // case-insensitive
    CHECK(e.acronis("GET", "/api/2/users/check_login?username=ab").status == 406);
    CHECK(e.acronis("GET", "/api/2/users/check_login?username=" + testsupport::url_encode("Ada Lovelace")).status == 406);

    auto created = e.acronis("POST", "/api/2/users",
                             R"({"tenant_id": ")" + emutest::kCust2 +
                                 R"(", "login": "AdaLovelace", "contact": {"email": "ada@contoso.example", "firstname": "Ada", "lastname": "Lovelace"}})");
    REQUIRE(created.status == 200);
    const std::string user = created.json()->getValue<std::string>("id");
    CHECK_FALSE(created.json()->getValue<bool>("activated"));
    CHECK(e.acronis("POST", "/api/2/users",
                    R"({"tenant_id": ")" + emutest::kCust2 + R"(", "login": "adalovelace", "contact": {"email": "x@y.z"}})")
              .status == 409);
    CHECK(e.acronis("POST", "/api/2/users",
                    R"({"tenant_id": ")" + emutest::kCust2 + R"(", "login": "Ada Lovelace", "contact": {"email": "x@y.z"}})")
              .status == 400);

    auto users = e.acronis("GET", "/api/2/tenants/" + emutest::kCust2 + "/users").json()->getArray("items");
    REQUIRE(users->size() == 1);
    CHECK(users->getElement<std::string>(0) == user);
    CHECK(e.acronis("GET", "/api/2/users/" + user).json()->getValue<std::string>("login") == "AdaLovelace");

    const std::string policy = R"({"items": [{"id": "00000000-0000-0000-0000-000000000000",
        "issuer_id": "00000000-0000-0000-0000-000000000000", "role_id": "company_admin", "tenant_id": ")" +
                               emutest::kCust2 + R"(", "trustee_id": ")" + user + R"(", "trustee_type": "user", "version": 0}]})";
    auto granted = e.acronis("PUT", "/api/2/users/" + user + "/access_policies", policy);
    REQUIRE(granted.status == 200);
    CHECK(granted.json()->getArray("items")->getObject(0)->getValue<std::string>("role_id") == "company_admin");
    CHECK(e.acronis("PUT", "/api/2/users/00000000-0000-4000-8000-00000000dead/access_policies", policy).status == 404);

    CHECK(e.acronis("POST", "/api/2/users/" + user + "/send-activation-email", "{}").status == 204);
    auto weak = e.acronis("POST", "/api/2/users/" + user + "/password", R"({"password": "password"})");
    CHECK(weak.status == 400);
    CHECK(weak.json()->getObject("error")->getValue<std::string>("message") == "Password is too weak");
    CHECK(e.acronis("POST", "/api/2/users/" + user + "/password", R"({"password": "Str0ng-pass"})").status == 204);

    auto state = e.acronis_state()->getArray("users");
    Poco::JSON::Object::Ptr stored;
    for (std::size_t i = 0; i < state->size(); ++i)
        if (state->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == user)
            stored = state->getObject(static_cast<unsigned>(i));
    REQUIRE(stored);
    CHECK(stored->getValue<int>("activation_emails_sent") == 1);
    CHECK(stored->getValue<bool>("password_set"));
    CHECK(stored->getValue<bool>("activated"));
    CHECK(stored->getArray("access_policies")->size() == 1);
}

TEST_CASE("acronis users: a self-service tenant's users are out of reach (403 / 1002)", "[emulator][acronis]") {
    Emu e;
    auto list = e.acronis("GET", "/api/2/tenants/" + emutest::kSelf + "/users");
    CHECK(list.status == 403);
    CHECK(emutest::am_code(list) == "1002");
    CHECK(e.acronis("POST", "/api/2/users",
                    R"({"tenant_id": ")" + emutest::kSelf + R"(", "login": "SelfAdmin", "contact": {"email": "s@s.example"}})")
              .status == 403);
}

TEST_CASE("acronis alerts: watermark, order, paging, deleted ones, strictly increasing updatedAt",
          "[emulator][acronis]") {
    Emu e;
    std::vector<std::string> raised;
    for (int i = 0; i < 5; ++i) raised.push_back(e.raise(i % 2 ? emutest::kCust2 : emutest::kCust3));
    auto all = e.acronis("GET", "/api/alert_manager/v1/alerts?order=asc(updated_at)&show_deleted=true").json();
    auto items = all->getArray("items");
    REQUIRE(items->size() == 6);  // the seeded Alpha alert + 5; the self-service tenant's one is hidden
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < items->size(); ++i) {
        auto alert = items->getObject(static_cast<unsigned>(i));
        const auto ns = ns_of(alert->getValue<std::string>("updatedAt"));
        CHECK(ns > previous);
        previous = ns;
        CHECK(alert->getObject("tenant")->has("uuid"));
        CHECK_FALSE(alert->has("deletedAt"));
    }
    const auto seeded_ns = ns_of(items->getObject(0)->getValue<std::string>("updatedAt"));

    // Paging with the watermark: every raised alert exactly once, two per page.
    std::vector<std::string> seen;
    std::string query = "/api/alert_manager/v1/alerts?updated_at=gt(" + std::to_string(seeded_ns) +
                        ")&show_deleted=true&order=asc(updated_at)&limit=2";
    std::string cursor;
    int pages = 0;
    do {
        auto page = e.acronis("GET", query + (cursor.empty() ? "" : "&after=" + testsupport::url_encode(cursor))).json();
        auto page_items = page->getArray("items");
        for (std::size_t i = 0; i < page_items->size(); ++i)
            seen.push_back(page_items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
        cursor = next_cursor(page);
        ++pages;
    } while (!cursor.empty() && pages < 10);
    CHECK(seen == raised);
    CHECK(pages == 3);

    // Percent-encoded parentheses parse the same.
    CHECK(e.acronis("GET", "/api/alert_manager/v1/alerts?updated_at=gt%28" + std::to_string(seeded_ns) + "%29")
              .json()->getArray("items")->size() == 5);
    auto by_tenant = e.acronis("GET", "/api/alert_manager/v1/alerts?tenant=or(" + emutest::kCust2 + "," + emutest::kCust1 + ")");
    CHECK(by_tenant.json()->getArray("items")->size() == 3);
    auto desc = e.acronis("GET", "/api/alert_manager/v1/alerts?order=desc(updated_at)&limit=1").json();
    CHECK(desc->getArray("items")->getObject(0)->getValue<std::string>("id") == raised.back());

    CHECK(e.acronis("GET", "/api/alert_manager/v1/alerts?updated_at=after(5)").status == 400);
    CHECK(e.acronis("GET", "/api/alert_manager/v1/alerts?order=asc(name)").status == 400);
    CHECK(e.acronis("GET", "/api/alert_manager/v1/alerts?tenant=nope").status == 400);
    CHECK(e.acronis("GET", "/api/alert_manager/v1/alerts?after=%21%21").status == 400);
}

TEST_CASE("acronis alerts: clear, raise again with the same id, dismiss", "[emulator][acronis]") {
    Emu e;
    const std::string id = e.raise(emutest::kCust2);
    const auto port = e.emu.acronis_port();
    auto find = [&](bool show_deleted) -> Poco::JSON::Object::Ptr {
        auto items = e.acronis("GET", std::string("/api/alert_manager/v1/alerts?show_deleted=") +
                                          (show_deleted ? "true" : "false"))
                         .json()->getArray("items");
        for (std::size_t i = 0; i < items->size(); ++i)
            if (items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == id)
                return items->getObject(static_cast<unsigned>(i));
        return nullptr;
    };
    const auto raised_at = ns_of(find(false)->getValue<std::string>("updatedAt"));

    REQUIRE(e.control(port, "POST", "/_emulator/alerts/" + id + "/clear").status == 200);
    CHECK_FALSE(find(false));  // dismissed alerts need show_deleted
    auto cleared = find(true);
    REQUIRE(cleared);
    CHECK(cleared->has("deletedAt"));
    const auto cleared_at = ns_of(cleared->getValue<std::string>("updatedAt"));
    CHECK(cleared_at > raised_at);

    REQUIRE(e.control(port, "POST", "/_emulator/alerts/" + id + "/raise", R"({"details": {"resourceName": "PC-8"}})").status == 200);
    auto again = find(false);
    REQUIRE(again);
    CHECK_FALSE(again->has("deletedAt"));
    CHECK(ns_of(again->getValue<std::string>("updatedAt")) > cleared_at);
    CHECK(again->getObject("details")->getValue<std::string>("resourceName") == "PC-8");

    CHECK(e.acronis("DELETE", "/api/alert_manager/v1/alerts/" + Poco::toLower(id)).status == 204);
    auto dismissed = find(true);
    REQUIRE(dismissed->has("deletedAt"));
    const auto dismissed_at = dismissed->getValue<std::string>("updatedAt");
    CHECK(e.acronis("DELETE", "/api/alert_manager/v1/alerts/" + id).status == 204);  // again: nothing changes
    CHECK(find(true)->getValue<std::string>("updatedAt") == dismissed_at);
    auto unknown = e.acronis("DELETE", "/api/alert_manager/v1/alerts/00000000-0000-4000-8000-00000000dead");
    CHECK(unknown.status == 404);
    CHECK(unknown.json()->getValue<std::string>("domain") == "AlertManager");
    CHECK(e.acronis("DELETE", "/api/alert_manager/v1/alerts/not-a-uuid").status == 400);
}

TEST_CASE("acronis alert types come from the seed", "[emulator][acronis]") {
    Emu e;
    auto items = e.acronis("GET", "/api/alert_manager/v1/types").json()->getArray("items");
    REQUIRE(items->size() == 3);
    CHECK(items->getObject(0)->getValue<std::string>("id") == "BackupFailed");
    CHECK(items->getObject(2)->getValue<std::string>("category") == "Monitoring");
}

TEST_CASE("acronis: unknown routes 404, wrong methods 405", "[emulator][acronis]") {
    Emu e;
    CHECK(e.acronis("GET", "/api/2/nothing").status == 404);
    CHECK(e.acronis("DELETE", "/api/2/tenants").status == 405);
}
