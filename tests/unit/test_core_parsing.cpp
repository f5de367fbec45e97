// Pure parsing in the integration core: Custom IDs, timestamps, retry timing, vendor error bodies
// and the tolerant PSA reply forms.

#include "acpsa/core/acronis_client.hpp"
#include "acpsa/core/custom_id.hpp"
#include "acpsa/core/json_read.hpp"
#include "acpsa/core/psa_client.hpp"
#include "acpsa/core/retry.hpp"
#include "acpsa/core/timestamps.hpp"

#include <catch2/catch.hpp>

using namespace acpsa::core;

TEST_CASE("custom id: every row of the contract's table", "[core][custom-id]") {
    using O = std::optional<std::string>;
    CHECK(ingram_account_id(O("osa_account_id=1100244869")) == O("1100244869"));
    CHECK(ingram_account_id(O(" osa_account_id = 42 ;crm=7")) == O("42"));
    CHECK(custom_id_value(parse_custom_id(" osa_account_id = 42 ;crm=7"), "crm") == O("7"));
    CHECK(ingram_account_id(O("whmcs-user-id=12;whmcs-service-id=9")) == std::nullopt);
    CHECK(ingram_account_id(O("osa_account_id=12a")) == std::nullopt);
    CHECK(ingram_account_id(O("note=a\\;b;osa_account_id=5")) == O("5"));
    CHECK(custom_id_value(parse_custom_id("note=a\\;b;osa_account_id=5"), "note") == O("a;b"));
    CHECK(ingram_account_id(O("osa_account_id\\=5")) == std::nullopt);
    const auto token = parse_custom_id("osa_account_id\\=5");
    REQUIRE(token.size() == 1);
    CHECK(token[0].key == "osa_account_id=5");
    CHECK_FALSE(token[0].value.has_value());
    CHECK(ingram_account_id(O("OSA_ACCOUNT_ID=5")) == std::nullopt);
}

TEST_CASE("custom id: empty, escapes at the ends, first key wins, leading zeros", "[core][custom-id]") {
    using O = std::optional<std::string>;
    CHECK(parse_custom_id("").empty());
    CHECK(ingram_account_id(std::nullopt) == std::nullopt);
    CHECK(parse_custom_id(";;  ;").empty());
    auto trailing = parse_custom_id("note=abc\\");  // a final lone backslash stays
    REQUIRE(trailing.size() == 1);
    CHECK(trailing[0].value == O("abc\\"));
    auto leading = parse_custom_id("\\;osa_account_id=5");  // escaped ';' at the start: one segment
    REQUIRE(leading.size() == 1);
    CHECK(leading[0].key == ";osa_account_id");
    CHECK(ingram_account_id(O("\\;osa_account_id=5")) == std::nullopt);
    CHECK(ingram_account_id(O("osa_account_id=7;osa_account_id=8")) == O("7"));
    CHECK(ingram_account_id(O("osa_account_id=007")) == O("7"));
    CHECK(ingram_account_id(O("osa_account_id=")) == std::nullopt);
    CHECK(normalize_digits("000") == "0");
    const std::vector<CustomIdEntry> entries = {{"note", O("a;b=c\\d")}, {"osa_account_id", O("5")}, {"flag", std::nullopt}};
    const std::string written = format_custom_id(entries);
    CHECK(written == "note=a\\;b\\=c\\\\d;osa_account_id=5;flag");
    const auto back = parse_custom_id(written);
    REQUIRE(back.size() == 3);
    CHECK(back[0].value == O("a;b=c\\d"));
    CHECK_FALSE(back[2].value.has_value());
}

TEST_CASE("timestamps: nothing before 1970 UTC, even 1970 local time east of UTC", "[core][time]") {
    // Found by fuzzing: a negative instant did not format back to what was parsed.
    CHECK_FALSE(parse_timestamp_ns("1970-01-01T00:00:00", 240).has_value());
    CHECK_FALSE(parse_timestamp_ns("1970-01-01T00:00:00.5+01:00").has_value());
    CHECK(parse_timestamp_ns("1970-01-01T00:00:00", -240) == 4 * 3600 * 1000000000LL);
    CHECK(parse_timestamp_ns("1970-01-01T00:00:00Z") == 0);
}

