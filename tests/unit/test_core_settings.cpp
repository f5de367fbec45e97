// The clients' settings: defaults, the keys named in errors, and the loopback rule.

#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/psa_settings.hpp"

#include <hostsdk/config_error.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <catch2/catch.hpp>

using namespace acpsa::core;

namespace {

Poco::AutoPtr<Poco::Util::MapConfiguration> config(std::map<std::string, std::string> values) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> map(new Poco::Util::MapConfiguration);
    std::map<std::string, std::string> base = {{"acpsa.acronis.url", "https://eu2-cloud.acronis.com/"},
                                               {"acpsa.acronis.client_id", "5e7d"},
                                               {"acpsa.acronis.client_secret", "s3cret"},
                                               {"acpsa.psa.site", "mycompany.cloudbluepsa.io/some/path/"},
                                               {"acpsa.psa.api_key", "k3y"}};
    for (auto& [k, v] : values) base[k] = v;
    for (const auto& [k, v] : base)
        if (v != "<absent>") map->setString(k, v);
    return map;
}

template <class Fn>
std::string error_key(Fn fn) {
    try {
        fn();
    } catch (const hostsdk::ConfigError& e) {
        return e.key();
    }
    return "<no error>";
}

}  // namespace

TEST_CASE("acronis settings: the contract's defaults", "[core][settings]") {
    const auto s = parse_acronis_settings(*config({}));
    CHECK(s.url == "https://eu2-cloud.acronis.com");
    CHECK_FALSE(s.subtree_listing);
    CHECK(s.page_limit == 100);
    CHECK(s.token_refresh_margin == std::chrono::seconds(900));
    CHECK(s.alerts_overlap == std::chrono::seconds(60));
    CHECK(s.initial_lookback == std::chrono::seconds(0));
    CHECK(s.endpoint.connect_timeout == std::chrono::seconds(10));
    CHECK(s.endpoint.read_timeout == std::chrono::seconds(60));
    CHECK(s.retry.max_attempts == 3);
    CHECK(s.retry.base_delay == std::chrono::milliseconds(1000));
    CHECK(s.retry.max_delay == std::chrono::seconds(60));
}

TEST_CASE("acronis settings: bad values name their key, secrets are never echoed", "[core][settings]") {
    CHECK(error_key([] { parse_acronis_settings(*config({{"acpsa.acronis.client_secret", "<absent>"}})); }) ==
          "acpsa.acronis.client_secret");
    CHECK(error_key([] { parse_acronis_settings(*config({{"acpsa.acronis.url", "http://eu2-cloud.acronis.com"}})); }) ==
          "acpsa.acronis.url");
    CHECK(error_key([] { parse_acronis_settings(*config({{"acpsa.acronis.url", "http://127.0.0.1:9101"}})); }) == "<no error>");
    CHECK(error_key([] { parse_acronis_settings(*config({{"acpsa.acronis.tenant_listing", "all"}})); }) ==
          "acpsa.acronis.tenant_listing");
    CHECK(error_key([] { parse_acronis_settings(*config({{"acpsa.acronis.page_limit", "0"}})); }) == "acpsa.acronis.page_limit");
    try {
        parse_acronis_settings(*config({{"acpsa.acronis.client_secret", ""}}));
    } catch (const hostsdk::ConfigError& e) {
        CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
    }
}

TEST_CASE("psa settings: every key has the contract's default", "[core][settings]") {
    const auto s = parse_psa_settings(*config({}));
    CHECK(psa_base_url(s.site) == "https://mycompany.cloudbluepsa.io");
    CHECK(s.path_customers == "v1/companies/getcustomers");
    CHECK(s.path_tickets_report == "v1.3/tickets/getticketsreport");
    CHECK(s.external_system == "CMP");
    CHECK(s.param_external_system == "externalSystem");
    CHECK(s.col_ticket_updated == "UpdatedDate");
    CHECK(s.date_mode());
    CHECK(s.field_create_status == "TicketStatusNameOrId");
    CHECK(s.create_retry_without_inferred);
    CHECK_FALSE(s.update_status_fallback_comment);
    CHECK(s.ref_prefix == "#");
    CHECK(s.page_size == 500);
    CHECK(s.page_delay == std::chrono::milliseconds(3000));
    CHECK(s.snapshot_chunk == 50);
    CHECK(s.retry.max_attempts == 4);
    CHECK(s.updated_overlap == std::chrono::seconds(300));
    CHECK(s.fallback_ticket_statuses == std::vector<std::string>{"New", "Fixed"});
}

TEST_CASE("psa settings: empty date column means snapshot mode, paths are checked, http only on loopback", "[core][settings]") {
    CHECK_FALSE(parse_psa_settings(*config({{"acpsa.psa.col.ticket_updated", ""}})).date_mode());
    CHECK(parse_psa_settings(*config({{"acpsa.psa.path.contacts", ""}})).path_contacts.empty());
    CHECK(error_key([] { parse_psa_settings(*config({{"acpsa.psa.path.update_status", "tickets/update"}})); }) ==
          "acpsa.psa.path.update_status");
    CHECK(error_key([] { parse_psa_settings(*config({{"acpsa.psa.site", "http://psa.example.com"}})); }) == "acpsa.psa.site");
    CHECK(error_key([] { parse_psa_settings(*config({{"acpsa.psa.site", "http://localhost:9102"}})); }) == "<no error>");
    CHECK(error_key([] { parse_psa_settings(*config({{"acpsa.psa.api_key", "${system.env.ACPSA_TEST_NEVER_SET}"}})); }) ==
          "acpsa.psa.api_key");
    CHECK(error_key([] { parse_psa_settings(*config({{"acpsa.psa.page_size", "1001"}})); }) == "acpsa.psa.page_size");
    const auto s = parse_psa_settings(*config({{"acpsa.psa.fallback.ticket_statuses", "Open, fixed"}}));
    CHECK(s.fallback_ticket_statuses == std::vector<std::string>{"Open", "fixed", "New"});
}
