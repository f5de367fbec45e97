// sample-host: loads host-sdk modules from a plugin directory, schedules their cycles, keeps their
// SQLite state database and serves their admin API. `sample-host --help` lists the options.

#include "samplehost/host.hpp"

#include <hostsdk/config.hpp>
#include <hostsdk/config_error.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/LoggingConfigurator.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <cstdlib>
#include <iostream>

namespace {

using Poco::Util::Application;
using Poco::Util::Option;
using Poco::Util::OptionCallback;
using Poco::Util::OptionSet;

class SampleHostApp : public Poco::Util::ServerApplication {
protected:
    void defineOptions(OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Option("help", "h", "Show this help and exit.")
                              .required(false)
                              .repeatable(false)
                              .callback(OptionCallback<SampleHostApp>(this, &SampleHostApp::handle_help)));
        options.addOption(Option("config", "c", "Load the host configuration from FILE (a .properties file).")
                              .required(false)
                              .repeatable(false)
                              .argument("FILE")
                              .callback(OptionCallback<SampleHostApp>(this, &SampleHostApp::handle_config)));
        options.addOption(Option("set", "s", "Override a configuration key (repeatable), e.g. --set host.admin.listen=127.0.0.1:0")
                              .required(false)
                              .repeatable(true)
                              .argument("KEY=VALUE")
                              .callback(OptionCallback<SampleHostApp>(this, &SampleHostApp::handle_set)));
        options.addOption(Option("check-config", "", "Validate the host's keys, load the enabled modules and call their configure only (no database, no network), then exit: 0 when valid.")
                              .required(false)
                              .repeatable(false)
                              .callback(OptionCallback<SampleHostApp>(this, &SampleHostApp::handle_check)));
        options.addOption(Option("run-once", "", "Start the enabled modules without the admin listener, run one cycle of each named module in order and exit: 0 only if all returned ok.")
                              .required(false)
                              .repeatable(false)
                              .argument("NAME[,NAME...]")
                              .callback(OptionCallback<SampleHostApp>(this, &SampleHostApp::handle_run_once)));
    }

