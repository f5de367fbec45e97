// The integration's state store on :memory: and on a file: migrations and the uniqueness rules.

#include "acpsa/core/failpoints.hpp"
#include "acpsa/core/store.hpp"

#include "samplehost/state_database.hpp"

#include "test_support.hpp"

#include <Poco/Data/Session.h>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace acpsa::core;

namespace {

struct MemoryStore {
    std::unique_ptr<Poco::Data::SessionPool> pool = samplehost::open_state_database(":memory:", std::chrono::seconds(5));
    Store store{*pool};
};

TicketLink link_for(const std::string& alert, int occurrence, std::optional<std::string> resource = std::nullopt) {
    TicketLink l;
    l.alert_id = alert;
    l.occurrence = occurrence;
    l.alert_type = "BackupFailed";
    l.tenant_id = "t1";
    l.resource_key = std::move(resource);
    l.psa_customer_id = "1001";
    l.intent_ns = 10;
    l.created_ns = 10;
    return l;
}

Mapping mapping_of(std::string customer, std::optional<std::string> tenant, MappingState state, std::optional<std::string> error,
                   std::string source, std::int64_t at) {
    Mapping m;
    m.psa_customer_id = std::move(customer);
    m.tenant_id = std::move(tenant);
    m.psa_customer_name = "Customer " + m.psa_customer_id;
    m.tenant_name = "Tenant";
    m.state = state;
    m.error = std::move(error);
    m.source = std::move(source);
    m.updated_ns = at;
    return m;
}

}  // namespace

TEST_CASE("store: a customer maps to one tenant and a tenant to one customer", "[core][store]") {
    MemoryStore m;
    m.store.put_mapping(mapping_of("1001", std::string("T-A"), MappingState::mapped, std::nullopt, "manual", 1));
    CHECK(m.store.mapping("1001")->tenant_id == std::optional<std::string>("t-a"));
    CHECK(m.store.mapping_for_tenant("T-A")->psa_customer_id == "1001");
    CHECK_THROWS_AS(m.store.put_mapping(mapping_of("1002", std::string("t-a"), MappingState::mapped, std::nullopt, "manual", 2)), StoreConflict);
    CHECK_FALSE(m.store.mapping("1002").has_value());  // nothing half-written
    m.store.put_mapping(mapping_of("1001", std::string("t-b"), MappingState::failed, std::string("tenant disabled"), "manual", 3));
    CHECK(m.store.mapping("1001")->error == std::optional<std::string>("tenant disabled"));
    m.store.put_mapping(mapping_of("1002", std::string("t-a"), MappingState::mapped, std::nullopt, "marketplace", 4));  // t-a is free now
    m.store.put_mapping(mapping_of("1003", std::nullopt, MappingState::provisioning, std::nullopt, "provisioned", 5));
    m.store.put_mapping(mapping_of("1004", std::nullopt, MappingState::provisioning, std::nullopt, "provisioned", 5));  // many without a tenant
    CHECK(m.store.mappings().size() == 4);
    m.store.remove_mapping("1001");
    CHECK_FALSE(m.store.mapping("1001").has_value());
    CHECK_THROWS_WITH(parse_mapping_state("weird"), "unknown mapping state 'weird'");
}

TEST_CASE("store: map to new starts a job and a provisioning mapping together, or neither", "[core][store]") {
    MemoryStore m;
    auto job = m.store.start_provisioning("1008", "Contoso Ltd", 5);
    CHECK(m.store.mapping("1008")->state == MappingState::provisioning);
    CHECK(m.store.mapping("1008")->psa_customer_name == "Contoso Ltd");
    CHECK(m.store.running_job_for("1008")->id == job.id);
    CHECK_THROWS_AS(m.store.start_provisioning("1008", "Contoso Ltd", 6), StoreConflict);
    m.store.put_mapping(mapping_of("1001", std::string("t1"), MappingState::mapped, std::nullopt, "manual", 1));
    CHECK_THROWS_AS(m.store.start_provisioning("1001", "DE Telecom", 7), StoreConflict);
    CHECK(m.store.jobs().size() == 1);  // the refused one left no job behind
    m.store.put_mapping(mapping_of("1002", std::nullopt, MappingState::failed, std::string("map failed upstream"), "manual", 1));
    CHECK_NOTHROW(m.store.start_provisioning("1002", "Blah", 8));  // a failed action does not block
}

