// acpsa-emulator: the Acronis Cyber Cloud and CloudBlue PSA APIs on two loopback ports, from a
// seed file, for tests, the demo and benchmarks. See emulators/README.md.

#include "emulator/emulator.hpp"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>

namespace {

void usage(std::ostream& out) {
    out << "usage: acpsa-emulator --seed FILE [--acronis-port N] [--psa-port N] [--bind ADDRESS] [--token-ttl S]\n"
           "                      [--tls-cert FILE --tls-key FILE]\n"
           "  --seed FILE        seed data (JSON; format in emulators/README.md)\n"
           "  --acronis-port N   Acronis API port (default 9101; 0 picks a free one)\n"
           "  --psa-port N       CloudBlue PSA API port (default 9102; 0 picks a free one)\n"
           "  --bind ADDRESS     address to listen on (default 127.0.0.1)\n"
           "  --token-ttl S      lifetime of issued Acronis tokens in seconds (default 7200)\n"
           "  --tls-cert FILE    serve both APIs over HTTPS with this certificate (PEM, chain allowed)\n"
           "  --tls-key FILE     the certificate's private key (PEM); both or neither\n"
           "Prints 'acronis listening on ADDRESS:PORT' and 'psa listening on ADDRESS:PORT'.\n"
           "SIGTERM or SIGINT stops it (exit status 0); a bad seed or option exits with status 2.\n";
}

bool parse_number(const std::string& text, unsigned max, unsigned& out) {
    return Poco::NumberParser::tryParseUnsigned(text, out) && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
    std::string seed_path, bind = "127.0.0.1", tls_cert, tls_key;
    unsigned acronis_port = 9101, psa_port = 9102, ttl = 7200;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char* name) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "acpsa-emulator: " << name << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            usage(std::cout);
            return 0;
        } else if (arg == "--seed") {
            seed_path = value("--seed");
        } else if (arg == "--tls-cert") {
            tls_cert = value("--tls-cert");
        } else if (arg == "--tls-key") {
            tls_key = value("--tls-key");
        } else if (arg == "--bind") {
            bind = value("--bind");
        } else if (arg == "--acronis-port") {
            if (!parse_number(value("--acronis-port"), 65535, acronis_port)) {
                std::cerr << "acpsa-emulator: --acronis-port must be a port number from 0 to 65535\n";
                return 2;
            }
        } else if (arg == "--psa-port") {
            if (!parse_number(value("--psa-port"), 65535, psa_port)) {
                std::cerr << "acpsa-emulator: --psa-port must be a port number from 0 to 65535\n";
                return 2;
            }
        } else if (arg == "--token-ttl") {
            if (!parse_number(value("--token-ttl"), 86400 * 365, ttl) || ttl == 0) {
                std::cerr << "acpsa-emulator: --token-ttl must be a number of seconds from 1\n";
                return 2;
            }
        } else {
            std::cerr << "acpsa-emulator: unknown option '" << arg << "'\n";
            usage(std::cerr);
            return 2;
        }
    }
    if (seed_path.empty()) {
        std::cerr << "acpsa-emulator: --seed FILE is required\n";
        usage(std::cerr);
        return 2;
    }

    if (tls_cert.empty() != tls_key.empty()) {
        std::cerr << "acpsa-emulator: --tls-cert and --tls-key go together\n";
        return 2;
    }

    emulator::Seed seed;
    try {
        seed = emulator::load_seed_file(seed_path);
    } catch (const emulator::SeedError& e) {
        std::cerr << "acpsa-emulator: bad seed: " << e.what() << std::endl;
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "acpsa-emulator: bad seed: " << seed_path << ": " << e.what() << std::endl;
        return 2;
    }

    // Block the stop signals in every thread; the main thread waits for them with sigwait.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    emulator::EmulatorOptions options;
    options.bind = bind;
    options.acronis_port = static_cast<std::uint16_t>(acronis_port);
    options.psa_port = static_cast<std::uint16_t>(psa_port);
    options.token_ttl_s = static_cast<int>(ttl);
    options.tls_certificate_file = tls_cert;
    options.tls_private_key_file = tls_key;
    std::unique_ptr<emulator::Emulator> running;
    try {
        running = std::make_unique<emulator::Emulator>(std::move(seed), options);
    } catch (const Poco::Exception& e) {
        std::cerr << "acpsa-emulator: cannot listen: " << e.displayText() << std::endl;
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "acpsa-emulator: cannot listen: " << e.what() << std::endl;
        return 1;
    }
    if (!tls_cert.empty()) std::printf("serving HTTPS with the certificate in %s\n", tls_cert.c_str());
    std::printf("acronis listening on %s:%u\n", bind.c_str(), running->acronis_port());
    std::printf("psa listening on %s:%u\n", bind.c_str(), running->psa_port());
    std::fflush(stdout);

    int received = 0;
    sigwait(&signals, &received);
    running->stop();
    return 0;
}
