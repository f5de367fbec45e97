#pragma once
// A small, fully known seed and an in-process emulator on free ports, for the contract tests.

#include "emulator/emulator.hpp"

#include "test_support.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>

namespace emutest {

inline const std::string kPartner = "ede9f834-3c6e-4b7e-9d7a-0a1b2c3d4e5f";
inline const std::string kRoot = "00000000-0000-4000-8000-000000000001";
inline const std::string kFolder = "00000000-0000-4000-8000-0000000000f0";
inline const std::string kCust1 = "00000000-0000-4000-8000-000000000101";  // Alpha
inline const std::string kCust2 = "00000000-0000-4000-8000-000000000102";  // Beta
inline const std::string kCust3 = "00000000-0000-4000-8000-000000000103";  // Gamma
inline const std::string kSelf = "00000000-0000-4000-8000-000000000104";   // self-service
inline const std::string kOff = "00000000-0000-4000-8000-000000000105";    // disabled
inline const std::string kGone = "00000000-0000-4000-8000-000000000106";   // deleted
inline const std::string kInFolder = "00000000-0000-4000-8000-000000000107";
inline const std::string kClientId = "client-1";
inline const std::string kClientSecret = "secret-1";
inline const std::string kApiKey = "psa-key-1";

/// The test seed: a partner with six customers (one self-service, one disabled, one deleted), a
/// folder holding one more, five PSA customers and the guide's ticket vocabulary.
inline std::string seed_json() {
    return R"({
 "acronis": {
  "clients": [{"client_id": "client-1", "client_secret": "secret-1", "tenant_id": ")" + kPartner + R"("}],
  "tenants": [
   {"id": ")" + kRoot + R"(", "name": "Root", "kind": "root"},
   {"id": ")" + kPartner + R"(", "name": "Partner", "kind": "partner", "parent_id": ")" + kRoot + R"("},
   {"id": ")" + kCust1 + R"(", "name": "Alpha", "kind": "customer", "parent_id": ")" + kPartner + R"(",
    "customer_id": "osa_account_id=11"},
   {"id": ")" + kCust2 + R"(", "name": "Beta", "kind": "customer", "parent_id": ")" + kPartner + R"("},
   {"id": ")" + kCust3 + R"(", "name": "Gamma", "kind": "customer", "parent_id": ")" + kPartner + R"("},
   {"id": ")" + kSelf + R"(", "name": "Selfie", "kind": "customer", "parent_id": ")" + kPartner + R"(",
    "ancestral_access": false},
   {"id": ")" + kOff + R"(", "name": "Offline", "kind": "customer", "parent_id": ")" + kPartner + R"(", "enabled": false},
   {"id": ")" + kGone + R"(", "name": "Gone", "kind": "customer", "parent_id": ")" + kPartner + R"(", "deleted": true},
   {"id": ")" + kFolder + R"(", "name": "Folder", "kind": "folder", "parent_id": ")" + kPartner + R"("},
   {"id": ")" + kInFolder + R"(", "name": "Deep", "kind": "customer", "parent_id": ")" + kFolder + R"("}],
  "users": [{"tenant_id": ")" + kCust1 + R"(", "login": "alpha-admin", "contact": {"email": "a@alpha.example"}}],
  "alert_types": [
   {"id": "BackupFailed", "category": "Backup", "severity": "critical"},
   {"id": "BackupDidNotStart", "category": "Backup", "severity": "error"},
   {"id": "AgentAutoUpdateFailed", "category": "Monitoring", "severity": "warning"}],
  "alerts": [
   {"id": "33A7E16F-9FE4-08BB-0EA1-EF91855ACAFC", "tenant_id": ")" + kCust1 + R"(", "type": "BackupFailed",
    "raised_ago_s": 3600, "details": {"resourceName": "SRV-01"}},
   {"tenant_id": ")" + kSelf + R"(", "type": "BackupFailed", "raised_ago_s": 3600}]
 },
 "psa": {
  "api_keys": ["psa-key-1"],
  "customers": [
   {"Id": 1001, "CompanyName": "DE Telecom Gmbh", "Status": "No Relationship"},
   {"Id": 1002, "CompanyName": "Blah", "Status": "Active"},
   {"Id": 1003, "CompanyName": "Bobs Fine Shoes", "Status": "Active"},
   {"Id": 1004, "CompanyName": "Konopelski", "Status": "Inactive"},
   {"Id": 1005, "CompanyName": "Telemetry AG", "Status": "Active"}],
  "contacts": [
   {"CustomerId": 1001, "FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@detelecom.example", "IsPrimary": true},
   {"CustomerId": 1001, "FirstName": "Bob", "LastName": "Builder", "Email": "bob@detelecom.example"},
   {"CustomerId": 1002, "FirstName": "Cy", "LastName": "Blah", "IsPrimary": true}],
  "links": [{"CustomerId": 1004, "ExternalSystem": "CMP", "ExternalId": "11"},
            {"CustomerId": 1003, "ExternalSystem": "OTHER", "ExternalId": "77"}],
  "ticket_types": [{"Id": 1, "Name": "Bug"}, {"Id": 2, "Name": "Incident A"}],
  "ticket_categories": [{"Id": 11, "Name": "TCB", "TicketType": "Bug"},
                        {"Id": 21, "Name": "TCB", "TicketType": "Incident A"},
                        {"Id": 22, "Name": "Cat 3", "TicketType": "Incident A"}],
  "ticket_statuses": [{"Id": 1, "Name": "New", "IsDefault": true},
                      {"Id": 2, "Name": "In Progress"},
                      {"Id": 3, "Name": "Fixed", "IsClosed": true},
                      {"Id": 4, "Name": "Closed", "IsClosed": true}],
  "teams": [{"Id": 1, "Name": "Support"}, {"Id": 2, "Name": "Operations"}]
 }
})";
}

