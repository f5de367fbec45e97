#include "test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace testsupport {

namespace {

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
    void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* step) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + step + " failed");
}

KeyPtr new_key() {
    KeyPtr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EC key generation");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
    check(extension != nullptr, "extension");
    X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
}

/// A certificate for `key`, named `common_name`, valid between the day offsets, signed later.
CertPtr new_certificate(EVP_PKEY* key, const std::string& common_name, long from_days, long until_days) {
    static long serial = 1000;
    CertPtr cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), until_days * 86400);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!common_name.empty())
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                   -1, -1, 0);
    return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
    BIO* out = BIO_new_file(path.c_str(), "w");
    check(out != nullptr, "opening a PEM file");
    const bool ok = cert ? PEM_write_bio_X509(out, cert) == 1
                         : PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    BIO_free(out);
    check(ok, "writing a PEM file");
}

}  // namespace

struct TestCa::Keys {
    KeyPtr key;
    CertPtr cert;
};

TestCa::TestCa(const std::string& dir, const std::string& stem, const std::string& name)
    : keys_(std::make_unique<Keys>()), dir_(dir), ca_file_(dir + "/" + stem + "-ca.pem") {
    keys_->key = new_key();
    keys_->cert = new_certificate(keys_->key.get(), name, -1, 365);
    X509_set_issuer_name(keys_->cert.get(), X509_get_subject_name(keys_->cert.get()));
    add_extension(keys_->cert.get(), keys_->cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(keys_->cert.get(), keys_->cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(keys_->cert.get(), keys_->cert.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(keys_->cert.get(), keys_->key.get(), EVP_sha256()) > 0, "signing the CA");
    write_pem(ca_file_, keys_->cert.get(), nullptr);
}

TestCa::~TestCa() = default;

namespace {

/// A server certificate for `spec` and `key`, issued by `issuer` (itself when null) and signed
/// with `signer`, written as `dir/<stem>.pem` and `.key`.
IssuedCertificate write_server_certificate(const CertificateSpec& spec, KeyPtr key, X509* issuer, EVP_PKEY* signer,
                                           const std::string& dir, const std::string& stem) {
    CertPtr cert = new_certificate(key.get(), spec.common_name, spec.valid_from_days, spec.valid_until_days);
    X509* issued_by = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issued_by));
    std::string names;
    for (const auto& dns : spec.dns_names) names += (names.empty() ? "DNS:" : ",DNS:") + dns;
    for (const auto& ip : spec.ip_addresses) names += (names.empty() ? "IP:" : ",IP:") + ip;
    if (!names.empty()) add_extension(cert.get(), issued_by, NID_subject_alt_name, names);
    add_extension(cert.get(), issued_by, NID_basic_constraints, "CA:FALSE");
    add_extension(cert.get(), issued_by, NID_ext_key_usage, "serverAuth");
    if (issuer) add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid");
    check(X509_sign(cert.get(), signer, EVP_sha256()) > 0, "signing a certificate");
    IssuedCertificate issued{dir + "/" + stem + ".pem", dir + "/" + stem + ".key"};
    write_pem(issued.certificate_file, cert.get(), nullptr);
    write_pem(issued.private_key_file, nullptr, key.get());
    return issued;
}

}  // namespace

IssuedCertificate TestCa::issue(const CertificateSpec& spec, const std::string& stem) const {
    return write_server_certificate(spec, new_key(), keys_->cert.get(), keys_->key.get(), dir_, stem);
}

IssuedCertificate TestCa::self_signed(const CertificateSpec& spec, const std::string& stem) const {
    KeyPtr key = new_key();
    EVP_PKEY* signer = key.get();
    return write_server_certificate(spec, std::move(key), nullptr, signer, dir_, stem);
}

}  // namespace testsupport
