// examples/cpp/verify.cpp — a WebAuthn registration and assertion, verified with the C++ wrappers
// of include/dfns_bridge.hpp (no Dfns API, no sandbox; examples/cpp/main.cpp is the Delegated
// Signing walkthrough).
//
// The software authenticator plays the user's device; a policy plays the relying party. The
// program prints one line per check and exits 0 when all pass, 1 otherwise. Handles are owned
// by RAII objects and failures arrive as dfns::Error exceptions.
//
// Build (from the repository root, after scripts/build-shared.sh):
//   g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I include examples/cpp/verify.cpp
//       -L build/lib -ldfns_bridge -Wl,-rpath,"$PWD/build/lib" -o build/examples/example_cpp_verify

#include "dfns_bridge.hpp"

#include <cstdint>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const char *const kRpId = "example.org";
const char *const kOrigin = "https://example.org";

int g_checks = 0;

// Prints one passed check: "ok: " and the parts.
template <typename... Parts>
void passed(const Parts &...parts) {
    ++g_checks;
    std::ostringstream line;
    (line << ... << parts);
    std::cout << "ok: " << line.str() << std::endl;
}

// A flags byte as 0x45.
std::string hex(std::uint8_t byte) {
    std::ostringstream text;
    text << "0x" << std::hex << std::setw(2) << std::setfill('0') << static_cast<unsigned>(byte);
    return text.str();
}

// Throws std::runtime_error with `message` unless `condition` holds.
void require(bool condition, const std::string &message) {
    if (!condition) throw std::runtime_error(message);
}

// Runs `body`, which must fail with `status`; returns the error for printing.
template <typename Body>
dfns::Error expect_rejection(int status, Body body) {
    try {
        body();
    } catch (const dfns::Error &error) {
        if (error.status() != status)
            throw std::runtime_error(std::string("expected ") + dfns::status_name(status) + ", got " + error.what());
        return error;
    }
    throw std::runtime_error(std::string("expected ") + dfns::status_name(status) + ", but it verified");
}