inline std::string basic(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << user << ":" << password;
    encoder.close();
    return "Basic " + out.str();
}

inline Poco::JSON::Array::Ptr json_array(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Array::Ptr>();
}

/// An in-process emulator on free ports with the test seed, and API helpers.
struct Emu {
    emulator::Emulator emu;
    std::string token;

    explicit Emu(int token_ttl_s = 7200) : emu(emulator::parse_seed(seed_json()), options(token_ttl_s)) {
        token = new_token();
    }
    static emulator::EmulatorOptions options(int ttl) {
        emulator::EmulatorOptions o;
        o.token_ttl_s = ttl;
        return o;
    }

    std::string new_token() {
        auto reply = testsupport::http_raw(emu.acronis_port(), "POST", "/api/2/idp/token",
                                           {{"Authorization", basic(kClientId, kClientSecret)},
                                            {"Content-Type", "application/x-www-form-urlencoded"}},
                                           "grant_type=client_credentials");
        return reply.json()->getValue<std::string>("access_token");
    }

    /// An Acronis API call with the bearer token (JSON content type when there is a body).
    testsupport::HttpReply acronis(const std::string& method, const std::string& path, const std::string& body = {}) {
        std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return testsupport::http_raw(emu.acronis_port(), method, path, headers, body);
    }

    /// A PSA call: `path` is `v1/module/action`, `query` extra parameters (already encoded).
    testsupport::HttpReply psa(const std::string& method, const std::string& path, const std::string& query = {},
                               const std::string& body = {}, const std::string& key = kApiKey) {
        std::string uri = "/webapi/" + path + "?api_key=" + key + (query.empty() ? "" : "&" + query);
        std::map<std::string, std::string> headers;
        if (!body.empty()) headers["Content-Type"] = "application/json; charset=utf-8";
        return testsupport::http_raw(emu.psa_port(), method, uri, headers, body);
    }

    /// A PSA grid call with a filter document.
    testsupport::HttpReply grid(const std::string& path, const std::string& filter, const std::string& query = {}) {
        return psa("GET", path, "filter=" + testsupport::url_encode(filter) + (query.empty() ? "" : "&" + query));
    }

    /// A control call on one of the ports.
    testsupport::HttpReply control(std::uint16_t port, const std::string& method, const std::string& path,
                                   const std::string& body = {}) {
        return testsupport::http_raw(port, method, path, {{"Content-Type", "application/json"}}, body);
    }

    Poco::JSON::Object::Ptr acronis_state() { return control(emu.acronis_port(), "GET", "/_emulator/state").json(); }
    Poco::JSON::Object::Ptr psa_state() { return control(emu.psa_port(), "GET", "/_emulator/state").json(); }

    /// Raises a new alert through the control surface; returns its id.
    std::string raise(const std::string& tenant, const std::string& type = "BackupFailed") {
        return control(emu.acronis_port(), "POST", "/_emulator/alerts",
                       R"({"tenant_id": ")" + tenant + R"(", "type": ")" + type + R"(", "details": {"resourceName": "PC-7"}})")
            .json()
            ->getValue<std::string>("id");
    }
};

/// The Account Management error code of a reply, as a string.
inline std::string am_code(const testsupport::HttpReply& reply) {
    return reply.json()->getObject("error")->get("code").toString();
}

}  // namespace emutest