TEST_CASE("store: one running provisioning job per customer", "[core][store]") {
    MemoryStore m;
    auto job = m.store.create_job("1009", 100);
    CHECK(job.id > 0);
    CHECK(job.step == JobStep::check_login);
    CHECK_THROWS_AS(m.store.create_job("1009", 101), StoreConflict);
    job.step = JobStep::create_user;
    job.tenant_id = "t9";
    job.updated_ns = 102;
    m.store.update_job(job);
    CHECK(m.store.running_job_for("1009")->tenant_id == std::optional<std::string>("t9"));
    job.state = JobState::done;
    job.step = JobStep::done;
    m.store.update_job(job);
    CHECK_FALSE(m.store.running_job_for("1009").has_value());
    auto second = m.store.create_job("1009", 200);  // a new one after the first ended
    CHECK(second.id != job.id);
    CHECK(m.store.jobs().size() == 2);
    CHECK(m.store.jobs(JobState::done).size() == 1);
}

TEST_CASE("store: links keep one per occurrence, one open per alert, one open per resource", "[core][store]") {
    MemoryStore m;
    auto first = m.store.create_link(link_for("33a7e16f-aaaa", 1, std::string("SRV-01")));
    CHECK(first.alert_id == "33A7E16F-AAAA");
    CHECK(first.state == LinkState::creating);
    // The same occurrence again, or a second open link for the alert: refused.
    CHECK_THROWS_AS(m.store.create_link(link_for("33A7E16F-AAAA", 1)), StoreConflict);
    CHECK_THROWS_AS(m.store.create_link(link_for("33A7E16F-AAAA", 2)), StoreConflict);
    // Another alert on the same tenant, type and resource while the first is open: refused.
    CHECK_THROWS_AS(m.store.create_link(link_for("01C2D69A-BBBB", 1, std::string("SRV-01"))), StoreConflict);
    CHECK(m.store.create_link(link_for("01C2D69A-BBBB", 1, std::string("SRV-02"))).id > first.id);

    first.state = LinkState::open;
    first.ticket_id = "5531";
    first.ticket_ref = "10452";
    m.store.update_link(first);
    CHECK(m.store.open_link_for_alert("33a7e16f-AAAA")->ticket_ref == std::optional<std::string>("10452"));
    CHECK(m.store.open_link_for_resource("t1", "BackupFailed", "SRV-01")->id == first.id);
    first.state = LinkState::resolved;
    first.resolved_ns = 50;
    m.store.update_link(first);
    CHECK_FALSE(m.store.open_link_for_alert("33A7E16F-AAAA").has_value());
    // With nothing open, only the one-link-per-occurrence rule stands between a retry and a
    // second ticket for the same occurrence.
    CHECK_THROWS_AS(m.store.create_link(link_for("33a7e16f-aaaa", 1, std::string("SRV-01"))), StoreConflict);
    CHECK(m.store.links(LinkQuery{std::nullopt, "", "33a7e16f-aaaa", 0, 10}).second == 1);
    auto second = m.store.create_link(link_for("33A7E16F-AAAA", 2, std::string("SRV-01")));  // next occurrence
    CHECK(m.store.latest_link_for_alert("33a7e16f-aaaa")->id == second.id);

    auto [page, total] = m.store.links(LinkQuery{std::nullopt, "", "33a7e16f-aaaa", 0, 1});
    CHECK(total == 2);
    REQUIRE(page.size() == 1);
    CHECK(page[0].occurrence == 2);  // newest first
    CHECK(m.store.links(LinkQuery{LinkState::resolved, "", "", 0, 10}).second == 1);
    CHECK(m.store.links_in_states({LinkState::creating}).size() == 2);
}

