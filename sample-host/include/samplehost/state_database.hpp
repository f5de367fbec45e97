#pragma once

#include <Poco/Data/SessionPool.h>

#include <chrono>
#include <memory>
#include <string>

namespace samplehost {

/// Opens the host's SQLite state database: creates its directory (mode 0700) when missing and the
/// file with mode 0600 (an existing file is set to 0600 too), switches it to WAL, and returns a
/// session pool whose sessions wait up to `busy_timeout` on a lock. Throws std::runtime_error naming
/// the path when any step fails. `path` may be `:memory:` for tests (then the pool holds one
/// session, since every SQLite memory connection is a database of its own).
std::unique_ptr<Poco::Data::SessionPool> open_state_database(const std::string& path,
                                                             std::chrono::seconds busy_timeout,
                                                             std::size_t max_sessions = 16);

}  // namespace samplehost
