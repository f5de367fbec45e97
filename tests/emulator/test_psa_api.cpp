// Contract tests of the CloudBlue PSA emulator against docs/psa-api.md.

#include "emulator_fixture.hpp"

#include <catch2/catch.hpp>

using emutest::Emu;
using emutest::json_array;

namespace {

std::vector<std::string> column(const Poco::JSON::Array::Ptr& rows, const std::string& name) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < rows->size(); ++i) values.push_back(rows->getObject(static_cast<unsigned>(i))->get(name).toString());
    return values;
}

std::string filter(const std::string& conditions, const std::string& extra = "") {
    return R"({"pageno": 1, "pagesize": 100, "filters": [)" + conditions +
           R"(], "filterop": "AND", "resulttype": "Json", "includeccysymbols": false, "gridcolumns": "Id,CompanyName,Status,TotalRows")" +
           extra + "}";
}

std::string create_ticket(Emu& e, const std::string& body) {
    auto reply = e.psa("POST", "v1/tickets/createticket", "", body);
    REQUIRE(reply.status == 200);
    return reply.json()->getValue<std::string>("RefNumber");
}

const std::string kTicket = R"({"Title": "Backup failed: SRV-01 [AC-33A7E16F-1]", "Description": "details",
  "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Incident A", "TicketCategoryNameOrId": "Cat 3",
  "TeamNameOrId": "Support"})";

}  // namespace

TEST_CASE("psa: api_key on every call, routing by module/action and version", "[emulator][psa]") {
    Emu e;
    auto none = testsupport::http_raw(e.emu.psa_port(), "GET", "/webapi/v1/companies/getcustomers", {});
    CHECK(none.status == 401);
    CHECK(none.json()->has("Message"));
    CHECK(e.psa("GET", "v1/companies/getcustomers", "", "", "wrong").status == 401);
    CHECK(e.psa("GET", "v1/companies/getcustomers").status == 200);
    CHECK(e.psa("GET", "v1.3/Companies/GetCustomers").status == 200);  // any version, any case
    CHECK(e.psa("GET", "v1/companies/nothing").status == 404);
    CHECK(e.psa("GET", "vx/companies/getcustomers").status == 404);
    CHECK(e.psa("POST", "v1/companies/getcustomers", "", "{}").status == 405);
}

TEST_CASE("psa grid: paging with TotalRows, pagesize as a string, page past the end", "[emulator][psa]") {
    Emu e;
    std::vector<std::string> ids;
    for (int page = 1; page <= 3; ++page) {
        auto rows = json_array(e.grid("v1/companies/getcustomers",
                                      R"({"pageno": )" + std::to_string(page) +
                                          R"(, "pagesize": "2", "filters": [], "gridcolumns": "Id,TotalRows"})")
                                   .body);
        for (const auto& id : column(rows, "Id")) ids.push_back(id);
        if (rows->size() > 0) CHECK(rows->getObject(0)->getValue<int>("TotalRows") == 5);
        if (page < 3) CHECK(rows->size() == 2);
        else CHECK(rows->size() == 1);
        CHECK_FALSE(rows->getObject(0)->has("CompanyName"));  // only the requested columns
    }
    CHECK(ids == std::vector<std::string>{"1001", "1002", "1003", "1004", "1005"});
    CHECK(json_array(e.grid("v1/companies/getcustomers", R"({"pageno": 4, "pagesize": 2})").body)->size() == 0);
    CHECK(json_array(e.grid("v1/companies/getcustomers", R"({"pageno": 1, "pagesize": 5000})").body)->size() == 5);
    // Without gridcolumns every column comes back, ids as numbers.
    auto all = json_array(e.psa("GET", "v1/companies/getcustomers").body);
    CHECK(all->getObject(0)->get("Id").isInteger());
    CHECK(all->getObject(0)->getValue<std::string>("PrimaryContactFullName") == "Ada Lovelace");
}

