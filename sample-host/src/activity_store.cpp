#include "samplehost/activity_store.hpp"

#include <hostsdk/migrations.hpp>

#include <Poco/Data/Session.h>
#include <Poco/Data/Transaction.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/Tuple.h>

#include <sstream>

namespace samplehost {
namespace {

using namespace Poco::Data::Keywords;

const std::vector<hostsdk::Migration> kMigrations = {
    {
        "CREATE TABLE activity_log ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " at_us INTEGER NOT NULL,"
        " module TEXT NOT NULL,"
        " action TEXT NOT NULL,"
        " outcome TEXT NOT NULL,"
        " message TEXT NOT NULL,"
        " subjects TEXT NOT NULL)",
        "CREATE INDEX activity_log_at ON activity_log(at_us)",
        "CREATE TABLE activity_subject ("
        " entry_id INTEGER NOT NULL REFERENCES activity_log(id) ON DELETE CASCADE,"
        " name TEXT NOT NULL,"
        " value_folded TEXT NOT NULL,"
        " PRIMARY KEY (entry_id, name))",
        "CREATE INDEX activity_subject_value ON activity_subject(value_folded)",
    },
};

std::int64_t to_micros(hostsdk::Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::string subjects_json(const std::map<std::string, std::string>& subjects) {
    Poco::JSON::Object object;
    for (const auto& [name, value] : subjects) object.set(name, value);
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::map<std::string, std::string> parse_subjects(const std::string& json) {
    std::map<std::string, std::string> subjects;
    auto object = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [name, value] : *object) subjects[name] = value.toString();
    return subjects;
}

}  // namespace

ActivityStore::ActivityStore(Poco::Data::SessionPool& pool, const hostsdk::Clock& clock, Poco::Logger& log,
                             int retention_days)
    : pool_(pool), clock_(clock), log_(log), retention_days_(retention_days) {
    Poco::Data::Session session = pool_.get();
    hostsdk::apply_migrations(session, "host", kMigrations);
    prune();
}

void ActivityStore::record(const std::string& module, const hostsdk::ActivityEntry& entry) noexcept {
    try {
        Poco::Data::Session session = pool_.get();
        Poco::Data::Transaction transaction(session);
        std::int64_t at = to_micros(clock_.now());
        std::string module_name = module, action = entry.action, outcome = entry.outcome, message = entry.message;
        std::string subjects = subjects_json(entry.subjects);
        session << "INSERT INTO activity_log(at_us, module, action, outcome, message, subjects) VALUES(?, ?, ?, ?, ?, ?)",
            use(at), use(module_name), use(action), use(outcome), use(message), use(subjects), now;
        std::int64_t id = 0;
        session << "SELECT last_insert_rowid()", into(id), now;
        for (const auto& [name, value] : entry.subjects) {
            std::string subject_name = name;
            std::string folded = Poco::toLower(value);
            session << "INSERT INTO activity_subject(entry_id, name, value_folded) VALUES(?, ?, ?)", use(id),
                use(subject_name), use(folded), now;
        }
        transaction.commit();
    } catch (const std::exception& e) {
        log_.error("activity log: cannot store '" + entry.action + "' of " + module + ": " + e.what());
        return;
    }
    if (++recorded_ % 1000 == 0) prune();
}

void ActivityStore::prune() noexcept {
    if (retention_days_ <= 0) return;
    try {
        Poco::Data::Session session = pool_.get();
        std::int64_t cutoff = to_micros(clock_.now() - std::chrono::hours(24) * retention_days_);
        Poco::Data::Transaction transaction(session);
        session << "DELETE FROM activity_subject WHERE entry_id IN (SELECT id FROM activity_log WHERE at_us < ?)",
            use(cutoff), now;
        session << "DELETE FROM activity_log WHERE at_us < ?", use(cutoff), now;
        transaction.commit();
    } catch (const std::exception& e) {
        log_.error(std::string("activity log: cannot prune old entries: ") + e.what());
    }
}

std::pair<std::vector<StoredActivity>, std::size_t> ActivityStore::query(const ActivityQuery& q) const {
    std::string where = " WHERE 1=1";
    std::vector<std::string> text_args;
    std::string module = Poco::toLower(q.module), action = Poco::toLower(q.action), subject = Poco::toLower(q.subject);
    std::int64_t since = q.since ? to_micros(*q.since) : 0;
    if (!module.empty()) where += " AND lower(module) = ?";
    if (!action.empty()) where += " AND lower(action) = ?";
    if (!subject.empty()) where += " AND id IN (SELECT entry_id FROM activity_subject WHERE value_folded = ?)";
    if (q.since) where += " AND at_us >= ?";

    Poco::Data::Session session = pool_.get();
    auto bind_filters = [&](Poco::Data::Statement& statement) {
        if (!module.empty()) statement, use(module);
        if (!action.empty()) statement, use(action);
        if (!subject.empty()) statement, use(subject);
        if (q.since) statement, use(since);
    };

    std::size_t total = 0;
    {
        Poco::Data::Statement count(session);
        count << "SELECT COUNT(*) FROM activity_log" + where;
        bind_filters(count);
        count, into(total);
        count.execute();
    }

    std::vector<std::int64_t> ids, ats;
    std::vector<std::string> modules, actions, outcomes, messages, subjects;
    {
        Poco::Data::Statement select(session);
        std::int64_t limit = static_cast<std::int64_t>(q.limit), offset = static_cast<std::int64_t>(q.offset);
        select << "SELECT id, at_us, module, action, outcome, message, subjects FROM activity_log" + where +
                      " ORDER BY id DESC LIMIT ? OFFSET ?";
        bind_filters(select);
        select, use(limit), use(offset), into(ids), into(ats), into(modules), into(actions), into(outcomes),
            into(messages), into(subjects);
        select.execute();
    }

    std::vector<StoredActivity> items;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        StoredActivity item;
        item.id = ids[i];
        item.at = hostsdk::Clock::time_point(std::chrono::microseconds(ats[i]));
        item.module = modules[i];
        item.entry.action = actions[i];
        item.entry.outcome = outcomes[i];
        item.entry.message = messages[i];
        item.entry.subjects = parse_subjects(subjects[i]);
        items.push_back(std::move(item));
    }
    return {std::move(items), total};
}

}  // namespace samplehost
