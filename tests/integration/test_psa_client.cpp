// The PSA client against the emulator: grid paging, lookups and fallbacks, tickets exactly once,
// status and comment checks after lost answers, change detection, and the api key kept secret.

#include "client_fixture.hpp"

#include <catch2/catch.hpp>

using namespace acpsa::core;
using clienttest::Clients;

namespace {

const std::string kCreate = "POST /webapi/{ver}/tickets/createticket";
const std::string kReport = "GET /webapi/{ver}/tickets/getticketsreport";

NewTicket ticket_for(const std::string& marker, std::int64_t intent_ns) {
    NewTicket t;
    t.title = "Backup failed: SRV-01 " + marker;
    t.description = "details";
    t.customer = "1001";
    t.customer_name = "DE Telecom Gmbh";
    t.type = "Incident A";
    t.category = "TCB";
    t.team = "Support";
    t.status = "New";
    t.marker = marker;
    t.intent_ns = intent_ns;
    return t;
}

std::int64_t now_ns(const Clients& c) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(c.clock.now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("psa client: customers over several pages with TotalRows", "[client][psa]") {
    Clients c;
    c.config->setString("acpsa.psa.page_size", "2");
    auto client = c.psa();
    c.reset_stats();
    const auto customers = client.list_customers();
    REQUIRE(customers.size() == 5);
    CHECK(customers[0].id == "1001");
    CHECK(customers[0].status == "No Relationship");
    CHECK(customers[0].primary_contact_full_name == "Ada Lovelace");
    CHECK(c.requests(c.e.emu.psa_port(), "GET /webapi/{ver}/companies/getcustomers") == 3);
    CHECK(client.api_calls() == 3);
}

TEST_CASE("psa client: primary contacts, with the full-name fallback", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    const auto customers = client.list_customers();
    auto contact = client.primary_contact(customers[0]);
    REQUIRE(contact);
    CHECK(contact->first_name == "Ada");
    CHECK(contact->email == std::optional<std::string>("ada@detelecom.example"));
    auto no_email = client.primary_contact(customers[1]);
    REQUIRE(no_email);
    CHECK_FALSE(no_email->email.has_value());
    CHECK_FALSE(client.primary_contact(customers[2]).has_value());  // no contacts at all

    c.config->setString("acpsa.psa.path.contacts", "v1/contacts/missing");  // answers 404
    auto fallback = c.psa().primary_contact(customers[0]);
    REQUIRE(fallback);
    CHECK(fallback->first_name == "Ada");
    CHECK(fallback->last_name == "Lovelace");
    CHECK_FALSE(fallback->email.has_value());
}

TEST_CASE("psa client: CMP-linked customers, or not available", "[client][psa]") {
    Clients c;
    auto links = c.psa().linked_customers();
    REQUIRE(links);
    REQUIRE(links->size() == 1);
    CHECK(links->at(0).customer_id == "1004");
    CHECK(links->at(0).external_id == "11");
    c.config->setString("acpsa.psa.path.linked_customers", "v1/externalsystems/nothing");
    CHECK_FALSE(c.psa().linked_customers().has_value());
    c.config->setString("acpsa.psa.path.linked_customers", "");
    CHECK_FALSE(c.psa().linked_customers().has_value());
}

TEST_CASE("psa client: lookups, and the fallbacks when an endpoint is missing", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    CHECK(client.ticket_types().size() == 2);
    CHECK(client.ticket_categories("Incident A").size() == 2);
    CHECK(client.ticket_categories().size() == 3);
    auto statuses = client.ticket_statuses();
    REQUIRE(statuses.size() == 4);
    CHECK(statuses[0].is_default);
    CHECK(statuses[2].closed);
    CHECK(client.teams().size() == 2);

    client.create_ticket(ticket_for("[AC-11111111-1]", now_ns(c)));
    c.config->setString("acpsa.psa.path.ticket_types", "v1/tickets/none");
    c.config->setString("acpsa.psa.path.ticket_statuses", "");
    c.config->setString("acpsa.psa.path.teams", "");
    c.config->setString("acpsa.psa.fallback.teams", "Support, Night shift");
    auto fallback = c.psa();
    auto types = fallback.ticket_types();
    REQUIRE(types.size() == 1);
    CHECK(types[0].name == "Incident A");  // from the tickets report
    auto fallback_statuses = fallback.ticket_statuses();
    REQUIRE(fallback_statuses.size() == 2);  // New (the ticket's and configured) and Fixed
    CHECK(fallback_statuses[0].is_default);
    CHECK(fallback_statuses[1].closed);
    CHECK(fallback.teams().size() == 2);
}

TEST_CASE("psa client: a ticket is created once, looked up after a lost answer", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    auto handle = client.create_ticket(ticket_for("[AC-33A7E16F-1]", now_ns(c)));
    CHECK(handle.id == "5531");
    CHECK(handle.ref == "10452");
    CHECK(client.address(handle) == "#10452");

    // The PSA made the ticket but the answer was lost: the lookup adopts it, no second ticket.
    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "apply_then_drop"})");
    auto adopted = client.create_ticket(ticket_for("[AC-01C2D69A-1]", now_ns(c)));
    CHECK(adopted.ref == "10453");
    CHECK(c.e.psa_state()->getArray("tickets")->size() == 2);