TEST_CASE("timestamps: 0 to 9 fractional digits to exact nanoseconds", "[core][time]") {
    const std::int64_t base = 1714557615LL * 1000000000LL;  // 2024-05-01T10:00:15Z
    CHECK(parse_timestamp_ns("2024-05-01T10:00:15Z") == base);
    CHECK(parse_timestamp_ns("2024-05-01T10:00:15.5Z") == base + 500000000);
    CHECK(parse_timestamp_ns("2024-05-01T10:00:15.352636392Z") == base + 352636392);
    CHECK(parse_timestamp_ns("2024-05-01T10:00:15.000000001Z") == base + 1);
    CHECK(parse_timestamp_ns("2024-05-01T12:00:15+02:00") == base);
    CHECK(parse_timestamp_ns("2024-05-01T10:00:15") == base);                 // no zone: UTC
    CHECK(parse_timestamp_ns("2024-05-01 10:00:15", 60) == base - 3600000000000LL);  // PSA at UTC+1
    CHECK(parse_timestamp_ns("2024-05-01t10:00:15z") == base);
    for (const char* bad : {"", "2024-05-01", "2024-05-01T10:00:15.1234567891Z", "2024-05-01T10:00:15.Z",
                            "2024-13-01T10:00:15Z", "2024-05-01T10:00:15+2:00", "yesterday"})
        CHECK_FALSE(parse_timestamp_ns(bad).has_value());
    CHECK(format_rfc3339_ns(base + 352636392) == "2024-05-01T10:00:15.352636392Z");
    CHECK(format_rfc3339_ns(base + 500000000) == "2024-05-01T10:00:15.5Z");
    CHECK(format_rfc3339_ns(base) == "2024-05-01T10:00:15Z");
    CHECK(format_local_seconds(base + 999, 120) == "2024-05-01T12:00:15");
}

TEST_CASE("retry rule: the server's Retry-After wins, capped: else the jittered backoff", "[core][retry]") {
    RetrySettings s{5, std::chrono::milliseconds(1000), std::chrono::seconds(3)};
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1445412480));
    CHECK(retry_delay(s, 1, "2", now) == std::chrono::milliseconds(2000));
    CHECK(retry_delay(s, 1, "120", now) == std::chrono::milliseconds(3000));  // never past max_delay
    CHECK(retry_delay(s, 1, "Wed, 21 Oct 2015 07:28:01 GMT", now) == std::chrono::milliseconds(1000));
    for (int i = 0; i < 50; ++i) {
        const auto second = retry_delay(s, 2, "", now);  // backoff 2000 ms, jitter [0.5, 1]
        CHECK(second >= std::chrono::milliseconds(1000));
        CHECK(second <= std::chrono::milliseconds(2000));
        CHECK(retry_delay(s, 2, "soon", now) <= std::chrono::milliseconds(2000));  // unreadable: the backoff
    }
}

TEST_CASE("retry timing: doubling, cap, jitter, Retry-After in seconds or as a date", "[core][retry]") {
    RetrySettings s{5, std::chrono::milliseconds(1000), std::chrono::seconds(3)};
    CHECK(backoff_delay(s, 1, 1.0) == std::chrono::milliseconds(1000));
    CHECK(backoff_delay(s, 2, 1.0) == std::chrono::milliseconds(2000));
    CHECK(backoff_delay(s, 3, 1.0) == std::chrono::milliseconds(3000));
    CHECK(backoff_delay(s, 9, 1.0) == std::chrono::milliseconds(3000));
    CHECK(backoff_delay(s, 2, 0.5) == std::chrono::milliseconds(1000));
    CHECK(backoff_delay(s, 2, 0.1) == std::chrono::milliseconds(1000));  // jitter clamped to [0.5, 1]
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1445412480));  // Wed, 21 Oct 2015 07:28:00 GMT
    CHECK(parse_retry_after("7", now) == std::chrono::milliseconds(7000));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == std::chrono::milliseconds(30000));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == std::chrono::milliseconds(0));
    CHECK_FALSE(parse_retry_after("", now).has_value());
    CHECK_FALSE(parse_retry_after("soon", now).has_value());
    // Found by fuzzing: a date in year 9999 overflowed the clock's nanoseconds (undefined behaviour).
    const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    const auto far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", at);
    REQUIRE(far);
    CHECK(far->count() == (253402300799LL - 1700000000LL) * 1000LL);
    CHECK(parse_retry_after("Mon, 01 Jan 0001 00:00:00 GMT", at) == std::chrono::milliseconds(0));
}

