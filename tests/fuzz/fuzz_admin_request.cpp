// The admin API's front door: authentication, percent-decoding of paths and queries, routing,
// JSON bodies, paging and RFC 3339 parameters. Input: method, URI and Authorization header on
// the first three lines, then the body.

#include "samplehost/admin_server.hpp"
#include "samplehost/router.hpp"

#include <hostsdk/admin_json.hpp>

#include "fuzz_check.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/NullChannel.h>
#include <Poco/String.h>

namespace {

/// Routes shaped like the modules' own: path parameters, a JSON body, paging, a time filter.
samplehost::Router& router() {
    static samplehost::Router* table = [] {
        auto* r = new samplehost::Router;
        auto echo = [](const hostsdk::AdminRequest& request) {
            Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
            for (const auto& [name, value] : request.path_params) root->set(name, value);
            return hostsdk::json_response(200, root);
        };
        r->add({"GET", "/api/health", hostsdk::guarded_handler(echo)}, true);
        r->add({"GET", "/api/mapping/customers", hostsdk::guarded_handler([](const hostsdk::AdminRequest& request) {
                    const auto paging = hostsdk::parse_paging(request);
                    if (auto since = request.query.find("since"); since != request.query.end())
                        if (!hostsdk::parse_rfc3339(since->second))
                            throw hostsdk::ApiError::invalid_value("since", "since must be an RFC 3339 time");
                    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
                    root->set("offset", paging.offset);
                    root->set("limit", paging.limit);
                    return hostsdk::json_response(200, root);
                })});
        r->add({"POST", "/api/mapping/customers/{psa_customer_id}/map", hostsdk::guarded_handler([](const hostsdk::AdminRequest& request) {
                    auto body = hostsdk::parse_json_object(request);
                    Poco::JSON::Object::Ptr root = new Poco::JSON::Object;
                    root->set("id", request.path_params.at("psa_customer_id"));
                    root->set("keys", static_cast<int>(body->size()));
                    return hostsdk::json_response(200, root);
                })});
        r->add({"PUT", "/api/ticketing/alert-types/{type}", hostsdk::guarded_handler(echo)});
        return r;
    }();
    return *table;
}

std::string next_line(const std::string& input, std::size_t& at) {
    const auto end = input.find('\n', at);
    std::string line = input.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? input.size() : end + 1;
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Poco::Logger& log = [] () -> Poco::Logger& {
        Poco::Logger& l = Poco::Logger::get("fuzz.admin");
        l.setChannel(new Poco::NullChannel);
        return l;
    }();
    static const samplehost::AdminDispatcher dispatcher(router(), "fuzz-admin-token-0123456789", log);
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::size_t at = 0;
    samplehost::RawAdminRequest request;
    request.method = next_line(input, at);
    request.uri = next_line(input, at);
    request.authorization = next_line(input, at);
    request.body = input.substr(at);
    const auto response = dispatcher.dispatch(request);  // noexcept
    fuzzcheck::expect(response.status != 500, "no request makes the front door fail (500)", input);
    fuzzcheck::expect(response.status >= 200 && response.status < 500, "a status from the error table", input);
    try {
        Poco::JSON::Parser().parse(response.body);
    } catch (const Poco::Exception&) {
        fuzzcheck::expect(false, "every answer is JSON", input);
    }
    // The scheme is case-insensitive and the token trimmed, as the dispatcher documents.
    const bool authorized = request.authorization.size() > 7 && Poco::icompare(request.authorization.substr(0, 7), "bearer ") == 0 &&
                            Poco::trim(request.authorization.substr(7)) == "fuzz-admin-token-0123456789";
    if (!authorized && response.status == 200)
        fuzzcheck::expect(Poco::icompare(request.method, "GET") == 0 && request.uri.rfind("/api/health", 0) == 0,
                          "only the health route answers without the token", input);
    return 0;
}