TEST_CASE("psa grid: every operator, OR, sorting", "[emulator][psa]") {
    Emu e;
    auto names = [&](const std::string& conditions, const std::string& extra = "") {
        auto reply = e.grid("v1/companies/getcustomers", filter(conditions, extra));
        REQUIRE(reply.status == 200);
        return column(json_array(reply.body), "CompanyName");
    };
    using V = std::vector<std::string>;
    CHECK(names(R"({"field": "CompanyName", "op": "cn", "data": "TEL"})") == V{"DE Telecom Gmbh", "Telemetry AG"});
    CHECK(names(R"({"field": "CompanyName", "op": "eq", "data": " blah "})") == V{"Blah"});
    CHECK(names(R"({"field": "Status", "op": "ne", "data": "active"})") == V{"DE Telecom Gmbh", "Konopelski"});
    CHECK(names(R"({"field": "CompanyName", "op": "bw", "data": "bo"})") == V{"Bobs Fine Shoes"});
    CHECK(names(R"({"field": "CompanyName", "op": "ew", "data": "AG"})") == V{"Telemetry AG"});
    CHECK(names(R"({"field": "Id", "op": "lt", "data": "1002"})") == V{"DE Telecom Gmbh"});
    CHECK(names(R"({"field": "Id", "op": "le", "data": "1002"})") == V{"DE Telecom Gmbh", "Blah"});
    CHECK(names(R"({"field": "Id", "op": "gt", "data": "1004"})") == V{"Telemetry AG"});
    CHECK(names(R"({"field": "Id", "op": "ge", "data": "1004"})") == V{"Konopelski", "Telemetry AG"});
    CHECK(names(R"({"field": "Id", "op": "in", "data": "1003, 1001"})") == V{"DE Telecom Gmbh", "Bobs Fine Shoes"});
    CHECK(names(R"({"field": "Id", "op": "eq", "data": "1002"}, {"field": "Id", "op": "eq", "data": "1005"})").empty());  // AND
    CHECK(names(R"({"field": "Status", "op": "eq", "data": "Active"})", R"(, "sortcolumn": "CompanyName", "sortorder": "Desc")") ==
          V{"Telemetry AG", "Bobs Fine Shoes", "Blah"});

    auto or_rows = json_array(e.grid("v1/companies/getcustomers",
                                     R"({"filters": [{"field": "Id", "op": "eq", "data": "1002"},
                                                     {"field": "Id", "op": "eq", "data": "1005"}], "filterop": "OR"})")
                                  .body);
    CHECK(column(or_rows, "CompanyName") == V{"Blah", "Telemetry AG"});
}

TEST_CASE("psa grid: bad filters are 400 with a message", "[emulator][psa]") {
    Emu e;
    for (const std::string& bad : {
             std::string(R"({"filters": [{"field": "Colour", "op": "eq", "data": "x"}]})"),
             std::string(R"({"filters": [{"field": "CompanyName", "op": "xx", "data": "x"}]})"),
             std::string(R"({"sortcolumn": "Colour"})"),
             std::string(R"({"filters": [{"field": "Id", "op": "eq", "data": "abc"}]})"),
             std::string(R"({"pageno": 0})"),
             std::string(R"(not json)"),
         }) {
        auto reply = e.grid("v1/companies/getcustomers", bad);
        CHECK(reply.status == 400);
        CHECK(reply.json()->has("Message"));
    }
}

TEST_CASE("psa contacts and CMP-linked customers", "[emulator][psa]") {
    Emu e;
    auto contacts = json_array(e.grid("v1/contacts/getcontacts",
                                      R"({"filters": [{"field": "CompanyName", "op": "eq", "data": "DE Telecom Gmbh"}],
                                          "gridcolumns": "FirstName,LastName,Email,IsPrimary,TotalRows"})")
                                   .body);
    REQUIRE(contacts->size() == 2);
    CHECK(contacts->getObject(0)->getValue<bool>("IsPrimary"));
    CHECK(contacts->getObject(0)->getValue<std::string>("Email") == "ada@detelecom.example");
    auto by_id = json_array(e.grid("v1/contacts/getcontacts", R"({"filters": [{"field": "CustomerId", "op": "eq", "data": "1002"}]})").body);
    REQUIRE(by_id->size() == 1);
    CHECK(by_id->getObject(0)->getValue<std::string>("Email").empty());

    auto linked = json_array(e.grid("v1/externalsystems/getlinkedcustomers", R"({"pageno": 1, "pagesize": 50})",
                                    "externalSystem=CMP")
                                 .body);
    REQUIRE(linked->size() == 1);
    CHECK(linked->getObject(0)->getValue<int>("CustomerId") == 1004);
    CHECK(linked->getObject(0)->getValue<std::string>("ExternalId") == "11");
    CHECK(linked->getObject(0)->getValue<std::string>("ExternalCustomerName") == "Konopelski");
}

