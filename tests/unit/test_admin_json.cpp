#include <hostsdk/admin_json.hpp>

#include "test_support.hpp"

#include <Poco/AutoPtr.h>

#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

namespace {

Poco::JSON::Object::Ptr parse(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

hostsdk::AdminRequest with_query(std::map<std::string, std::string> query) {
    hostsdk::AdminRequest request;
    request.query = std::move(query);
    return request;
}

}  // namespace

TEST_CASE("error bodies carry code, message and field (null when none)", "[admin-json]") {
    auto response = hostsdk::error_response(422, "invalid_value", "days must be 1..365", std::string("days"));
    CHECK(response.status == 422);
    auto error = parse(response.body)->getObject("error");
    CHECK(error->getValue<std::string>("code") == "invalid_value");
    CHECK(error->getValue<std::string>("field") == "days");
    auto plain = parse(hostsdk::error_response(404, "not_found", "no such route").body)->getObject("error");
    CHECK(plain->has("field"));
    CHECK(plain->isNull("field"));
}

TEST_CASE("guarded handlers turn exceptions into error responses", "[admin-json]") {
    auto conflict = hostsdk::guarded_handler([](const hostsdk::AdminRequest&) -> hostsdk::AdminResponse {
        throw hostsdk::ApiError::conflict("tenant is mapped to another customer");
    });
    CHECK(conflict({}).status == 409);
    auto bug = hostsdk::guarded_handler([](const hostsdk::AdminRequest&) -> hostsdk::AdminResponse {
        throw std::runtime_error("oops");
    });
    const auto response = bug({});
    CHECK(response.status == 500);
    CHECK(parse(response.body)->getObject("error")->getValue<std::string>("code") == "internal");
}

TEST_CASE("request bodies must be JSON objects", "[admin-json]") {
    hostsdk::AdminRequest request;
    request.body = "{\"a\": 1}";
    CHECK(hostsdk::parse_json_object(request)->getValue<int>("a") == 1);
    for (const char* bad : {"", "not json", "[1, 2]", "42", "{\"a\": "}) {
        request.body = bad;
        try {
            hostsdk::parse_json_object(request);
            FAIL("accepted " << bad);
        } catch (const hostsdk::ApiError& e) {
            CHECK(e.status() == 400);
            CHECK(e.code() == "malformed_json");
        }
    }
}

TEST_CASE("paging: defaults, bounds, and the parameter named in errors", "[admin-json]") {
    auto paging = hostsdk::parse_paging(with_query({}));
    CHECK(paging.offset == 0);
    CHECK(paging.limit == 100);
    paging = hostsdk::parse_paging(with_query({{"offset", "20"}, {"limit", "1000"}}));
    CHECK(paging.offset == 20);
    CHECK(paging.limit == 1000);
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"limit", "0"}, {"limit", "1001"}, {"limit", "ten"}, {"offset", "-1"}}) {
        try {
            hostsdk::parse_paging(with_query({{name, value}}));
            FAIL("accepted " << name << "=" << value);
        } catch (const hostsdk::ApiError& e) {
            CHECK(e.status() == 422);
            CHECK(e.field() == std::optional<std::string>(name));
        }
    }
}

TEST_CASE("times are RFC 3339 UTC with Z", "[admin-json]") {
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1795687500));
    CHECK(hostsdk::rfc3339(t) == "2026-11-26T10:05:00Z");
}

TEST_CASE("RFC 3339 times are parsed strictly", "[admin-json]") {
    using std::chrono::seconds;
    const auto base = std::chrono::system_clock::time_point(seconds(1795687500));
    CHECK(hostsdk::parse_rfc3339("2026-11-26T10:05:00Z") == base);
    CHECK(hostsdk::parse_rfc3339("2026-11-26t10:05:00z") == base);
    CHECK(hostsdk::parse_rfc3339("2026-11-26T12:05:00+02:00") == base);
    CHECK(hostsdk::parse_rfc3339("2026-11-26T10:05:00.250Z") == base + std::chrono::milliseconds(250));
    for (const char* bad : {"yesterday", "", "2026-11-26", "2026-11-26T10:05:00", "2026-13-01T00:00:00Z",
                            "2026-02-30T00:00:00Z", "2026-11-26T10:05:00.Z", "2026-11-26T10:05:00+2:00",
                            "2026-11-26 10:05:00Z", "2026-11-26T10:05:00Zjunk", "2999-01-01T00:00:00Z"})
        CHECK_FALSE(hostsdk::parse_rfc3339(bad).has_value());
}