TEST_CASE("acronis token replies: expires_on, expires_in, an hour by default, within a year", "[core][acronis]") {
    constexpr std::int64_t now = 1700000000;
    CHECK(parse_token_reply(R"({"access_token":"t","expires_on":1700007200})", now).expires_s == 1700007200);
    CHECK(parse_token_reply(R"({"access_token":"t","expires_in":600})", now).expires_s == now + 600);
    CHECK(parse_token_reply(R"({"access_token":"t"})", now).expires_s == now + 3600);
    // Numbers that overflowed the arithmetic (undefined behaviour) are held within a year.
    CHECK(parse_token_reply(R"({"access_token":"t","expires_in":9223372036854775807})", now).expires_s == now + 366 * 86400);
    CHECK(parse_token_reply(R"({"access_token":"t","expires_on":-9223372036854775807})", now).expires_s == now - 366 * 86400);
    CHECK_THROWS_AS(parse_token_reply(R"({"token_type":"bearer"})", now), std::runtime_error);
    CHECK_THROWS_AS(parse_token_reply("not json", now), std::runtime_error);
}

TEST_CASE("acronis error bodies: every shape of §6.1", "[core][acronis]") {
    std::string code;
    CHECK(acronis_error_message(R"({"error":{"code":1001,"message":"Version mismatch","details":{}}})", code) == "Version mismatch");
    CHECK(code == "1001");
    CHECK(acronis_error_message(R"({"error":{"code":"1004","message":"Duplicate"}})", code) == "Duplicate");
    CHECK(code == "1004");
    CHECK(acronis_error_message(R"({"domain":"AlertManager","code":"NotFound","reason":"no alert"})", code) == "no alert");
    CHECK(code == "NotFound");
    CHECK(acronis_error_message(R"({"error":"invalid_client","error_description":"bad secret"})", code) == "bad secret");
    CHECK(acronis_error_message("Unauthorized", code) == "Unauthorized");  // text/plain 401
    CHECK(acronis_error_message("<html><body>401</body></html>", code) == "<html><body>401</body></html>");
    CHECK(acronis_error_message(std::string(5000, 'x'), code).size() == 2048);
    CHECK(acronis_error_message(R"({"message":"bad ?api_key=SECRET"})", code).find("SECRET") == std::string::npos);
}

TEST_CASE("acronis alerts: deletedAt absent, null or empty means active, details kept", "[core][acronis]") {
    const std::string base = R"({"id":"33A7E16F-9FE4-08BB-0EA1-EF91855ACAFC","type":"BackupFailed","category":"Backup",
        "severity":"critical","createdAt":"2024-05-01T10:00:00Z","receivedAt":"2024-05-01T10:00:00.316243862Z",
        "updatedAt":"2024-05-01T10:00:01.216375706Z","tenant":{"id":"104","uuid":"2E694824-6C39-469A-B1BF-ED058EBF459E"},
        "details":{"resourceId":"R1","resourceName":"SRV-01","planName":"Daily","errorMessage":{"reason":"denied"}})";
    auto active = parse_alert(base + "}");
    CHECK_FALSE(active.cleared());
    CHECK(active.updated_ns == 1714557601216375706LL);
    CHECK(active.tenant_id == "2e694824-6c39-469a-b1bf-ed058ebf459e");
    CHECK(active.resource_name == std::optional<std::string>("SRV-01"));
    CHECK(active.details_json.find("denied") != std::string::npos);
    CHECK_FALSE(parse_alert(base + R"(,"deletedAt":null})").cleared());
    CHECK_FALSE(parse_alert(base + R"(,"deletedAt":""})").cleared());
    CHECK(parse_alert(base + R"(,"deletedAt":"2024-05-01T10:02:00.000000001Z"})").cleared());
    CHECK_THROWS(parse_alert(R"({"id":"x"})"));  // no updatedAt
    CHECK_THROWS(parse_alert(R"({"id":"x","updatedAt":"soon"})"));
}

