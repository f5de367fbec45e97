#include "hostsdk/migrations.hpp"

#include <Poco/Data/Transaction.h>

#include <stdexcept>

namespace hostsdk {

void apply_migrations(Poco::Data::Session& session, const std::string& component,
                      const std::vector<Migration>& migrations) {
    using namespace Poco::Data::Keywords;
    session << "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " component TEXT PRIMARY KEY,"
               " version INTEGER NOT NULL,"
               " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))",
        now;
    int current = 0;
    std::string name = component;
    session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?", use(name),
        into(current), now;
    if (current > static_cast<int>(migrations.size()))
        throw std::runtime_error("state database: schema of '" + component + "' is version " +
                                 std::to_string(current) + ", newer than this build knows (" +
                                 std::to_string(migrations.size()) + ")");
    for (int version = current; version < static_cast<int>(migrations.size()); ++version) {
        Poco::Data::Transaction transaction(session);
        for (const auto& statement : migrations[static_cast<std::size_t>(version)]) session << statement, now;
        int next = version + 1;
        session << "INSERT INTO schema_migrations(component, version) VALUES(?, ?)"
                   " ON CONFLICT(component) DO UPDATE SET version = excluded.version,"
                   " applied_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
            use(name), use(next), now;
        transaction.commit();
    }
}

}  // namespace hostsdk