TEST_CASE("psa lookups: types, categories per type, statuses, teams", "[emulator][psa]") {
    Emu e;
    CHECK(column(json_array(e.psa("GET", "v1/tickets/gettickettypes", "resultType=Json").body), "Name") ==
          std::vector<std::string>{"Bug", "Incident A"});
    CHECK(column(json_array(e.psa("GET", "v1/tickets/getticketcategories", "ticketType=Incident%20A").body), "Name") ==
          std::vector<std::string>{"TCB", "Cat 3"});
    CHECK(column(json_array(e.psa("GET", "v1/tickets/getticketcategories", "ticketType=1").body), "Name") ==
          std::vector<std::string>{"TCB"});
    CHECK(json_array(e.psa("GET", "v1/tickets/getticketcategories").body)->size() == 3);
    CHECK(json_array(e.psa("GET", "v1/tickets/getticketcategories", "ticketType=Nope").body)->size() == 0);
    auto statuses = json_array(e.psa("GET", "v1/tickets/getticketstatuses").body);
    CHECK(statuses->getObject(0)->getValue<bool>("IsDefault"));
    CHECK(statuses->getObject(2)->getValue<bool>("IsClosed"));
    CHECK(column(json_array(e.psa("GET", "v1/teams/getteams").body), "Name") == std::vector<std::string>{"Support", "Operations"});
}

TEST_CASE("psa createticket: resolves names or ids, stamps dates, default status", "[emulator][psa]") {
    Emu e;
    auto reply = e.psa("POST", "v1/tickets/createticket", "", kTicket);
    REQUIRE(reply.status == 200);
    CHECK(reply.json()->getValue<long>("Id") == 5531);
    CHECK(reply.json()->getValue<std::string>("RefNumber") == "10452");
    const std::string second = create_ticket(
        e, R"({"Title": "t2", "CustomerNameOrId": "blah", "TicketTypeNameOrId": 1, "TicketStatusNameOrId": "In Progress"})");
    CHECK(second == "10453");

    auto tickets = e.psa_state()->getArray("tickets");
    REQUIRE(tickets->size() == 2);
    auto first = tickets->getObject(0);
    CHECK(first->getValue<std::string>("Status") == "New");
    CHECK(first->getValue<std::string>("Category") == "Cat 3");
    CHECK(first->getValue<std::string>("Team") == "Support");
    CHECK(first->getValue<int>("CustomerId") == 1001);
    CHECK(first->getValue<std::string>("CreatedDate").size() == 19);
    CHECK(tickets->getObject(1)->getValue<std::string>("Status") == "In Progress");
    CHECK(tickets->getObject(1)->getValue<std::string>("Type") == "Bug");
}

TEST_CASE("psa POSTs: a body that is not declared JSON is refused with 415 and changes nothing", "[emulator][psa]") {
    Emu e;
    auto reply = testsupport::http_raw(e.emu.psa_port(), "POST", "/webapi/v1/tickets/createticket?api_key=" + emutest::kApiKey,
                                       {{"Content-Type", "text/plain"}}, kTicket);
    CHECK(reply.status == 415);
    CHECK(reply.json()->getValue<std::string>("Message").find("text/plain") != std::string::npos);
    CHECK(e.psa_state()->getArray("tickets")->size() == 0);
}

TEST_CASE("psa createticket: a category name shared by two types resolves within the chosen type", "[emulator][psa]") {
    Emu e;
    auto reply = e.psa("POST", "v1/tickets/createticket", "",
                       R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Incident A", "TicketCategoryNameOrId": "TCB"})");
    REQUIRE(reply.status == 200);
    auto bug = e.psa("POST", "v1/tickets/createticket", "",
                     R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug", "TicketCategoryNameOrId": "tcb"})");
    REQUIRE(bug.status == 200);
    auto tickets = e.psa_state()->getArray("tickets");
    CHECK(tickets->getObject(0)->getValue<std::string>("Category") == "TCB");
    CHECK(tickets->getObject(0)->getValue<std::string>("Type") == "Incident A");
    CHECK(tickets->getObject(1)->getValue<std::string>("Type") == "Bug");
    // By id, a category of another type is refused.
    CHECK(e.psa("POST", "v1/tickets/createticket", "",
                R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug", "TicketCategoryNameOrId": 21})")
              .status == 400);
}

TEST_CASE("psa createticket: what does not resolve is a 400 naming it", "[emulator][psa]") {
    Emu e;
    auto refuse = [&](const std::string& body, const std::string& needle) {
        auto reply = e.psa("POST", "v1/tickets/createticket", "", body);
        CHECK(reply.status == 400);
        CHECK(reply.json()->getValue<std::string>("Message").find(needle) != std::string::npos);
    };
    refuse(R"({"Title": " ", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug"})", "Title");
    refuse(R"({"Title": "t", "CustomerNameOrId": "9999", "TicketTypeNameOrId": "Bug"})", "Customer");
    refuse(R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Feature"})", "type");
    refuse(R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug", "TicketCategoryNameOrId": "Cat 3"})", "category");
    refuse(R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug", "TicketStatusNameOrId": "Open"})", "status");
    refuse(R"({"Title": "t", "CustomerNameOrId": "1001", "TicketTypeNameOrId": "Bug", "TeamNameOrId": "Sales"})", "Team");
    CHECK(e.psa_state()->getArray("tickets")->size() == 0);
}

