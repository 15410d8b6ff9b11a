#include "CertificateChecks.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace creditgw::cli {

namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using CertificatePtr = std::unique_ptr<X509, X509Free>;

int refusePassphrase(char*, int, int, void*) { return -1; }  // an encrypted key cannot run unattended

std::vector<CertificatePtr> readCertificates(const std::string& file) {
    std::vector<CertificatePtr> certificates;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), BIO_free);
    if (!bio) return certificates;
    while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, refusePassphrase, nullptr))
        certificates.emplace_back(certificate);
    ERR_clear_error();  // the end of the file reads as an error
    return certificates;
}

std::string subjectOf(X509* certificate) {
    char name[256];
    X509_NAME_oneline(X509_get_subject_name(certificate), name, sizeof name);
    return name;
}

std::string notAfterOf(X509* certificate) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(certificate));
    char* text = nullptr;
    long size = BIO_get_mem_data(bio.get(), &text);
    return std::string(text, static_cast<std::size_t>(size));
}

void checkValidity(X509* certificate, const std::string& file, std::chrono::system_clock::time_point now,
                   std::chrono::hours soon, std::vector<std::string>& problems) {
    time_t nowT = std::chrono::system_clock::to_time_t(now);
    time_t soonT = std::chrono::system_clock::to_time_t(now + soon);
    if (X509_cmp_time(X509_get0_notAfter(certificate), &nowT) < 0)
        problems.push_back(file + ": certificate " + subjectOf(certificate) + " expired on " + notAfterOf(certificate));
    else if (X509_cmp_time(X509_get0_notAfter(certificate), &soonT) < 0)
        problems.push_back(file + ": certificate " + subjectOf(certificate) + " expires on " +
                           notAfterOf(certificate) + ", within " + std::to_string(soon.count() / 24) +
                           " days: renew it");
    else if (X509_cmp_time(X509_get0_notBefore(certificate), &nowT) > 0)
        problems.push_back(file + ": certificate " + subjectOf(certificate) + " is not valid yet");
}

std::string chainProblem(X509* certificate, const std::vector<CertificatePtr>& intermediates,
                         const std::string& caFile, std::chrono::system_clock::time_point now) {
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
    for (const auto& ca : readCertificates(caFile)) X509_STORE_add_cert(store.get(), ca.get());
    struct StackFree {
        void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }  // the certificates stay ours
    };
    std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
    for (const auto& intermediate : intermediates) sk_X509_push(untrusted.get(), intermediate.get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                            X509_STORE_CTX_free);
    X509_STORE_CTX_init(context.get(), store.get(), certificate, untrusted.get());
    X509_STORE_CTX_set_time(context.get(), 0, std::chrono::system_clock::to_time_t(now));
    if (X509_verify_cert(context.get()) == 1) return "";
    return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

std::string keyProblem(X509* certificate, const std::string& keyFile) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(keyFile.c_str(), "r"), BIO_free);
    if (!bio) return keyFile + ": cannot be read";
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr), EVP_PKEY_free);
    ERR_clear_error();
    if (!key) return keyFile + ": not a PEM private key (or it is encrypted; the daemon needs it unencrypted, 0600)";
    if (X509_check_private_key(certificate, key.get()) != 1) {
        ERR_clear_error();
        return keyFile + ": is not the private key of the certificate " + subjectOf(certificate);
    }
    return "";
}

}  // namespace

std::vector<std::string> checkCaFile(const std::string& caFile, std::chrono::system_clock::time_point now,
                                     std::chrono::hours soon) {
    std::vector<std::string> problems;
    auto certificates = readCertificates(caFile);
    if (certificates.empty()) problems.push_back(caFile + ": no PEM certificate in it");
    for (const auto& certificate : certificates) checkValidity(certificate.get(), caFile, now, soon, problems);
    return problems;
}

std::vector<std::string> checkClientCertificate(const std::string& certFile, const std::string& caFile,
                                                const std::string& keyFile,
                                                std::chrono::system_clock::time_point now, std::chrono::hours soon) {
    std::vector<std::string> problems;
    auto certificates = readCertificates(certFile);
    if (certificates.empty()) return {certFile + ": no PEM certificate in it"};
    X509* leaf = certificates.front().get();
    checkValidity(leaf, certFile, now, soon, problems);
    if (!caFile.empty()) {
        std::vector<CertificatePtr> rest;
        for (std::size_t i = 1; i < certificates.size(); ++i) rest.push_back(std::move(certificates[i]));
        std::string chain = chainProblem(leaf, rest, caFile, now);
        if (!chain.empty()) problems.push_back(certFile + ": does not chain to " + caFile + ": " + chain);
    }
    if (!keyFile.empty()) {
        std::string key = keyProblem(leaf, keyFile);
        if (!key.empty()) problems.push_back(key);
    }
    return problems;
}

}  // namespace creditgw::cli
