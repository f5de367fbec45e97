#pragma once
// A certificate authority made at run time, for the TLS tests: its own CA and the server
// certificates it signs (right name, wrong name, IP address, expired), written as PEM files.

#include <memory>
#include <string>
#include <vector>

namespace testsupport {

/// What a server certificate says.
struct CertificateSpec {
    std::string common_name;
    std::vector<std::string> dns_names;  ///< subjectAltName DNS entries (wildcards allowed)
    std::vector<std::string> ip_addresses;  ///< subjectAltName IP entries, e.g. "127.0.0.1"
    long valid_from_days = -1;  ///< relative to now
    long valid_until_days = 30;
};

/// PEM files of one issued certificate.
struct IssuedCertificate {
    std::string certificate_file;
    std::string private_key_file;
};

/// A CA with an EC P-256 key whose certificate is in `ca_file()`. Not thread-safe; throws
/// std::runtime_error when OpenSSL refuses a step.
class TestCa {
public:
    /// Creates the CA named `name` and writes its certificate to `dir/<stem>-ca.pem`.
    TestCa(const std::string& dir, const std::string& stem, const std::string& name);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    const std::string& ca_file() const { return ca_file_; }
    /// Signs a certificate for `spec` and writes it with its key to `dir/<stem>.pem` and `dir/<stem>.key`.
    IssuedCertificate issue(const CertificateSpec& spec, const std::string& stem) const;
    /// A certificate for `spec` signed with its own key (no CA at all), written like `issue`.
    IssuedCertificate self_signed(const CertificateSpec& spec, const std::string& stem) const;

private:
    struct Keys;
    std::unique_ptr<Keys> keys_;
    std::string dir_, ca_file_;
};

}  // namespace testsupport