TEST_CASE("a 500 never echoes the exception text, the log gets it with secrets redacted", "[admin-json]") {
    Poco::AutoPtr<testsupport::CapturingChannel> channel(new testsupport::CapturingChannel);
    Poco::Logger& log = Poco::Logger::get("test.guarded");
    log.setChannel(channel);
    auto leaky = hostsdk::guarded_handler(
        [](const hostsdk::AdminRequest&) -> hostsdk::AdminResponse {
            throw std::runtime_error("GET https://psa.example/webapi/v1/x?api_key=SECRET123&filter=1 failed");
        },
        &log);
    const auto response = leaky({});
    CHECK(response.status == 500);
    CHECK(response.body.find("SECRET123") == std::string::npos);
    CHECK(response.body.find("psa.example") == std::string::npos);
    CHECK(channel->has({"api_key=***", "filter=1"}));
    for (const auto& line : channel->lines()) CHECK(line.find("SECRET123") == std::string::npos);
}

TEST_CASE("redaction covers keys, secrets, passwords and bearer tokens", "[admin-json]") {
    CHECK(hostsdk::redact_secrets("x?API_KEY=abc&y=1") == "x?API_KEY=***&y=1");
    CHECK(hostsdk::redact_secrets(R"({"password": "Hunter2!", "n": 1})") == R"({"password": "***", "n": 1})");
    CHECK(hostsdk::redact_secrets("Authorization: Bearer eyJabc.def") == "Authorization: Bearer ***");
    CHECK(hostsdk::redact_secrets("client_secret=s3cr3t end") == "client_secret=*** end");
    CHECK(hostsdk::redact_secrets("nothing secret here") == "nothing secret here");
}

TEST_CASE("answers are valid UTF-8 even when a path or a name carries stray bytes", "[admin-json]") {
    // Found by fuzzing: a 404 echoing a path with \xff bytes was not JSON a client could parse.
    auto response = hostsdk::error_response(404, "not_found", std::string("no route for /api/\xff\xfe/x \xc3\xa9 \xe2\x82"));
    CHECK(response.body.find("\xff") == std::string::npos);
    CHECK(response.body.find("/api/\xEF\xBF\xBD\xEF\xBF\xBD/x \xc3\xa9 \xEF\xBF\xBD\xEF\xBF\xBD") != std::string::npos);
    CHECK_NOTHROW(Poco::JSON::Parser().parse(response.body));
    CHECK(hostsdk::valid_utf8("plain, \xc3\xa9t\xc3\xa9, \xf0\x9f\x98\x80") == "plain, \xc3\xa9t\xc3\xa9, \xf0\x9f\x98\x80");
    CHECK(hostsdk::valid_utf8("\xc0\xaf") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // an overlong "/"
    CHECK(hostsdk::valid_utf8("\xed\xa0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a lone surrogate
    CHECK(hostsdk::valid_utf8("\xed\x41\x80") == "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD");  // no continuation byte
    CHECK(hostsdk::valid_utf8("\xf4\x41\x80\x80") == "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(hostsdk::valid_utf8("\xf4\x90\x80\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // above U+10FFFF
}

TEST_CASE("admin json: a patch value of the wrong type or out of range is refused naming the field", "[admin_json]") {
    using hostsdk::ApiError;
    namespace patch = hostsdk::patch;
    CHECK(patch::boolean(Poco::Dynamic::Var(true), "a.enabled"));
    CHECK(patch::string(Poco::Dynamic::Var(std::string("Fixed")), "a.status") == "Fixed");
    CHECK(patch::integer(Poco::Dynamic::Var(7), "a.days", 1, 365) == 7);
    auto refusal = [](auto fn) {
        try {
            fn();
        } catch (const ApiError& e) {
            return std::to_string(e.status()) + " " + e.code() + " " + e.field().value_or("-") + ": " + e.what();
        }
        return std::string("accepted");
    };
    CHECK(refusal([] { patch::boolean(Poco::Dynamic::Var(std::string("yes")), "a.enabled"); }) ==
          "400 invalid_type a.enabled: a.enabled must be true or false");
    CHECK(refusal([] { patch::string(Poco::Dynamic::Var(3), "a.status"); }) == "400 invalid_type a.status: a.status must be a string");
    CHECK(refusal([] { patch::object(Poco::Dynamic::Var(3), "a"); }) == "400 invalid_type a: a must be an object");
    CHECK(refusal([] { patch::integer(Poco::Dynamic::Var(2.5), "a.days", 1, 365); }) ==
          "400 invalid_type a.days: a.days must be an integer");
    CHECK(refusal([] { patch::integer(Poco::Dynamic::Var(0), "a.days", 1, 365); }) ==
          "422 invalid_value a.days: a.days must be from 1 to 365");
    CHECK(refusal([] { patch::unknown("a.colour"); }) == "422 invalid_value a.colour: unknown setting 'a.colour'");
}