void run() {
    std::cout << "dfns-bridge C++ WebAuthn verification example (library " << dfns::version() << ", header "
              << DFNS_BRIDGE_VERSION_STRING << ")" << std::endl;

    // 1. The library the program runs with can serve the header it was compiled with.
    require(dfns::version_compatible(), std::string("library ") + dfns::version() + " does not match header " +
                                            DFNS_BRIDGE_VERSION_STRING);
    passed("library version ", dfns::version(), " matches the header");

    // 2. The relying party's policy: its RP ID and the one origin it serves.
    const dfns::Policy policy = dfns::Policy(kRpId).add_origin(kOrigin);
    passed("policy for RP ID ", kRpId, ", origin ", kOrigin);

    // A real relying party draws a fresh random challenge per ceremony and consumes it once;
    // fixed values keep the example reproducible.
    const std::string registration_challenge = "registration challenge 0123456";
    const std::string assertion_challenge = "assertion challenge 0123456789";
    const std::vector<std::uint8_t> user_handle{'u', 's', 'e', 'r', '-', '4', '2'};

    // 3. The user's device creates an Ed25519 credential with packed self attestation.
    const dfns::Authenticator device = dfns::Authenticator::create();
    const dfns::Response created = device.register_credential(kRpId, kOrigin, registration_challenge, DFNS_COSE_EDDSA,
                                                              DFNS_ATTESTATION_PACKED_SELF, user_handle);
    passed("software authenticator created an EdDSA credential (", created.view(DFNS_RESPONSE_CREDENTIAL_ID).size(),
           "-byte ID, attestation object ", created.view(DFNS_RESPONSE_ATTESTATION_OBJECT).size(), " bytes)");

    // 4. The relying party verifies the registration against the challenge it issued.
    const dfns::Registration registration =
        dfns::verify_registration(policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                  created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), registration_challenge);
    require(registration.format() == "packed" && registration.attestation_type() == "self",
            "expected packed self attestation, got " + registration.format() + "/" + registration.attestation_type());
    passed("registration verified: fmt=", registration.format(), ", attestation=", registration.attestation_type(),
           ", trusted=", registration.attestation_trusted() ? "yes" : "no", ", sign count ", registration.sign_count(),
           ", flags ", hex(registration.flags()));

    // 5. The record to store: credential ID, public key (kept as COSE bytes, re-imported later).
    const std::vector<std::uint8_t> credential_id = registration.credential_id();
    require(credential_id == created.credential_id(), "the verified credential ID differs from the response's");
    const std::vector<std::uint8_t> stored_cose = registration.public_key().cose();
    const dfns::PublicKey key = dfns::PublicKey::from_cose(stored_cose);
    require(key.alg() == DFNS_COSE_EDDSA, "expected an EdDSA key");
    passed("credential record: ", credential_id.size(), "-byte ID matches the response, EdDSA key (",
           stored_cose.size(), "-byte COSE_Key) re-imported");

    // 6. Later, the device signs an assertion for a new challenge.
    const dfns::Response asserted = device.authenticate(kRpId, kOrigin, assertion_challenge, credential_id);
    require(asserted.user_handle() == user_handle, "the assertion's user handle differs from the one registered");
    passed("software authenticator signed an assertion (", asserted.view(DFNS_RESPONSE_SIGNATURE).size(),
           "-byte signature, user handle returned)");

    // 7. The relying party verifies it with the stored key and counter.
    const dfns::StoredCredential record(key, registration.sign_count(), registration.backup_eligible());
    const dfns::Assertion assertion =
        dfns::verify_assertion(policy, record, asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                               asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), asserted.view(DFNS_RESPONSE_SIGNATURE),
                               assertion_challenge);
    require(assertion.sign_count() == 1 && !assertion.sign_count_regressed(), "expected sign count 1 without regression");
    passed("assertion verified: sign count ", assertion.sign_count(), ", flags ", hex(assertion.flags()),
           ", counter regressed=", assertion.sign_count_regressed() ? "yes" : "no");

    // 8. The same check for a relying party that keeps only the COSE_Key bytes: one call, no handle.
    const dfns::AssertionInfo info = dfns::verify_assertion_cose(
        policy, stored_cose, registration.sign_count(), registration.backup_eligible(),
        asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON), asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA),
        asserted.view(DFNS_RESPONSE_SIGNATURE), assertion_challenge);
    require(info.sign_count == assertion.sign_count() && info.flags == assertion.flags(),
            "verify_assertion_cose disagrees with verify_assertion");
    passed("assertion verified from the stored COSE_Key bytes in one call: sign count ", info.sign_count, ", flags ",
           hex(info.flags));

    // 9. A replay of the same assertion after storing the new counter is rejected.
    const dfns::Error replay = expect_rejection(DFNS_ERR_SIGN_COUNT_NOT_INCREASED, [&] {
        (void)dfns::verify_assertion(policy, dfns::StoredCredential(key, assertion.sign_count(), false),
                                     asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                     asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA),
                                     asserted.view(DFNS_RESPONSE_SIGNATURE), assertion_challenge);
    });
    passed("replayed assertion rejected: ", replay.what());

    // 10. An assertion answering another challenge is rejected.
    const dfns::Error wrong = expect_rejection(DFNS_ERR_CHALLENGE_MISMATCH, [&] {
        (void)dfns::verify_assertion(policy, record, asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                     asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA),
                                     asserted.view(DFNS_RESPONSE_SIGNATURE), registration_challenge);
    });
    passed("assertion for another challenge rejected: ", wrong.name());

    std::cout << "all " << g_checks << " checks passed" << std::endl;
}

} // namespace

int main() {
    try {
        run();
        return 0;
    } catch (const std::exception &error) {
        std::cerr << "FAIL: " << error.what() << std::endl;
        return 1;
    }
}