TEST_CASE("psa create reply: every tolerated form", "[core][psa]") {
    auto id_ref = [](const std::string& body) -> std::pair<std::string, std::string> {
        auto handle = parse_create_reply(body, "#");
        if (!handle) return {"<none>", "<none>"};
        return {handle->id, handle->ref};
    };
    using P = std::pair<std::string, std::string>;
    CHECK(id_ref(R"({"Id":5531,"RefNumber":"10452"})") == P{"5531", "10452"});
    CHECK(id_ref("5531") == P{"5531", ""});
    CHECK(id_ref(R"("#10452")") == P{"", "10452"});
    CHECK(id_ref(R"("5531")") == P{"5531", ""});
    CHECK(id_ref(R"({"TicketId":"5531"})") == P{"5531", ""});
    CHECK(id_ref(R"({"Data":{"id":5531,"refnumber":10452}})") == P{"5531", "10452"});
    CHECK(id_ref(R"({"data":{"TICKETID":5531}})") == P{"5531", ""});
    CHECK(id_ref(R"({"Data":5531})") == P{"5531", ""});
    CHECK(id_ref(R"({"ok":true})") == P{"<none>", "<none>"});
    CHECK(id_ref("not json") == P{"<none>", "<none>"});
    CHECK(id_ref(R"("done")") == P{"<none>", "<none>"});
    // Found by fuzzing: the prefix alone names no ticket (it made a handle with neither id nor ref).
    CHECK(id_ref(R"("#")") == P{"<none>", "<none>"});
    CHECK(id_ref(R"(" # ")") == P{"<none>", "<none>"});
    CHECK(id_ref(R"({"RefNumber":"#"})") == P{"<none>", "<none>"});
}

TEST_CASE("psa error bodies and tolerant values", "[core][psa]") {
    CHECK(psa_error_message(R"({"Message":"Ticket type 'X' was not found."})") == "Ticket type 'X' was not found.");
    CHECK(psa_error_message(R"({"ExceptionMessage":"boom"})") == "boom");
    CHECK(psa_error_message(R"({"message":"lower"})") == "lower");
    CHECK(psa_error_message(R"("just text")") == "just text");
    CHECK(psa_error_message("plain failure?api_key=K") == "plain failure?api_key=***");
    using json::boolean;
    using Poco::Dynamic::Var;
    CHECK(boolean(Var(true)) == true);
    CHECK(boolean(Var(std::string("Yes"))) == true);
    CHECK(boolean(Var(std::string("true"))) == true);
    CHECK(boolean(Var(1)) == true);
    CHECK(boolean(Var(std::string("0"))) == false);
    CHECK_FALSE(boolean(Var(std::string("maybe"))).has_value());
    CHECK(json::integer(Var(std::string(" 42 "))) == 42LL);
    CHECK(json::text(Var(1001)) == std::optional<std::string>("1001"));
    auto rows = json::rows(json::parse(R"({"items":[{"a":1}]})"));
    REQUIRE(rows);
    CHECK(rows->size() == 1);
    CHECK(json::get(json::object_at(json::rows(json::parse(R"([{"CompanyName":"X"}])")), 0), "companyname").toString() == "X");
}