    // Nothing was made: the lookup finds none, and one more create makes it.
    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "drop"})");
    auto retried = client.create_ticket(ticket_for("[AC-0BADF00D-1]", now_ns(c)));
    CHECK(retried.ref == "10454");
    CHECK(c.e.psa_state()->getArray("tickets")->size() == 3);

    // A 500 may have been applied: looked up, never resent blindly.
    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "500", "count": 2})");
    CHECK_THROWS_AS(client.create_ticket(ticket_for("[AC-DEADBEEF-1]", now_ns(c))), OutcomeUnknownError);
    CHECK(c.e.psa_state()->getArray("tickets")->size() == 3);
}

TEST_CASE("psa client: a 400 about an inferred field is retried without status and team", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    auto ticket = ticket_for("[AC-12345678-1]", now_ns(c));
    ticket.team = "Night shift";  // not a team of this PSA: refused, naming the team
    auto handle = client.create_ticket(ticket);
    auto tickets = c.e.psa_state()->getArray("tickets");
    REQUIRE(tickets->size() == 1);
    CHECK(tickets->getObject(0)->getValue<std::string>("Team").empty());
    CHECK(handle.ref == "10452");
    c.config->setString("acpsa.psa.create.retry_without_inferred", "false");
    CHECK_THROWS_AS(c.psa().create_ticket(ticket), UpstreamError);
}

TEST_CASE("psa client: status changes and comments, checked after a lost answer", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    auto handle = client.create_ticket(ticket_for("[AC-33A7E16F-1]", now_ns(c)));
    client.set_status(handle, "Fixed", "Acronis alert cleared; resolved by the integration.");
    CHECK(client.ticket(handle)->status == "Fixed");

    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/updateticketstatus", "kind": "apply_then_drop"})");
    c.reset_stats();
    client.set_status(handle, "New", "reopened");
    CHECK(c.requests(c.e.emu.psa_port(), "POST /webapi/{ver}/tickets/updateticketstatus") == 1);  // confirmed, not resent
    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/updateticketstatus", "kind": "drop"})");
    client.set_status(handle, "In Progress");
    CHECK(client.ticket(handle)->status == "In Progress");

    client.add_comment(handle, "It recurred.");
    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/addcomment", "kind": "apply_then_drop"})");
    client.add_comment(handle, "It recurred again.");
    const auto comments = client.comments(handle);
    std::vector<std::string> texts;
    for (const auto& comment : comments) texts.push_back(comment.text);
    CHECK(texts == std::vector<std::string>{"Acronis alert cleared; resolved by the integration.", "reopened", "It recurred.",
                                            "It recurred again."});
    auto history = c.e.psa_state()->getArray("tickets")->getObject(0)->getArray("history");
    CHECK(history->size() == 4);  // New, Fixed, New, In Progress: nothing doubled

    c.config->setString("acpsa.psa.path.update_status", "v1/tickets/nosuchaction");
    CHECK_THROWS_WITH(c.psa().set_status(handle, "Fixed"), Catch::Contains("status update not supported"));
    c.config->setString("acpsa.psa.update_status.fallback_comment", "true");
    c.psa().set_status(handle, "Fixed", "resolved");
    CHECK(c.psa().comments(handle).back().text.find("Status change requested by the integration: Fixed") == 0);
}

TEST_CASE("psa client: change detection by date and by snapshot", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    std::vector<std::string> refs;
    for (int i = 0; i < 5; ++i) refs.push_back(client.create_ticket(ticket_for("[AC-0000000" + std::to_string(i) + "-1]", now_ns(c))).ref);
    c.e.control(c.e.emu.psa_port(), "POST", "/_emulator/tickets/5533/status", R"({"status": "Fixed"})");
    c.reset_stats();
    const auto changed = client.tickets_changed_since(now_ns(c));  // within the 300 s overlap
    CHECK(changed.size() == 5);
    CHECK(c.requests(c.e.emu.psa_port(), kReport) == 1);
    CHECK(client.tickets_changed_since(now_ns(c) + std::int64_t(3600) * 1000000000).empty());

    c.config->setString("acpsa.psa.col.ticket_updated", "");
    c.config->setString("acpsa.psa.snapshot_chunk", "2");
    auto snapshot_client = c.psa();
    c.reset_stats();
    const auto snapshot = snapshot_client.tickets_snapshot(refs);
    CHECK(snapshot.size() == 5);
    CHECK(c.requests(c.e.emu.psa_port(), kReport) == 3);  // ceil(5 / 2)
    for (const auto& row : snapshot)
        if (row.ref == "10454") CHECK(row.status == "Fixed");
}

