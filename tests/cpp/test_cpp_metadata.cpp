// Tests of the FIDO metadata block of include/dfns_bridge.hpp (dfns::Metadata, since 0.4) against
// libdfns_bridge.so, on the test world bindings/python/tests/mds_fixture.py builds at run time
// (python3 with the cryptography package; nothing is committed).
//
// Usage: test_cpp_metadata [FIXTURE_SCRIPT]  (default: bindings/python/tests/mds_fixture.py,
// relative to the working directory, the repository root).
#include "dfns_bridge.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

int g_checks = 0;
int g_failures = 0;

void check_that(bool ok, const std::string &what) {
    ++g_checks;
    if (!ok) {
        ++g_failures;
        std::cerr << "FAIL: " << what << "\n";
    }
}

std::string g_dir;

std::vector<std::uint8_t> read_file(const std::string &name) {
    std::ifstream in(g_dir + "/" + name, std::ios::binary);
    if (!in) {
        std::cerr << "cannot open " << g_dir << "/" << name << "\n";
        std::exit(2);
    }
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/** The status a call throws as dfns::Error, or DFNS_OK. */
template <typename F>
int status_of(F &&call) {
    try {
        call();
    } catch (const dfns::Error &error) {
        return error.status();
    }
    return DFNS_OK;
}

} // namespace

int main(int argc, char **argv) {
    std::string script = argc > 1 ? argv[1] : "bindings/python/tests/mds_fixture.py";
    char dir_template[] = "/tmp/dfns-mds-cpp-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
        std::perror("mkdtemp");
        return 2;
    }
    g_dir = std::string(dir_template) + "/world";
    std::string command = "python3 '" + script + "' '" + g_dir + "'";
    if (std::system(command.c_str()) != 0) {
        std::cerr << "test_cpp_metadata: " << command << " failed\n";
        return 2;
    }
    std::string time_text;
    for (std::uint8_t byte : read_file("verify-time.txt")) time_text.push_back(static_cast<char>(byte));
    const std::int64_t when = std::stoll(time_text);
    const auto root = read_file("mds-root.pem");

    {
        const auto blob = read_file("good.jwt");
        dfns::Metadata metadata = dfns::Metadata::load(blob, root, when);
        check_that(metadata.number() == 42, "no is 42");
        check_that(metadata.next_update() == "2026-02-01", "nextUpdate is 2026-02-01");
        check_that(metadata.size() == 3, "3 entries");
        check_that(metadata.entry_json(1).find("\"status\":\"REVOKED\"") != std::string::npos, "entry 1 is REVOKED");
        check_that(status_of([&] { (void)metadata.entry_json(3); }) == DFNS_ERR_NOT_FOUND, "entry 3 is not found");
        const std::vector<std::uint8_t> certified = {0xa1, 0xa1, 0xa1, 0xa1, 0xb2, 0xb2, 0xc3, 0xc3,
                                                     0xd4, 0xd4, 0xe5, 0xe5, 0xe5, 0xe5, 0xe5, 0xe5};
        const std::vector<std::uint8_t> unlisted(16, 0x5a);
        auto found = metadata.find(certified);
        check_that(found && found->find("Test Certified Authenticator") != std::string::npos, "find(certified)");
        check_that(!metadata.find(unlisted), "find(unlisted) is empty");
        check_that(status_of([&] { (void)metadata.find(dfns::bytes_view(certified.data(), 15)); }) == DFNS_ERR_INVALID_ARGUMENT,
                   "a 15-byte AAGUID is refused");

        // Trust: the packed registration chains through the entry's root.
        dfns::Policy policy("example.org");
        policy.add_origin("https://example.org").set_verification_time(when);
        dfns::set_policy_metadata(policy, &metadata);
        metadata = dfns::Metadata();  // the policy keeps its own reference
        dfns::Registration registration =
            dfns::verify_registration(policy, read_file("reg-certified-client-data.bin"), read_file("reg-certified-attestation-object.bin"),
                                      read_file("reg-certified-challenge.bin"));
        check_that(registration.attestation_trusted(), "the packed registration is trusted through the metadata root");
        check_that(dfns::registration_metadata_description(registration) == std::optional<std::string>("Test Certified Authenticator"),
                   "the registration's metadata description");
        check_that(dfns::registration_metadata_status(registration) == std::optional<std::string>("FIDO_CERTIFIED_L1"),
                   "the registration's metadata status");
        int revoked = status_of([&] {
            (void)dfns::verify_registration(policy, read_file("reg-revoked-client-data.bin"), read_file("reg-revoked-attestation-object.bin"),
                                            read_file("reg-revoked-challenge.bin"));
        });
        check_that(revoked == DFNS_ERR_AUTHENTICATOR_STATUS_NOT_ACCEPTED, "the REVOKED authenticator is refused");
        dfns::set_policy_metadata(policy, nullptr);
        dfns::Registration plain =
            dfns::verify_registration(policy, read_file("reg-certified-client-data.bin"), read_file("reg-certified-attestation-object.bin"),
                                      read_file("reg-certified-challenge.bin"));
        check_that(!plain.attestation_trusted() && !dfns::registration_metadata_status(plain), "without metadata: untrusted, no status");
    }
    for (const char *name : {"tampered.jwt", "wrong-key.jwt", "other-root.jwt", "expired-leaf.jwt", "expired-intermediate.jwt", "stale.jwt", "malformed.jwt"}) {
        const auto blob = read_file(name);
        check_that(status_of([&] { (void)dfns::Metadata::load(blob, root, when); }) == DFNS_ERR_METADATA_INVALID,
                   std::string(name) + " is refused with DFNS_ERR_METADATA_INVALID");
    }
    check_that(dfns::Metadata::load(read_file("stale.jwt"), root, when, true).next_update() == "2026-01-01", "a stale BLOB on request");

    std::system(("rm -rf '" + std::string(dir_template) + "'").c_str());
    if (g_failures != 0) {
        std::cout << "test_cpp_metadata: " << g_failures << " of " << g_checks << " checks FAILED\n";
        return 1;
    }
    std::cout << "test_cpp_metadata: " << g_checks << " checks passed\n";
    return 0;
}
