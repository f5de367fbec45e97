#pragma once
// Helpers shared by the test tiers: temporary directories, fixture plugin directories, a small
// HTTP client for the admin API, and a child process whose output can be awaited line by line.

#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace testsupport {

/// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    /// `path()/name`.
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

/// Writes `content` to `path`, creating parent directories.
void write_file(const std::string& path, const std::string& content);
/// The whole content of `path`.
std::string read_file(const std::string& path);

/// Copies fixture libraries (file names without `.so`, e.g. "fixture_echo") from the build's
/// test-plugins directory into `dir`, creating it.
void copy_fixtures(const std::string& dir, const std::vector<std::string>& names);

/// The build's directory of fixture libraries.
std::string test_plugin_dir();

/// An HTTP answer.
struct HttpReply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
    /// The body as a JSON object (throws when it is not one).
    Poco::JSON::Object::Ptr json() const;
};

/// One request to 127.0.0.1:`port`. `token` empty sends no Authorization header.
HttpReply http(std::uint16_t port, const std::string& method, const std::string& path_and_query,
               const std::string& token = {}, const std::string& body = {},
               const std::string& content_type = "application/json");

/// One request to 127.0.0.1:`port` with any headers (e.g. Authorization: Basic ...).
/// `timeout` bounds connect, send and receive. Throws Poco exceptions on network errors.
HttpReply http_raw(std::uint16_t port, const std::string& method, const std::string& path_and_query,
                   const std::map<std::string, std::string>& headers, const std::string& body = {},
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Percent-encodes `text` for a query value (RFC 3986 unreserved characters stay).
std::string url_encode(const std::string& text);

/// Polls `condition` until it holds or `safety` passed; returns whether it held. For conditions
/// that no event signals (another process's state): a wait on a condition, not a sleep.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds safety = std::chrono::seconds(20));

/// A child process with its stdout and stderr captured (merged) line by line.
class ChildProcess {
public:
    ChildProcess(const std::string& command, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});
    ~ChildProcess();

    /// Waits until an output line contains `needle` (or `safety` passed, or the child exited)
    /// and returns that line, or an empty string.
    std::string wait_for_line(const std::string& needle, std::chrono::milliseconds safety = std::chrono::seconds(30));
    /// Sends `signal` (e.g. SIGTERM).
    void signal(int signal);
    /// Waits for exit and returns the exit status (128+N for a signal).
    int wait();
    /// Everything the child printed so far.
    std::string output() const;
    int pid() const { return pid_; }

private:
    void read_loop(int fd);

    int pid_ = -1;
    bool exited_ = false;
    int status_ = 0;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
    std::string partial_;
    bool eof_ = false;
};

}  // namespace testsupport

#include <Poco/Channel.h>
#include <Poco/Message.h>

namespace testsupport {

/// A Poco channel that keeps every message, for asserting on log lines (spdlog's test_sink idea).
class CapturingChannel : public Poco::Channel {
public:
    void log(const Poco::Message& message) override {
        std::lock_guard<std::mutex> lock(mutex_);
        lines_.push_back(message.getText());
    }
    std::vector<std::string> lines() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return lines_;
    }
    /// True when some line contains every one of `parts`.
    bool has(std::initializer_list<std::string> parts) const {
        for (const auto& line : lines()) {
            bool all = true;
            for (const auto& part : parts) all = all && line.find(part) != std::string::npos;
            if (all) return true;
        }
        return false;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

}  // namespace testsupport
