// The host's configuration file (`key = value` lines) and every settings parser over it: a bad
// file is a hostsdk::ConfigError naming the key, nothing else.

#include "acpsa/core/acronis_settings.hpp"
#include "acpsa/core/psa_settings.hpp"
#include "samplehost/host_settings.hpp"

#include <hostsdk/config_error.hpp>

#include "fuzz_check.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> config;
    try {
        std::istringstream in(input);
        config = new Poco::Util::PropertyFileConfiguration(in);
    } catch (const Poco::Exception&) {
        return 0;  // the host reports an unreadable file as a ConfigError of --config
    }
    for (int which = 0; which < 3; ++which) {
        try {
            if (which == 0) samplehost::parse_host_settings(*config);
            if (which == 1) acpsa::core::parse_acronis_settings(*config);
            if (which == 2) acpsa::core::parse_psa_settings(*config);
        } catch (const hostsdk::ConfigError& e) {
            fuzzcheck::expect(!e.key().empty(), "a configuration error names its key", input);
        } catch (const Poco::Exception& e) {
            fuzzcheck::undocumented(e.displayText().c_str(), input);
        } catch (const std::exception& e) {
            fuzzcheck::undocumented(e.what(), input);
        }
    }
    return 0;
}
