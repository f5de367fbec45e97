#include "samplehost/activity_store.hpp"
#include "samplehost/host_clock.hpp"
#include "samplehost/state_database.hpp"

#include <hostsdk/migrations.hpp>

#include "test_support.hpp"

#include <Poco/Data/Session.h>

#include <catch2/catch.hpp>

#include <sys/stat.h>

using samplehost::ActivityQuery;

TEST_CASE("activity log: newest first, filters, paging and total", "[activity]") {
    samplehost::ManualClock clock;
    auto pool = samplehost::open_state_database(":memory:", std::chrono::seconds(5));
    samplehost::ActivityStore store(*pool, clock, Poco::Logger::get("test.activity"), 90);

    const auto t0 = clock.now();
    store.record("ticketing", {"ticket_created", "ok", "Backup failed → ticket #1", {{"alert_id", "33A7E16F-AAAA"}, {"ticket_ref", "1"}}});
    clock.advance(std::chrono::seconds(10));
    store.record("mapping", {"mapping_created", "ok", "DE Telecom mapped", {{"psa_customer_id", "1001"}}});
    clock.advance(std::chrono::seconds(10));
    store.record("ticketing", {"ticket_resolved", "ok", "resolved", {{"alert_id", "33a7e16f-aaaa"}}});

    auto [all, total] = store.query({});
    CHECK(total == 3);
    REQUIRE(all.size() == 3);
    CHECK(all[0].entry.action == "ticket_resolved");
    CHECK(all[2].entry.action == "ticket_created");
    CHECK(all[2].entry.subjects.at("ticket_ref") == "1");
    CHECK(all[2].at == t0);
    CHECK(all[0].id > all[1].id);

    ActivityQuery by_module;
    by_module.module = "TICKETING";
    CHECK(store.query(by_module).second == 2);

    ActivityQuery by_subject;
    by_subject.subject = "33A7E16F-aaaa";  // alert ids compare case-insensitively
    CHECK(store.query(by_subject).second == 2);

    ActivityQuery by_action;
    by_action.action = "mapping_created";
    CHECK(store.query(by_action).first.at(0).module == "mapping");

    ActivityQuery since;
    since.since = t0 + std::chrono::seconds(10);
    CHECK(store.query(since).second == 2);

    ActivityQuery page;
    page.offset = 1;
    page.limit = 1;
    auto [items, count] = store.query(page);
    CHECK(count == 3);
    REQUIRE(items.size() == 1);
    CHECK(items[0].entry.action == "mapping_created");
}

TEST_CASE("activity log: entries older than the retention are pruned", "[activity]") {
    samplehost::ManualClock clock;
    auto pool = samplehost::open_state_database(":memory:", std::chrono::seconds(5));
    samplehost::ActivityStore store(*pool, clock, Poco::Logger::get("test.activity"), 1);
    store.record("m", {"old", "ok", "", {{"k", "v"}}});
    clock.advance(std::chrono::hours(25));
    store.record("m", {"new", "ok", "", {}});
    store.prune();
    auto [items, total] = store.query({});
    CHECK(total == 1);
    CHECK(items.at(0).entry.action == "new");
    ActivityQuery by_subject;
    by_subject.subject = "v";
    CHECK(store.query(by_subject).second == 0);
}

TEST_CASE("state database: directory 0700, file 0600, WAL, migrations recorded per component", "[database]") {
    testsupport::TempDir dir;
    const std::string path = dir.file("state/sub/state.db");
    {
        auto pool = samplehost::open_state_database(path, std::chrono::seconds(5));
        samplehost::ManualClock clock;
        samplehost::ActivityStore store(*pool, clock, Poco::Logger::get("test.activity"), 0);
        store.record("m", {"a", "ok", "kept", {}});
        Poco::Data::Session session = pool->get();
        using namespace Poco::Data::Keywords;
        std::string mode;
        session << "PRAGMA journal_mode", into(mode), now;
        CHECK(mode == "wal");
        int version = 0;
        session << "SELECT version FROM schema_migrations WHERE component = 'host'", into(version), now;
        CHECK(version == 1);
    }
    struct stat st {};
    REQUIRE(::stat(dir.file("state/sub").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    // Opening again keeps what was stored and does not re-run migrations.
    auto pool = samplehost::open_state_database(path, std::chrono::seconds(5));
    samplehost::ManualClock clock;
    samplehost::ActivityStore store(*pool, clock, Poco::Logger::get("test.activity"), 0);
    CHECK(store.query({}).first.at(0).entry.message == "kept");
}

TEST_CASE("state database: a path that cannot be created is named in the error", "[database]") {
    testsupport::TempDir dir;
    testsupport::write_file(dir.file("blocker"), "not a directory");
    CHECK_THROWS_WITH(samplehost::open_state_database(dir.file("blocker/state.db"), std::chrono::seconds(5)),
                      Catch::Contains("blocker/state.db"));
}

TEST_CASE("migrations refuse a database written by a newer build", "[database]") {
    auto pool = samplehost::open_state_database(":memory:", std::chrono::seconds(5));
    Poco::Data::Session session = pool->get();
    hostsdk::apply_migrations(session, "comp", {{"CREATE TABLE a (x)"}, {"CREATE TABLE b (y)"}});
    hostsdk::apply_migrations(session, "comp", {{"CREATE TABLE a (x)"}, {"CREATE TABLE b (y)"}});  // idempotent
    CHECK_THROWS_WITH(hostsdk::apply_migrations(session, "comp", {{"CREATE TABLE a (x)"}}),
                      Catch::Contains("newer than this build"));
}

TEST_CASE("a failing migration is rolled back whole", "[database]") {
    auto pool = samplehost::open_state_database(":memory:", std::chrono::seconds(5));
    Poco::Data::Session session = pool->get();
    CHECK_THROWS(hostsdk::apply_migrations(session, "comp", {{"CREATE TABLE a (x)", "THIS IS NOT SQL"}}));
    using namespace Poco::Data::Keywords;
    int tables = -1;
    session << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'a'", into(tables), now;
    CHECK(tables == 0);
    int rows = -1;
    session << "SELECT COUNT(*) FROM schema_migrations WHERE component = 'comp'", into(rows), now;
    CHECK(rows == 0);
}