TEST_CASE("store: settings, rules, caches, proposals, cursors, processed alert changes", "[core][store]") {
    MemoryStore m;
    CHECK(m.store.settings("ticketing")->size() == 0);
    Poco::JSON::Object::Ptr values = new Poco::JSON::Object;
    values->set("ticket_creation", true);
    values->set("days", 3);
    m.store.put_settings("ticketing", values);
    CHECK(m.store.settings("ticketing")->getValue<int>("days") == 3);

    m.store.put_alert_rule(AlertRule{"BackupFailed", true, std::string("Incident A"), std::string("TCB"), std::string("Support")});
    m.store.put_alert_rule(AlertRule{"BackupFailed", false, std::string("Incident A"), std::string("TCB"), std::string("Support")});
    REQUIRE(m.store.alert_rule("BackupFailed"));
    CHECK_FALSE(m.store.alert_rule("BackupFailed")->enabled);
    CHECK(m.store.alert_rule("BackupFailed")->team == std::optional<std::string>("Support"));

    m.store.replace_psa_customers({{"1001", "DE Telecom Gmbh", "C1", "No Relationship", "Ada Lovelace"}, {"1002", "Blah", "", "", ""}});
    m.store.replace_psa_customers({{"1002", "Blah", "", "Active", ""}});
    CHECK(m.store.psa_customers().size() == 1);
    CHECK(m.store.psa_customer("1002")->status == "Active");
    Tenant t;
    t.id = "T1";
    t.name = "Wilbur";
    t.kind = "customer";
    t.customer_id = "osa_account_id=1";
    t.ancestral_access = false;
    m.store.replace_tenants({t});
    CHECK(m.store.tenant("t1")->customer_id == std::optional<std::string>("osa_account_id=1"));
    CHECK_FALSE(m.store.tenant("t1")->manageable());

    m.store.replace_proposals({{"1007", "Wilbur", "T1", "Wilbur", "1100244869"}}, {{"1100244870", "two tenants carry this account id"}});
    CHECK(m.store.proposals().size() == 1);
    CHECK(m.store.skipped_proposals().at(0).reason == "two tenants carry this account id");
    CHECK_THROWS_AS(m.store.replace_proposals({{"1", "a", "T1", "x", "1"}, {"2", "b", "t1", "x", "1"}}, {}), StoreConflict);
    CHECK(m.store.proposals().size() == 1);  // the refused replacement left the old list

    CHECK_FALSE(m.store.cursor("alerts").has_value());
    m.store.put_cursor("alerts", "1714557601216375706");
    CHECK(m.store.cursor("alerts") == std::optional<std::string>("1714557601216375706"));
    CHECK(m.store.cursor_ns("alerts") == std::optional<std::int64_t>(1714557601216375706LL));
    CHECK_FALSE(m.store.cursor_ns("tickets").has_value());
    m.store.put_cursor("tickets", "12x");
    CHECK_THROWS_WITH(m.store.cursor_ns("tickets"), Catch::Contains("sync cursor 'tickets' holds '12x'"));
    CHECK(m.store.cursor("tickets") == std::optional<std::string>("12x"));  // left as it is

    m.store.mark_alert_change_processed("abc", 5);
    m.store.mark_alert_change_processed("ABC", 5);
    CHECK(m.store.alert_change_processed("Abc", 5));
    CHECK_FALSE(m.store.alert_change_processed("abc", 6));
    m.store.prune_processed_alert_changes(6);
    CHECK_FALSE(m.store.alert_change_processed("abc", 5));

    m.store.record_ticket_status(7, "Fixed", true, 100);
    m.store.record_ticket_status(7, "New", false, 200);
    auto history = m.store.ticket_status_history(7);
    REQUIRE(history.size() == 2);
    CHECK(history[0].first == "Fixed");
}

TEST_CASE("store: an empty file is migrated, and a reopened file keeps its data", "[core][store]") {
    testsupport::TempDir dir;
    testsupport::write_file(dir.file("state.db"), "");  // an empty file
    {
        auto pool = samplehost::open_state_database(dir.file("state.db"), std::chrono::seconds(5));
        Store store(*pool);
        store.put_mapping(mapping_of("1001", std::string("t1"), MappingState::mapped, std::nullopt, "manual", 1));
        Poco::Data::Session session = pool->get();
        using namespace Poco::Data::Keywords;
        int version = 0;
        session << "SELECT version FROM schema_migrations WHERE component = 'acpsa_core'", into(version), now;
        CHECK(version == 2);  // v2: the links' compare-and-set version
    }
    auto pool = samplehost::open_state_database(dir.file("state.db"), std::chrono::seconds(5));
    Store again(*pool);
    CHECK(again.mapping("1001")->tenant_id == std::optional<std::string>("t1"));
}

