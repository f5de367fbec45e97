#pragma once
/// Versioned schema migrations in the state database: one `schema_migrations` row per component.

#include <Poco/Data/Session.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace hostsdk {

/// One migration: the SQL statements that take the schema from version N to N+1.
using Migration = std::vector<std::string>;

/// Brings `component`'s tables to version `migrations.size()`, applying each missing migration in
/// its own transaction together with the version bump, so a crash leaves either the old or the new
/// version. Idempotent. Throws std::runtime_error when the database holds a newer version than
/// `migrations` knows (a newer build wrote it), and Poco::Data exceptions on SQL errors (the failed
/// migration is rolled back). The caller serialises migrations of one component.
void apply_migrations(Poco::Data::Session& session, const std::string& component,
                      const std::vector<Migration>& migrations);

}  // namespace hostsdk