    void handle_help(const std::string&, const std::string&) {
        help_ = true;
        stopOptionsProcessing();
    }
    // Made absolute at once: with --daemon, ServerApplication changes to / before main runs.
    void handle_config(const std::string&, const std::string& value) {
        config_file_ = Poco::Path(value).absolute().toString();
    }
    void handle_set(const std::string&, const std::string& value) {
        const auto eq = value.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Poco::InvalidArgumentException("--set takes KEY=VALUE: a key, then '=' (the value is not echoed: it may be a secret)");
        overrides_.emplace_back(Poco::trim(value.substr(0, eq)), Poco::trim(value.substr(eq + 1)));
    }
    void handle_check(const std::string&, const std::string&) { check_only_ = true; }
    void handle_run_once(const std::string&, const std::string& value) {
        Poco::StringTokenizer names(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        run_once_.assign(names.begin(), names.end());
        if (run_once_.empty()) throw Poco::InvalidArgumentException("--run-once needs at least one module name");
    }

    void display_help() {
        Poco::Util::HelpFormatter help(options());
        help.setCommand(commandName());
        help.setUsage("--config FILE [--set KEY=VALUE ...] [--check-config | --run-once NAME[,NAME...]]");
        help.setHeader(
            "Loads the modules enabled in host.modules from host.plugin_dir, runs each on its own interval, keeps "
            "their state in the SQLite database host.state.database and serves the admin API on host.admin.listen "
            "(Authorization: Bearer host.admin.token). SIGTERM or SIGINT stops it (exit status 0).");
        help.setFooter(
            "Exit status: 0 on success; 78 bad configuration or command line; 64 --run-once names a module "
            "that is not enabled; 70 start-up failure "
            "(a module failed to load, configure or start); 1 --run-once with a cycle that was not ok.");
        help.format(std::cout);
    }

    /// Loads the config file and the --set overrides, and sets up logging.
    void load_config() {
        if (config_file_.empty()) throw hostsdk::ConfigError("--config", "a configuration file is required (--config FILE)");
        const Poco::Path path = Poco::Path(config_file_).absolute();
        try {
            loadConfiguration(path.toString(), PRIO_DEFAULT);
        } catch (const Poco::Exception& e) {
            throw hostsdk::ConfigError("--config", "cannot read " + path.toString() + ": " + e.displayText());
        }
        Poco::AutoPtr<Poco::Util::MapConfiguration> overrides(new Poco::Util::MapConfiguration);
        overrides->setString(hostsdk::kConfigDirKey, path.parent().toString());
        for (const auto& [key, value] : overrides_) overrides->setString(key, value);
        config().add(overrides, PRIO_APPLICATION - 1, true);

        if (config().hasProperty("logging.loggers.root.channel") || config().hasProperty("logging.channels.c1.class")) {
            try {
                Poco::Util::LoggingConfigurator().configure(&config());
            } catch (const Poco::Exception& e) {
                throw hostsdk::ConfigError("logging", "the logging.* configuration is invalid: " + e.displayText());
            }
        } else {
            Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%SZ %p %s: %t"));
            Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel));
            Poco::Logger::root().setChannel(channel);
            const std::string level = hostsdk::config_string(config(), "host.log_level", "information");
            try {
                Poco::Logger::root().setLevel(level);
            } catch (const Poco::Exception&) {
                throw hostsdk::ConfigError("host.log_level", "must be one of fatal, critical, error, warning, notice, "
                                                             "information, debug, trace; got '" + level + "'");
            }
        }
    }

    int main(const std::vector<std::string>&) override {
        if (help_) {
            display_help();
            return EXIT_OK;
        }
        samplehost::SystemClock clock;
        std::unique_ptr<samplehost::Host> host;
        try {
            load_config();
            host = std::make_unique<samplehost::Host>(config(), clock);
            host->load_and_configure();
        } catch (const hostsdk::ConfigError& e) {
            std::cerr << "configuration error: " << e.what() << std::endl;
            return EXIT_CONFIG;
        } catch (const samplehost::LoadError& e) {
            std::cerr << "module error: " << e.what() << std::endl;
            return EXIT_SOFTWARE;
        } catch (const std::exception& e) {
            std::cerr << "error: " << e.what() << std::endl;
            return EXIT_SOFTWARE;
        }

        if (check_only_) {
            std::cout << "configuration OK (" << host->module_names().size() << " module(s)";
            for (const auto& name : host->module_names()) std::cout << " " << name;
            std::cout << ")" << std::endl;
            return EXIT_OK;
        }

        if (!run_once_.empty()) return run_once(*host);

        try {
            host->start(true, true);
        } catch (const std::exception& e) {
            std::cerr << "start-up failed: " << e.what() << std::endl;
            host->stop();
            return EXIT_SOFTWARE;
        }
        logger().information("sample-host running; stop with SIGTERM or SIGINT");
        waitForTerminationRequest();
        logger().information("stopping");
        if (!host->stop()) {
            std::cerr.flush();
            std::_Exit(EXIT_OK);  // a cycle is still running inside a module: do not wait for it
        }
        logger().information("stopped");
        return EXIT_OK;
    }

    int run_once(samplehost::Host& host) {
        for (const auto& name : run_once_) {
            const auto& enabled = host.settings().modules;
            if (std::find(enabled.begin(), enabled.end(), name) == enabled.end()) {
                std::cerr << "--run-once: module '" << name << "' is not enabled in host.modules" << std::endl;
                return EXIT_USAGE;
            }
        }
        try {
            host.start(false, false);
        } catch (const std::exception& e) {
            std::cerr << "start-up failed: " << e.what() << std::endl;
            host.stop();
            return EXIT_SOFTWARE;
        }
        bool all_ok = true;
        for (const auto& name : run_once_) {
            const auto result = host.run_once(name);
            std::cout << name << ": " << hostsdk::to_string(result.status) << (result.message.empty() ? "" : ": ")
                      << result.message << std::endl;
            all_ok = all_ok && result.status == hostsdk::RunResult::Status::ok;
        }
        if (!host.stop()) std::_Exit(all_ok ? EXIT_OK : 1);
        return all_ok ? EXIT_OK : 1;
    }

private:
    bool help_ = false;
    bool check_only_ = false;
    std::string config_file_;
    std::vector<std::pair<std::string, std::string>> overrides_;
    std::vector<std::string> run_once_;
};

}  // namespace

POCO_SERVER_MAIN(SampleHostApp)
