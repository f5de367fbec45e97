#include "acpsa/core/sync_rules.hpp"

namespace acpsa::core::sync {

const char* to_string(Action action) noexcept {
    switch (action) {
        case Action::create: return "create";
        case Action::check_ticket: return "check_ticket";
        case Action::comment: return "comment";
        case Action::reopen: return "reopen";
        case Action::resolve: return "resolve";
        case Action::note_clear: return "note_clear";
        case Action::skip: return "skip";
        case Action::leave: return "leave";
        case Action::settle: return "settle";
    }
    return "skip";
}

namespace {

Decision create_or_skip(const Settings& s, int occurrence) {
    if (!s.creation) return {Action::skip, 0, "creation off"};
    if (!s.type_enabled) return {Action::skip, 0, "type off"};
    return {Action::create, occurrence, ""};
}

}  // namespace

Decision decide(bool cleared, const std::optional<LinkFacts>& latest, const Settings& s, std::int64_t now_ns) {
    // Unlinked customers: their existing tickets are left alone, and nothing new is made.
    if (!s.mapped) {
        if (latest) return {Action::leave, 0, "not mapped"};
        return {Action::skip, 0, cleared ? "cleared before seen" : "not mapped"};
    }
    if (latest && latest->state == LinkState::creating) return {Action::settle, 0, ""};

    const bool has_ticket = latest && (latest->state == LinkState::open || latest->state == LinkState::resolved);
    const bool closed = has_ticket && (latest->state == LinkState::resolved || latest->ticket_closed);

    if (cleared) {
        if (!latest) return {Action::skip, 0, "cleared before seen"};
        if (!has_ticket) return {Action::leave, 0, "the link failed"};
        if (closed) return {Action::note_clear, 0, "the ticket is already closed"};
        if (s.auto_close) return {Action::resolve, 0, ""};
        return {Action::note_clear, 0, "automatic close is off"};
    }

    // Active: raised, or raised again.
    if (!latest) return create_or_skip(s, 1);
    if (!has_ticket) return create_or_skip(s, latest->occurrence + 1);  // a failed occurrence stays failed
    if (!closed) {
        if (!latest->verified_open) return {Action::check_ticket, 0, ""};
        return {Action::comment, 0, ""};
    }
    const std::int64_t window = static_cast<std::int64_t>(s.reopen_days) * 86400LL * 1000000000LL;
    if (s.auto_reopen && latest->closed_since_ns && now_ns - *latest->closed_since_ns < window)
        return {Action::reopen, 0, ""};
    return create_or_skip(s, latest->occurrence + 1);
}

}  // namespace acpsa::core::sync