TEST_CASE("psa client: the api key never reaches an error or a log line", "[client][psa]") {
    Clients c;
    c.config->setString("acpsa.psa.api_key", "Sup3r-Secret-K3y");
    auto client = c.psa();
    try {
        client.list_customers();
        FAIL("a wrong key was accepted");
    } catch (const AuthenticationError& e) {
        CHECK(std::string(e.what()).find("Sup3r-Secret-K3y") == std::string::npos);
        CHECK(std::string(e.what()).find("api_key") != std::string::npos);
    }
    c.config->setString("acpsa.psa.api_key", emutest::kApiKey);
    auto good = c.psa();
    c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/companies/getcustomers", "kind": "503", "count": 4})");
    try {
        good.list_customers();
        FAIL("four 503s were not an error");
    } catch (const UpstreamError& e) {
        CHECK(e.status() == 503);
        CHECK(std::string(e.what()).find(emutest::kApiKey) == std::string::npos);
    }
    CHECK(c.sleeps.all().size() == 3);  // four attempts in all
    c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/companies/getcustomers", "kind": "drop", "count": 10})");
    CHECK_THROWS_AS(good.list_customers(), UpstreamError);
    REQUIRE_FALSE(c.log_lines->lines().empty());
    for (const auto& line : c.log_lines->lines()) {
        CHECK(line.find(emutest::kApiKey) == std::string::npos);
        CHECK(line.find("Sup3r-Secret-K3y") == std::string::npos);
    }
}

TEST_CASE("psa client: 429 waits Retry-After on reads, slow answers time out and are retried, bad bodies are errors",
          "[client][psa]") {
    Clients c;
    auto client = c.psa();
    c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "429", "retry_after": 5})");
    CHECK(client.teams().size() == 2);
    REQUIRE_FALSE(c.sleeps.all().empty());
    CHECK(c.sleeps.all().back() == std::chrono::milliseconds(5000));
    c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "slow", "delay_ms": 4000})");
    CHECK(client.teams().size() == 2);  // timed out after 2 s, then retried
    c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "malformed"})");
    CHECK_THROWS_AS(client.teams(), MalformedResponseError);
    c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/teams/getteams", "kind": "401"})");
    CHECK_THROWS_AS(client.teams(), AuthenticationError);
    // A 429 on createticket is not repeated blindly: checked first, then sent once more.
    c.fault(c.e.emu.psa_port(), R"({"route": "POST /webapi/{ver}/tickets/createticket", "kind": "429", "retry_after": 2})");
    c.reset_stats();
    auto handle = client.create_ticket(ticket_for("[AC-42424242-1]", now_ns(c)));
    CHECK_FALSE(handle.ref.empty());
    CHECK(c.requests(c.e.emu.psa_port(), kCreate) == 2);
    CHECK(c.requests(c.e.emu.psa_port(), kReport) == 1);  // the lookup in between
    CHECK(c.e.psa_state()->getArray("tickets")->size() == 1);
}

TEST_CASE("psa client: a ticket without its marker in the title is refused before anything is sent", "[client][psa]") {
    Clients c;
    auto client = c.psa();
    auto ticket = ticket_for("[AC-33A7E16F-1]", now_ns(c));
    ticket.title = "Backup failed";
    CHECK_THROWS_AS(client.create_ticket(ticket), std::invalid_argument);
    CHECK(client.api_calls() == 0);
}

TEST_CASE("psa client: an error body that echoes the api key back never shows it, bare or percent-encoded", "[client][psa]") {
    Clients c;
    // Characters that percent-encoding changes, so that both spellings can be told apart; no
    // "api_key=" before it, so that only the client's own scrubbing can hide it.
    const std::string key = "k3y+with/odd=chars";
    const std::string encoded = "k3y%2Bwith%2Fodd%3Dchars";
    c.config->setString("acpsa.psa.api_key", key);
    auto client = c.psa();
    for (const std::string kind : {"400", "401", "500"}) {
        c.fault(c.e.emu.psa_port(), R"({"route": "GET /webapi/{ver}/tickets/getticketstatuses", "kind": ")" + kind +
                                        R"(", "count": 5, "message": "the key )" + key + " (" + encoded + R"() is not valid here"})");
        std::string what, message;
        try {
            client.ticket_statuses();
        } catch (const UpstreamError& e) {
            what = e.what();
            message = e.message();
        }
        INFO(kind << ": " << what);
        CHECK(what.find("is not valid here") != std::string::npos);  // the vendor's words are kept
        CHECK(what.find("***") != std::string::npos);
        for (const auto& text : {what, message}) {
            CHECK(text.find(key) == std::string::npos);
            CHECK(text.find(encoded) == std::string::npos);
        }
        c.e.control(c.e.emu.psa_port(), "DELETE", "/_emulator/faults");
    }
    for (const auto& line : c.log_lines->lines()) {
        CHECK(line.find(key) == std::string::npos);
        CHECK(line.find(encoded) == std::string::npos);
    }
}
