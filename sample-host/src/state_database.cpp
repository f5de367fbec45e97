#include "samplehost/state_database.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Path.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace samplehost {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error("host.state.database: " + path + ": " + what);
}

void prepare_file(const std::string& path) {
    const fs::path file(path);
    const fs::path dir = file.parent_path();
    std::error_code ec;
    if (!dir.empty() && !fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) fail(path, "cannot create directory " + dir.string() + ": " + ec.message());
        if (::chmod(dir.c_str(), 0700) != 0) fail(path, "cannot set mode 0700 on " + dir.string() + ": " + std::strerror(errno));
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    const int rc = ::fchmod(fd, 0600);
    const int saved = errno;
    ::close(fd);
    if (rc != 0) fail(path, std::string("cannot set mode 0600: ") + std::strerror(saved));
}

}  // namespace

std::unique_ptr<Poco::Data::SessionPool> open_state_database(const std::string& path,
                                                             std::chrono::seconds busy_timeout,
                                                             std::size_t max_sessions) {
    Poco::Data::SQLite::Connector::registerConnector();
    const bool memory = path == ":memory:";
    if (!memory) prepare_file(path);
    try {
        auto pool = std::make_unique<Poco::Data::SessionPool>("SQLite", path, 1,
                                                              memory ? 1 : static_cast<int>(max_sessions), 60);
        // Applied to every session the pool makes: SQLite's busy timeout, in seconds.
        pool->setProperty("connectionTimeout", static_cast<std::size_t>(busy_timeout.count()));
        Poco::Data::Session session = pool->get();
        using namespace Poco::Data::Keywords;
        std::string mode;
        session << "PRAGMA journal_mode=WAL", into(mode), now;
        if (!memory && mode != "wal") fail(path, "cannot switch to WAL mode (journal mode is '" + mode + "')");
        return pool;
    } catch (const Poco::Exception& e) {
        fail(path, e.displayText());
    }
}

}  // namespace samplehost
