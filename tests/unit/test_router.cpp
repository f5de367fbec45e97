#include "samplehost/router.hpp"

#include <catch2/catch.hpp>

namespace {

hostsdk::RouteHandler answer(int status) {
    return [status](const hostsdk::AdminRequest&) { return hostsdk::AdminResponse{status, "", "application/json"}; };
}

}  // namespace

TEST_CASE("routes match literal and {param} segments, decoding params", "[router]") {
    samplehost::Router router;
    router.add({"GET", "/api/mapping/customers", answer(200)});
    router.add({"POST", "/api/mapping/customers/{psa_customer_id}/map", answer(201)});
    router.add({"DELETE", "/api/mapping/customers/{psa_customer_id}/map", answer(204)});

    hostsdk::RouteHandler handler;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;
    REQUIRE(router.match("POST", "/api/mapping/customers/10%2001/map", handler, params, allowed) ==
            samplehost::Router::Match::found);
    CHECK(params.at("psa_customer_id") == "10 01");
    CHECK(handler(hostsdk::AdminRequest{}).status == 201);

    CHECK(router.match("GET", "/api/mapping/customers/1001/map", handler, params, allowed) ==
          samplehost::Router::Match::wrong_method);
    CHECK(allowed == std::vector<std::string>{"POST", "DELETE"});
    CHECK(router.match("GET", "/api/mapping/customers//map", handler, params, allowed) ==
          samplehost::Router::Match::not_found);
    CHECK(router.match("GET", "/api/mapping/customers/", handler, params, allowed) ==
          samplehost::Router::Match::not_found);
    CHECK(router.match("GET", "/api/nothing", handler, params, allowed) == samplehost::Router::Match::not_found);
    // Found by fuzzing: a target without its leading slash reached the route.
    CHECK(router.match("GET", "api/mapping/customers", handler, params, allowed) == samplehost::Router::Match::not_found);
    CHECK(router.match("GET", "", handler, params, allowed) == samplehost::Router::Match::not_found);
}

TEST_CASE("a route registered twice is refused, clear drops every handler", "[router]") {
    samplehost::Router router;
    router.add({"GET", "/api/x", answer(200)});
    CHECK_THROWS_AS(router.add({"get", "/api/x", answer(200)}), std::logic_error);
    CHECK_THROWS_AS(router.add({"GET", "api/y", answer(200)}), std::invalid_argument);
    router.clear();
    hostsdk::RouteHandler handler;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;
    CHECK(router.match("GET", "/api/x", handler, params, allowed) == samplehost::Router::Match::not_found);
}