TEST_CASE("psa status updates and comments, by #ref or id", "[emulator][psa]") {
    Emu e;
    const std::string ref = create_ticket(e, kTicket);
    auto fixed = e.psa("POST", "v1/tickets/updateticketstatus", "",
                       R"({"TicketRefOrId": "#)" + ref + R"(", "TicketStatusNameOrId": "Fixed", "Comment": "resolved by the integration"})");
    REQUIRE(fixed.status == 200);
    CHECK(fixed.json()->getValue<std::string>("Status") == "Fixed");
    CHECK(e.psa("POST", "v1/tickets/updateticketstatus", "", R"({"TicketRefOrId": "5531", "TicketStatusNameOrId": "New"})").status == 200);
    CHECK(e.psa("POST", "v1/tickets/updateticketstatus", "", R"({"TicketRefOrId": "#1", "TicketStatusNameOrId": "New"})").status == 404);
    CHECK(e.psa("POST", "v1/tickets/updateticketstatus", "", R"({"TicketRefOrId": ")" + ref + R"(", "TicketStatusNameOrId": "New"})").status == 404);  // digits = Id
    CHECK(e.psa("POST", "v1/tickets/updateticketstatus", "", R"({"TicketRefOrId": "#)" + ref + R"(", "TicketStatusNameOrId": "Gone"})").status == 400);

    auto added = e.psa("POST", "v1/tickets/addcomment", "", R"({"TicketRefOrId": "#)" + ref + R"(", "Comment": "it recurred"})");
    REQUIRE(added.status == 200);
    CHECK(added.json()->has("Id"));
    CHECK(e.psa("POST", "v1/tickets/addcomment", "", R"({"TicketRefOrId": "#)" + ref + R"(", "Comment": ""})").status == 400);
    auto comments = json_array(e.psa("GET", "v1/tickets/getcommentsbyticketreference", "idOrRef=%23" + ref + "&resultType=Json").body);
    CHECK(column(comments, "Comment") == std::vector<std::string>{"resolved by the integration", "it recurred"});
    CHECK(e.psa("GET", "v1/tickets/getcommentsbyticketreference", "idOrRef=%2399").status == 404);

    auto history = e.psa_state()->getArray("tickets")->getObject(0)->getArray("history");
    REQUIRE(history->size() == 3);
    CHECK(history->getElement<std::string>(0) == "New");
    CHECK(history->getElement<std::string>(1) == "Fixed");
    CHECK(history->getElement<std::string>(2) == "New");
}

TEST_CASE("psa tickets report: change detection by date and by snapshot", "[emulator][psa]") {
    Emu e;
    const std::string a = create_ticket(e, kTicket);
    const std::string b = create_ticket(e, R"({"Title": "second [AC-01C2D69A-1]", "CustomerNameOrId": "Blah", "TicketTypeNameOrId": "Bug"})");
    auto since = json_array(e.grid("v1.3/tickets/getticketsreport",
                                   R"({"pageno": 1, "pagesize": 500, "filters": [{"field": "UpdatedDate", "op": "ge", "data": "2000-01-01T00:00:00"}],
                                       "sortcolumn": "UpdatedDate", "sortorder": "Asc", "gridcolumns": "RefNumber,Id,Status,UpdatedDate,TotalRows"})")
                                .body);
    CHECK(column(since, "RefNumber") == std::vector<std::string>{a, b});
    CHECK(json_array(e.grid("v1.3/tickets/getticketsreport",
                            R"({"filters": [{"field": "UpdatedDate", "op": "ge", "data": "2200-01-01T00:00:00"}]})")
                         .body)
              ->size() == 0);
    auto snapshot = json_array(e.grid("v1.3/tickets/getticketsreport",
                                      R"({"filters": [{"field": "RefNumber", "op": "in", "data": ")" + b + R"(,99999"}]})")
                                   .body);
    CHECK(column(snapshot, "Status") == std::vector<std::string>{"New"});
    auto lookup = json_array(e.grid("v1.3/tickets/getticketsreport",
                                    R"({"filters": [{"field": "Name", "op": "cn", "data": "[AC-33A7E16F-1]"},
                                                    {"field": "CustomerName", "op": "eq", "data": "DE Telecom Gmbh"}],
                                        "sortcolumn": "CreatedDate", "sortorder": "Asc", "pagesize": 5})")
                                 .body);
    CHECK(column(lookup, "RefNumber") == std::vector<std::string>{a});
    CHECK(e.grid("v1.3/tickets/getticketsreport", R"({"filters": [{"field": "UpdatedDate", "op": "ge", "data": "yesterday"}]})").status == 400);
}
