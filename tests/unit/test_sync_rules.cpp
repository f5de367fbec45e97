// Every row of the ticketing decision table (issue #7), with the reopen window on a manual clock.

#include "acpsa/core/alert_types.hpp"
#include "acpsa/core/sync_rules.hpp"

#include "samplehost/host_clock.hpp"

#include <catch2/catch.hpp>

using namespace acpsa::core::sync;

namespace {

constexpr std::int64_t kDay = 86400LL * 1000000000LL;

Settings on() {
    Settings s;
    s.mapped = true;
    s.creation = true;
    s.type_enabled = true;
    s.auto_close = true;
    s.auto_reopen = true;
    s.reopen_days = 2;
    return s;
}

LinkFacts link(const std::string& state, int occurrence = 1) {
    LinkFacts l;
    l.state = acpsa::core::parse_link_state(state);
    l.occurrence = occurrence;
    return l;
}

std::int64_t ns(const samplehost::ManualClock& clock) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock.now().time_since_epoch()).count();
}

}  // namespace

TEST_CASE("decide: active with no link creates occurrence 1, or says why not", "[sync]") {
    auto d = decide(false, std::nullopt, on(), 0);
    CHECK(d.action == Action::create);
    CHECK(d.occurrence == 1);
    Settings off = on();
    off.creation = false;
    CHECK(decide(false, std::nullopt, off, 0).reason == "creation off");
    Settings type_off = on();
    type_off.type_enabled = false;
    CHECK(decide(false, std::nullopt, type_off, 0).reason == "type off");
    Settings unmapped = on();
    unmapped.mapped = false;
    auto skipped = decide(false, std::nullopt, unmapped, 0);
    CHECK(skipped.action == Action::skip);
    CHECK(skipped.reason == "not mapped");
}

TEST_CASE("decide: cleared when first seen is skipped", "[sync]") {
    auto d = decide(true, std::nullopt, on(), 0);
    CHECK(d.action == Action::skip);
    CHECK(d.reason == "cleared before seen");
}

TEST_CASE("decide: raised again on an open ticket: read it once, then a comment", "[sync]") {
    CHECK(decide(false, link("open"), on(), 0).action == Action::check_ticket);
    auto verified = link("open");
    verified.verified_open = true;
    CHECK(decide(false, verified, on(), 0).action == Action::comment);
    Settings off = on();
    off.creation = false;  // no new ticket either way: the comment does not depend on creation
    CHECK(decide(false, verified, off, 0).action == Action::comment);
}

TEST_CASE("decide: raised again within the reopen window reopens, after it a new occurrence", "[sync]") {
    samplehost::ManualClock clock;
    auto resolved = link("resolved", 3);
    resolved.ticket_closed = true;
    resolved.closed_since_ns = ns(clock);
    clock.advance(std::chrono::hours(47));
    CHECK(decide(false, resolved, on(), ns(clock)).action == Action::reopen);
    clock.advance(std::chrono::hours(1));  // exactly 2 days: "days or more ago"
    auto late = decide(false, resolved, on(), ns(clock));
    CHECK(late.action == Action::create);
    CHECK(late.occurrence == 4);
    Settings no_reopen = on();
    no_reopen.auto_reopen = false;
    CHECK(decide(false, resolved, no_reopen, ns(clock) - kDay).action == Action::create);
    Settings no_creation = no_reopen;
    no_creation.creation = false;
    CHECK(decide(false, resolved, no_creation, 0).reason == "creation off");
}

TEST_CASE("decide: a ticket a technician closed counts as resolved from when it was first seen closed", "[sync]") {
    auto closed = link("open", 1);
    closed.ticket_closed = true;
    closed.closed_since_ns = 10 * kDay;
    CHECK(decide(false, closed, on(), 10 * kDay + kDay).action == Action::reopen);
    CHECK(decide(false, closed, on(), 13 * kDay).action == Action::create);
    CHECK(decide(true, closed, on(), 11 * kDay).action == Action::note_clear);
}

TEST_CASE("decide: cleared on an open ticket resolves with auto-close, else it is noted", "[sync]") {
    CHECK(decide(true, link("open"), on(), 0).action == Action::resolve);
    Settings no_close = on();
    no_close.auto_close = false;
    auto noted = decide(true, link("open"), no_close, 0);
    CHECK(noted.action == Action::note_clear);
    CHECK(noted.reason == "automatic close is off");
    CHECK(decide(true, link("resolved"), on(), 0).action == Action::note_clear);
}

TEST_CASE("decide: an intent still creating is settled first, unlinked customers are left alone", "[sync]") {
    CHECK(decide(false, link("creating"), on(), 0).action == Action::settle);
    CHECK(decide(true, link("creating"), on(), 0).action == Action::settle);
    Settings unmapped = on();
    unmapped.mapped = false;
    CHECK(decide(true, link("open"), unmapped, 0).action == Action::leave);
    CHECK(decide(false, link("resolved"), unmapped, 0).action == Action::leave);
    auto after_failure = decide(false, link("failed", 2), on(), 0);
    CHECK(after_failure.action == Action::create);
    CHECK(after_failure.occurrence == 3);
    CHECK(decide(true, link("failed"), on(), 0).action == Action::leave);
}

TEST_CASE("alert type names come from the embedded table, unknown ids as they are", "[sync]") {
    CHECK(acpsa::core::alert_type_name("BackupFailed") == "Backup failed");
    CHECK(acpsa::core::alert_type_name("NoBackupForXDays") == "Backup is missing");
    CHECK(acpsa::core::alert_type_name("SomethingNew") == "SomethingNew");
    CHECK(acpsa::core::known_alert_types().size() == 10);
}