TEST_CASE("store: concurrent writers on one file do not lose rows", "[core][store]") {
    testsupport::TempDir dir;
    auto pool = samplehost::open_state_database(dir.file("state.db"), std::chrono::seconds(10));
    Store store(*pool);
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
        writers.emplace_back([&, w] {
            for (int i = 0; i < 25; ++i) store.mark_alert_change_processed("alert-" + std::to_string(w), i);
        });
    for (auto& t : writers) t.join();
    int found = 0;
    for (int w = 0; w < 4; ++w)
        for (int i = 0; i < 25; ++i) found += store.alert_change_processed("alert-" + std::to_string(w), i) ? 1 : 0;
    CHECK(found == 100);
}

TEST_CASE("failpoints end the process only when listed in ACPSA_FAILPOINTS", "[core][failpoints]") {
    auto run_child = [](const char* env_value) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            if (env_value) ::setenv("ACPSA_FAILPOINTS", env_value, 1);
            else ::unsetenv("ACPSA_FAILPOINTS");
            failpoint("ticketing.after_intent");
            ::_exit(0);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    CHECK(run_child(nullptr) == 0);
    CHECK(run_child("other.point") == 0);
    CHECK(run_child("a, ticketing.after_intent ,b") == kFailpointExitStatus);
    CHECK(run_child("ticketing.after_intent_x") == 0);
}

TEST_CASE("store: a link update is a compare-and-set: a writer with a stale copy is refused and nothing is written",
          "[core][store]") {
    MemoryStore m;
    auto ticketing_copy = m.store.create_link(link_for("33a7e16f-aaaa", 1));
    auto clearing_copy = *m.store.link(ticketing_copy.id);
    CHECK(ticketing_copy.version == 0);

    clearing_copy.ticket_status = "Fixed";
    clearing_copy.closed_seen_ns = 70;
    m.store.update_link(clearing_copy);
    CHECK(clearing_copy.version == 1);  // bumped on success

    ticketing_copy.state = LinkState::failed;  // decided on a copy read before the clearing write
    CHECK_THROWS_AS(m.store.update_link(ticketing_copy), StaleLink);
    CHECK(ticketing_copy.version == 0);
    const auto stored = m.store.link(ticketing_copy.id);
    CHECK(stored->state == LinkState::creating);  // the stale write left nothing behind
    CHECK(stored->ticket_status == std::optional<std::string>("Fixed"));
    CHECK(stored->version == 1);

    auto fresh = *m.store.link(ticketing_copy.id);  // read again, decide again: accepted
    fresh.state = LinkState::failed;
    m.store.update_link(fresh);
    CHECK(m.store.link(fresh.id)->state == LinkState::failed);
}

TEST_CASE("store: every state word reads back as its enum, and an unknown one is named", "[core][store]") {
    for (auto s : {LinkState::creating, LinkState::open, LinkState::resolved, LinkState::failed})
        CHECK(parse_link_state(to_string(s)) == s);
    for (auto s : {JobStep::check_login, JobStep::create_tenant, JobStep::enable_2fa, JobStep::create_user, JobStep::grant_role,
                   JobStep::activate, JobStep::done})
        CHECK(parse_job_step(to_string(s)) == s);
    CHECK(parse_alert_state("cleared") == AlertState::cleared);
    CHECK(parse_job_state("done") == JobState::done);
    CHECK_THROWS_WITH(parse_link_state("Open"), "unknown link state 'Open'");
    CHECK_THROWS_WITH(parse_job_step(""), "unknown job step ''");
}

TEST_CASE("store: a merged write applies its change to the link as another writer left it", "[core][store]") {
    MemoryStore m;
    auto mine = m.store.create_link(link_for("33a7e16f-aaaa", 1));
    auto other = *m.store.link(mine.id);
    other.ticket_status = "Fixed";
    m.store.update_link(other);
    int applied = 0;
    m.store.merge_link(mine, [&](TicketLink& l) {
        ++applied;
        l.state = LinkState::open;
    });
    CHECK(applied == 2);  // once on the stale copy, once on the fresh one
    const auto stored = m.store.link(mine.id);
    CHECK(stored->state == LinkState::open);
    CHECK(stored->ticket_status == std::optional<std::string>("Fixed"));
    CHECK(mine.version == stored->version);
}
