// Tests of include/dfns_bridge.hpp, the C++17 RAII wrappers, against libdfns_bridge.so.
//
// Build and run (scripts/test-examples.sh does this):
//   g++ -std=c++17 -Wall -Wextra -Werror -pedantic -pthread -I include tests/cpp/test_cpp.cpp
//       -L build/lib -ldfns_bridge -Wl,-rpath,"$PWD/build/lib" -lcrypto -o build/examples/test_cpp
//   build/examples/test_cpp            # or under: valgrind --leak-check=full --errors-for-leak-kinds=definite
//
// Covers: byte views; ES256 / EdDSA / ES256K / RS256 round trips with both attestation kinds;
// key import/export and raw signature verification; the hash-only (CTAP) entry points;
// exceptions with the right status and message for wrong challenges, origins, RP IDs, counters,
// flags, algorithms and garbage input; dfns::verify_assertion_cose (the one-call path from stored
// COSE bytes: the values of verify_assertion, and the from_cose / verify_assertion statuses for
// wrong COSE bytes, tampered signatures, challenges, counters and BE); move semantics (moved-from
// objects are empty, throw on use and destruct safely); ownership hand-over (adopt / release /
// reset); inspection; several threads sharing one policy, key and authenticator.
// Since 0.2: Key signers of every kind from dfns::generate_key (assertions checked with
// dfns::PublicKey); external signers whose std::function signs (through a Key signer of the same
// PEM; libcrypto serves only for SHA-256 here), throws (the caller gets the same exception back,
// nothing unwinds through C), or returns unusable signatures; passkey, password-protected and
// recovery signers and the envelope functions; webhook and returned-signature verification; a
// dfns::Client over a C++ lambda transport playing the Dfns API (reads, API errors returned as a
// Result, signed writes checked for X-DFNS-USERACTION, pending answers, tokens, transports that
// throw, retried network failures, refused answers, re-entrant transports, four threads), the
// delegated pair across two Signer objects, the libcurl transport on a refused loopback port, and
// move semantics of Signer, Client and Result. Exits 0 when every check passes.
//
// That every handle is freed is shown by running this program under valgrind (0 bytes definitely
// or indirectly lost) or LeakSanitizer: each handle here is owned by a wrapper, so a leak would
// be a wrapper bug or a library bug.

#include "dfns_bridge.hpp"
#include "dfns_bridge.h" // a translation unit may include both, in either order after this one

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <openssl/evp.h>

namespace {

int g_checks = 0;
int g_failures = 0;

void check_that(bool condition, const char *what, int line) {
    ++g_checks;
    if (!condition) {
        ++g_failures;
        std::fprintf(stderr, "FAIL line %d: %s\n", line, what);
    }
}
#define CHECK(cond) check_that((cond), #cond, __LINE__)

// Runs `body`, which must throw dfns::Error with `status`; checks name(), message() and what().
void expect_error(int status, const char *what, int line, const std::function<void()> &body) {
    ++g_checks;
    try {
        body();
        ++g_failures;
        std::fprintf(stderr, "FAIL line %d: %s: no exception, expected %s\n", line, what, dfns::status_name(status));
    } catch (const dfns::Error &error) {
        const bool ok = error.status() == status && std::string(error.name()) == dfns::status_name(status) &&
                        std::string(error.what()).rfind(error.name(), 0) == 0;
        if (!ok) {
            ++g_failures;
            std::fprintf(stderr, "FAIL line %d: %s: expected %s, got %s (%s)\n", line, what,
                         dfns::status_name(status), error.name(), error.what());
        }
    } catch (const std::exception &other) {
        ++g_failures;
        std::fprintf(stderr, "FAIL line %d: %s: unexpected exception %s\n", line, what, other.what());
    }
}
#define EXPECT_ERROR(status, ...) expect_error((status), #__VA_ARGS__, __LINE__, [&]() { __VA_ARGS__; })

// SHA-256 from libcrypto, to build the signed data of an assertion
// (authenticatorData || SHA-256(clientDataJSON)). A libcrypto failure ends the program.
std::array<std::uint8_t, 32> sha256(dfns::bytes_view input) {
    std::array<std::uint8_t, 32> out{};
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 || length != out.size()) {
        std::fprintf(stderr, "EVP_Digest(SHA-256) failed\n");
        std::exit(2);
    }
    return out;
}

std::vector<std::uint8_t> concat(dfns::bytes_view a, dfns::bytes_view b) {
    std::vector<std::uint8_t> out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// The authData of an attestation object from the software authenticator: its canonical map ends
// with "authData" (8 bytes, so sorted last), a byte string with a 1- or 2-byte length.
std::vector<std::uint8_t> auth_data_of(dfns::bytes_view attestation_object) {
    const std::string key = "\x68" "authData";
    const std::string all = attestation_object.to_string();
    const std::size_t at = all.rfind(key);
    if (at == std::string::npos) return {};
    std::size_t pos = at + key.size();
    std::size_t len = 0;
    const std::uint8_t head = attestation_object[pos++];
    if (head == 0x58) {
        len = attestation_object[pos++];
    } else if (head == 0x59) {
        len = (std::size_t(attestation_object[pos]) << 8) | attestation_object[pos + 1];
        pos += 2;
    } else {
        return {};
    }
    return attestation_object.subspan(pos, len).to_vector();
}

const char *const kRpId = "example.org";
const char *const kOrigin = "https://example.org";

dfns::Policy make_policy() { return dfns::Policy(kRpId).add_origin(kOrigin); }

// ---------------------------------------------------------------------------------------------

// Compile-time contract: every owning type is move-only with noexcept moves.
template <typename T>
constexpr bool move_only_v = !std::is_copy_constructible_v<T> && !std::is_copy_assignable_v<T> &&
                             std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T> &&
                             std::is_nothrow_default_constructible_v<T> && std::is_nothrow_destructible_v<T>;
static_assert(move_only_v<dfns::PublicKey>, "PublicKey is move-only");
static_assert(move_only_v<dfns::Policy>, "Policy is move-only");
static_assert(move_only_v<dfns::Registration>, "Registration is move-only");
static_assert(move_only_v<dfns::Assertion>, "Assertion is move-only");
static_assert(move_only_v<dfns::Authenticator>, "Authenticator is move-only");
static_assert(move_only_v<dfns::Response>, "Response is move-only");
static_assert(std::is_base_of_v<std::runtime_error, dfns::Error>, "Error is a std::runtime_error");
static_assert(std::is_trivially_copyable_v<dfns::bytes_view>, "bytes_view is a plain (pointer, size)");

void test_version() {
    CHECK(std::string(dfns::version()) == DFNS_BRIDGE_VERSION_STRING);
    CHECK(dfns::version_number() == DFNS_BRIDGE_VERSION_NUMBER);
    CHECK(dfns::version_compatible());
    CHECK(std::string(dfns::status_name(DFNS_OK)) == "DFNS_OK");
    CHECK(std::string(dfns::status_name(DFNS_ERR_CHALLENGE_MISMATCH)) == "DFNS_ERR_CHALLENGE_MISMATCH");
    CHECK(std::string(dfns::status_name(12345)) == "DFNS_ERR_UNKNOWN");
}

void test_bytes_view() {
    const std::vector<std::uint8_t> vec{1, 2, 3, 4};
    const std::array<std::uint8_t, 4> arr{{1, 2, 3, 4}};
    const std::uint8_t raw[4] = {1, 2, 3, 4};
    const std::string str("\x01\x02\x03\x04", 4);
    const std::string_view sv(str);
    const std::vector<char> chars{'\x01', '\x02', '\x03', '\x04'};

    const dfns::bytes_view from_vec = vec, from_arr = arr, from_raw = raw, from_str = str, from_sv = sv,
                           from_ptr(vec.data(), vec.size()), from_chars = chars, from_char_ptr(str.data(), str.size());
    CHECK(from_vec.data() == vec.data() && from_vec.size() == 4);
    CHECK(from_arr == from_vec && from_raw == from_vec && from_str == from_vec && from_sv == from_vec);
    CHECK(from_ptr == from_vec && from_chars == from_vec && from_char_ptr == from_vec);
    CHECK(from_vec == vec); // comparison with an implicitly converted vector

    const dfns::bytes_view text = "abc"; // a NUL-terminated literal, without its NUL
    CHECK(text.size() == 3 && text.to_string() == "abc");
    const dfns::bytes_view none;
    CHECK(none.empty() && none.data() == nullptr && none.size_bytes() == 0 && none.begin() == none.end());
    CHECK(none == dfns::bytes_view(static_cast<const char *>(nullptr)));

    CHECK(from_vec.first(2) == dfns::bytes_view(std::vector<std::uint8_t>{1, 2}));
    CHECK(from_vec.last(1)[0] == 4);
    CHECK(from_vec.subspan(1, 2).to_vector() == (std::vector<std::uint8_t>{2, 3}));
    CHECK(from_vec.subspan(4).empty());
    CHECK(from_vec != from_vec.first(3));
    std::size_t sum = 0;
    for (std::uint8_t b : from_vec) sum += b;
    CHECK(sum == 10);

    bool threw = false;
    try { (void)from_vec.subspan(5); } catch (const std::out_of_range &) { threw = true; }
    CHECK(threw);
    threw = false;
    try { (void)from_vec.subspan(2, 3); } catch (const std::out_of_range &) { threw = true; }
    CHECK(threw);
    threw = false;
    try { (void)from_vec.first(5); } catch (const std::out_of_range &) { threw = true; }
    CHECK(threw);
}

struct AlgCase {
    std::int32_t alg;
    const char *name;
};
const AlgCase kAlgs[] = {
    {DFNS_COSE_ES256, "ES256"}, {DFNS_COSE_EDDSA, "EdDSA"}, {DFNS_COSE_ES256K, "ES256K"}, {DFNS_COSE_RS256, "RS256"}};

// Register, verify the registration, authenticate twice, verify both assertions, exercise the key.
void round_trip(const AlgCase &c, dfns_attestation_kind kind) {
    const bool packed = kind == DFNS_ATTESTATION_PACKED_SELF;
    std::fprintf(stderr, "  round trip %s, %s attestation\n", c.name, packed ? "packed self" : "none");
    const dfns::Authenticator authenticator = dfns::Authenticator::create();
    const dfns::Policy policy = make_policy();
    const std::vector<std::uint8_t> user_handle{0x75, 0x73, 0x65, 0x72};
    const std::array<std::uint8_t, 32> challenge = sha256(std::string("registration challenge ") + c.name);

    const dfns::Response created = authenticator.register_credential(kRpId, kOrigin, challenge, c.alg, kind, user_handle);
    CHECK(created.has(DFNS_RESPONSE_ATTESTATION_OBJECT) && !created.has(DFNS_RESPONSE_SIGNATURE));
    const std::string client_data = created.view(DFNS_RESPONSE_CLIENT_DATA_JSON).to_string();
    CHECK(client_data.find("\"webauthn.create\"") != std::string::npos);

    const dfns::Registration registration = dfns::verify_registration(
        policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON), created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), challenge);
    CHECK(registration.credential_id() == created.credential_id());
    CHECK(registration.credential_id_view() == created.view(DFNS_RESPONSE_CREDENTIAL_ID));
    CHECK(registration.aaguid() == std::vector<std::uint8_t>(16, 0));
    CHECK(registration.format() == (packed ? "packed" : "none"));
    CHECK(registration.rp_id() == kRpId);
    CHECK(registration.attestation_type() == (packed ? "self" : "none"));
    CHECK(!registration.attestation_trusted());
    CHECK(registration.sign_count() == 0);
    CHECK(registration.flags() == (dfns::FLAG_UP | dfns::FLAG_UV | dfns::FLAG_AT));
    CHECK(registration.user_verified() && !registration.backup_eligible());
    CHECK(registration.extensions().empty() && registration.extensions_view().empty());

    // The same registration through the CTAP-level entry point.
    const dfns::Registration by_hash = dfns::verify_registration_hash(
        policy, sha256(created.view(DFNS_RESPONSE_CLIENT_DATA_JSON)), created.view(DFNS_RESPONSE_ATTESTATION_OBJECT));
    CHECK(by_hash.credential_id() == registration.credential_id());

    // The key: algorithm, exports, re-imports.
    const dfns::PublicKey key = registration.public_key();
    CHECK(key.alg() == c.alg);
    const std::vector<std::uint8_t> cose = key.cose();
    CHECK(!cose.empty() && key.cose_view() == cose);
    CHECK(!key.spki().empty());
    const std::string pem = key.pem();
    CHECK(pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
    CHECK(dfns::PublicKey::from_cose(cose).cose() == cose);
    const dfns::PublicKey from_der = dfns::PublicKey::from_spki(key.spki_view(), c.alg);
    CHECK(from_der.alg() == c.alg && from_der.cose() == cose);
    const dfns::PublicKey from_pem = dfns::PublicKey::from_spki(pem, c.alg);
    CHECK(from_pem.spki() == key.spki());

    // First assertion.
    const std::array<std::uint8_t, 32> challenge1 = sha256(std::string("assertion 1 ") + c.name);
    const dfns::Response first = authenticator.authenticate(kRpId, kOrigin, challenge1, registration.credential_id_view());
    CHECK(first.user_handle() == user_handle);
    CHECK(first.credential_id() == registration.credential_id());
    CHECK(!first.has(DFNS_RESPONSE_ATTESTATION_OBJECT));
    const dfns::StoredCredential record(key, registration.sign_count(), registration.backup_eligible());
    const dfns::Assertion assertion1 =
        dfns::verify_assertion(policy, record, first.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                               first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), first.view(DFNS_RESPONSE_SIGNATURE), challenge1);
    CHECK(assertion1.sign_count() == 1);
    CHECK(assertion1.flags() == (dfns::FLAG_UP | dfns::FLAG_UV) && assertion1.user_verified());
    CHECK(!assertion1.sign_count_regressed());
    CHECK(assertion1.extensions().empty());

    // The signed data is authenticatorData || SHA-256(clientDataJSON): check it with the raw primitive.
    const std::vector<std::uint8_t> signed_data =
        concat(first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), sha256(first.view(DFNS_RESPONSE_CLIENT_DATA_JSON)));
    CHECK(key.verify(signed_data, first.view(DFNS_RESPONSE_SIGNATURE)));
    CHECK(from_pem.verify(signed_data, first.view(DFNS_RESPONSE_SIGNATURE)));
    CHECK(!key.verify(concat(signed_data, std::string("x")), first.view(DFNS_RESPONSE_SIGNATURE)));

    // The same assertion through the CTAP-level entry point.
    const dfns::Assertion by_hash_assertion = dfns::verify_assertion_hash(
        policy, record, sha256(first.view(DFNS_RESPONSE_CLIENT_DATA_JSON)), first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA),
        first.view(DFNS_RESPONSE_SIGNATURE));
    CHECK(by_hash_assertion.sign_count() == 1);

    // Second assertion against the updated record, from the key imported from COSE.
    const dfns::PublicKey stored_key = dfns::PublicKey::from_cose(cose);
    const std::array<std::uint8_t, 32> challenge2 = sha256(std::string("assertion 2 ") + c.name);
    const dfns::Response second = authenticator.authenticate(kRpId, kOrigin, challenge2, registration.credential_id(), false);
    const dfns::Assertion assertion2 = dfns::verify_assertion(
        policy, dfns::StoredCredential(stored_key, assertion1.sign_count(), false), second.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
        second.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), second.view(DFNS_RESPONSE_SIGNATURE), challenge2);
    CHECK(assertion2.sign_count() == 2 && !assertion2.user_verified());

    // Replaying the first assertion after the second: the counter did not increase.
    EXPECT_ERROR(DFNS_ERR_SIGN_COUNT_NOT_INCREASED,
                 dfns::verify_assertion(policy, dfns::StoredCredential(key, 2), first.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                        first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), first.view(DFNS_RESPONSE_SIGNATURE),
                                        challenge1));
    const dfns::Policy flagging = make_policy().flag_sign_count_regression();
    const dfns::Assertion flagged = dfns::verify_assertion(
        flagging, dfns::StoredCredential(key, 2), first.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
        first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), first.view(DFNS_RESPONSE_SIGNATURE), challenge1);
    CHECK(flagged.sign_count_regressed() && flagged.sign_count() == 1);

    // A wrong challenge, for both ceremonies.
    const std::array<std::uint8_t, 32> wrong = sha256("some other challenge");
    EXPECT_ERROR(DFNS_ERR_CHALLENGE_MISMATCH,
                 dfns::verify_registration(policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                           created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), wrong));
    EXPECT_ERROR(DFNS_ERR_CHALLENGE_MISMATCH,
                 dfns::verify_assertion(policy, record, first.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                        first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), first.view(DFNS_RESPONSE_SIGNATURE), wrong));

    // A tampered signature.
    std::vector<std::uint8_t> tampered = first.signature();
    tampered.back() ^= 0x01;
    EXPECT_ERROR(DFNS_ERR_SIGNATURE_INVALID,
                 dfns::verify_assertion(policy, record, first.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                        first.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), tampered, challenge1));
    CHECK(!key.verify(signed_data, tampered));
}

void test_round_trips() {
    for (const AlgCase &c : kAlgs) {
        round_trip(c, DFNS_ATTESTATION_PACKED_SELF);
        round_trip(c, DFNS_ATTESTATION_NONE);
    }
}

void test_errors() {
    const dfns::Authenticator authenticator = dfns::Authenticator::create();
    const dfns::Policy policy = make_policy();
    const std::string challenge = "a challenge of the relying party";
    const dfns::Response created = authenticator.register_credential(kRpId, kOrigin, challenge);
    const auto client_data = created.view(DFNS_RESPONSE_CLIENT_DATA_JSON);
    const auto attestation = created.view(DFNS_RESPONSE_ATTESTATION_OBJECT);
    const dfns::Registration registration = dfns::verify_registration(policy, client_data, attestation, challenge);
    const dfns::PublicKey key = registration.public_key();
    const dfns::Response asserted = authenticator.authenticate(kRpId, kOrigin, challenge, registration.credential_id_view());
    const auto a_client_data = asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON);
    const auto a_auth_data = asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA);
    const auto a_signature = asserted.view(DFNS_RESPONSE_SIGNATURE);
    const dfns::StoredCredential record(key, 0, false);

    // The message is the one of the failing call, captured at once.
    try {
        (void)dfns::verify_registration(policy, client_data, attestation, "wrong");
        CHECK(false);
    } catch (const dfns::Error &first) {
        try {
            (void)dfns::verify_registration(make_policy().require_user_presence(), std::string("{}"), attestation, challenge);
            CHECK(false);
        } catch (const dfns::Error &second) {
            CHECK(first.status() == DFNS_ERR_CHALLENGE_MISMATCH && second.status() != first.status());
            CHECK(!first.message().empty() && !second.message().empty() && first.message() != second.message());
            CHECK(std::string(first.what()) == std::string(first.name()) + ": " + first.message());
        }
    }

    // Client data.
    EXPECT_ERROR(DFNS_ERR_MALFORMED_CLIENT_DATA, dfns::verify_registration(policy, "not json", attestation, challenge));
    EXPECT_ERROR(DFNS_ERR_ORIGIN_NOT_ALLOWED,
                 dfns::verify_registration(dfns::Policy(kRpId).add_origin("https://other.example.org"), client_data,
                                           attestation, challenge));
    EXPECT_ERROR(DFNS_ERR_CLIENT_DATA_TYPE, dfns::verify_registration(policy, a_client_data, attestation, challenge));
    EXPECT_ERROR(DFNS_ERR_CLIENT_DATA_TYPE,
                 dfns::verify_assertion(policy, record, client_data, a_auth_data, a_signature, challenge));

    // Garbage attestation objects and authenticator data.
    const std::vector<std::uint8_t> garbage{0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x01};
    EXPECT_ERROR(DFNS_ERR_MALFORMED_CBOR, dfns::verify_registration(policy, client_data, garbage, challenge));
    EXPECT_ERROR(DFNS_ERR_TRAILING_BYTES,
                 dfns::verify_registration(policy, client_data, concat(attestation, std::vector<std::uint8_t>{0x00}), challenge));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ATTESTATION_OBJECT,
                 dfns::verify_registration(policy, client_data, std::vector<std::uint8_t>{0xa0}, challenge));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_AUTHENTICATOR_DATA,
                 dfns::verify_assertion(policy, record, a_client_data, a_auth_data.first(20), a_signature, challenge));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT,
                 dfns::verify_registration_hash(policy, dfns::bytes_view(sha256(client_data)).first(31), attestation));

    // Keys.
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ENCODING, dfns::PublicKey::from_spki("certainly not a key", DFNS_COSE_ES256));
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED_ALGORITHM, dfns::PublicKey::from_spki(key.spki_view(), DFNS_COSE_EDDSA));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_CBOR, dfns::PublicKey::from_cose(garbage));
    EXPECT_ERROR(DFNS_ERR_TRAILING_BYTES, dfns::PublicKey::from_cose(concat(key.cose_view(), std::vector<std::uint8_t>{0x00})));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_COSE_KEY, dfns::PublicKey::from_cose(std::vector<std::uint8_t>{0xa0}));

    // Authenticator data checks.
    EXPECT_ERROR(DFNS_ERR_RP_ID_HASH_MISMATCH,
                 dfns::verify_registration(dfns::Policy("example.com").add_origin(kOrigin), client_data, attestation, challenge));
    EXPECT_ERROR(DFNS_ERR_RP_ID_HASH_MISMATCH,
                 dfns::verify_assertion(dfns::Policy("example.com").add_origin(kOrigin), record, a_client_data, a_auth_data,
                                        a_signature, challenge));
    const dfns::Response unverified = authenticator.register_credential(kRpId, kOrigin, challenge, DFNS_COSE_EDDSA,
                                                                        DFNS_ATTESTATION_NONE, {}, false);
    EXPECT_ERROR(DFNS_ERR_USER_VERIFICATION_MISSING,
                 dfns::verify_registration(make_policy().require_user_verification(), unverified.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                           unverified.view(DFNS_RESPONSE_ATTESTATION_OBJECT), challenge));
    EXPECT_ERROR(DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED,
                 dfns::verify_assertion(policy, dfns::StoredCredential(key, 0, true), a_client_data, a_auth_data, a_signature,
                                        challenge));
    EXPECT_ERROR(DFNS_ERR_UNEXPECTED_ATTESTED_CREDENTIAL_DATA,
                 dfns::verify_assertion_hash(policy, record, sha256(a_client_data), auth_data_of(attestation),
                                             a_signature));

    // Algorithms and attestation policy.
    EXPECT_ERROR(DFNS_ERR_ALGORITHM_NOT_ALLOWED,
                 dfns::verify_registration(make_policy().set_algorithms({DFNS_COSE_EDDSA}), client_data, attestation, challenge));
    EXPECT_ERROR(DFNS_ERR_ATTESTATION_POLICY_VIOLATION,
                 dfns::verify_registration(make_policy().allow_none_attestation(false),
                                           unverified.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                           unverified.view(DFNS_RESPONSE_ATTESTATION_OBJECT), challenge));

    // Software authenticator.
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED_ALGORITHM, authenticator.register_credential(kRpId, kOrigin, challenge, DFNS_COSE_ES384));
    EXPECT_ERROR(DFNS_ERR_NOT_FOUND, authenticator.authenticate(kRpId, kOrigin, challenge, garbage));
    EXPECT_ERROR(DFNS_ERR_NOT_FOUND,
                 authenticator.authenticate("example.com", kOrigin, challenge, registration.credential_id_view()));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, authenticator.register_credential("", kOrigin, challenge));
    EXPECT_ERROR(DFNS_ERR_NOT_FOUND, (void)created.view(DFNS_RESPONSE_SIGNATURE));
    EXPECT_ERROR(DFNS_ERR_NOT_FOUND, (void)asserted.attestation_object());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)created.view(static_cast<dfns_response_field>(42)));

    // Policy building.
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Policy(""));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Policy(std::string_view("exa\0mple.org", 12)));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Policy(std::string("\xff\xfe")));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, make_policy().set_algorithms(std::vector<std::int32_t>{}));
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED_ALGORITHM, make_policy().set_algorithms({DFNS_COSE_ES256, 12345}));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, make_policy().set_option(static_cast<dfns_policy_option>(99), true));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)policy.option(static_cast<dfns_policy_option>(0)));
    EXPECT_ERROR(DFNS_ERR_ATTESTATION_CERTIFICATE_INVALID, make_policy().add_trust_anchor("packed", garbage));

    // Inspection of garbage.
    EXPECT_ERROR(DFNS_ERR_MALFORMED_CBOR, dfns::inspect(garbage, DFNS_INSPECT_ATTESTATION_OBJECT));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::inspect(attestation, static_cast<dfns_inspect_kind>(77)));
}

void test_policy_options() {
    dfns::Policy policy(kRpId);
    // Defaults, as the header documents them.
    CHECK(!policy.option(DFNS_POLICY_ALLOW_CROSS_ORIGIN));
    CHECK(!policy.option(DFNS_POLICY_REQUIRE_USER_VERIFICATION));
    CHECK(policy.option(DFNS_POLICY_REQUIRE_USER_PRESENCE));
    CHECK(!policy.option(DFNS_POLICY_ALLOW_SHA1));
    CHECK(policy.option(DFNS_POLICY_USE_BUILTIN_TRUST_ANCHORS));
    CHECK(!policy.option(DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION));
    CHECK(policy.option(DFNS_POLICY_ALLOW_SELF_ATTESTATION));
    CHECK(policy.option(DFNS_POLICY_ALLOW_NONE_ATTESTATION));
    CHECK(policy.option(DFNS_POLICY_COMPOUND_REQUIRES_ALL));
    CHECK(!policy.option(DFNS_POLICY_FLAG_SIGN_COUNT_REGRESSION));
    CHECK(policy.option(DFNS_POLICY_ENFORCE_CERTIFICATE_PROFILE));
    CHECK(!policy.option(DFNS_POLICY_ALLOW_INDEFINITE_LENGTH_CBOR));
    CHECK(policy.option(DFNS_POLICY_ANDROID_KEY_REQUIRE_ORIGIN_GENERATED));
    CHECK(policy.option(DFNS_POLICY_ANDROID_KEY_REQUIRE_PURPOSE_SIGN));
    CHECK(!policy.option(DFNS_POLICY_ANDROID_KEY_TEE_ENFORCED_ONLY));
    CHECK(policy.option(DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH));

    // Fluent setters on an lvalue flip every option; each named setter maps to its option.
    policy.add_origin(kOrigin)
        .add_top_origin("https://top.example.org")
        .allow_cross_origin()
        .require_user_verification()
        .require_user_presence(false)
        .allow_sha1()
        .use_builtin_trust_anchors(false)
        .require_trusted_attestation()
        .allow_self_attestation(false)
        .allow_none_attestation(false)
        .compound_requires_all(false)
        .flag_sign_count_regression()
        .enforce_certificate_profile(false)
        .allow_indefinite_length_cbor()
        .android_key_require_origin_generated(false)
        .android_key_require_purpose_sign(false)
        .android_key_tee_enforced_only()
        .safetynet_require_cts_profile_match(false)
        .set_algorithms({DFNS_COSE_ES256, DFNS_COSE_RS1})
        .set_verification_time(1700000000)
        .set_verification_time(-1);
    for (int option = DFNS_POLICY_ALLOW_CROSS_ORIGIN; option <= DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH; ++option) {
        const bool default_on = option == DFNS_POLICY_REQUIRE_USER_PRESENCE || option == DFNS_POLICY_USE_BUILTIN_TRUST_ANCHORS ||
                                option == DFNS_POLICY_ALLOW_SELF_ATTESTATION || option == DFNS_POLICY_ALLOW_NONE_ATTESTATION ||
                                option == DFNS_POLICY_COMPOUND_REQUIRES_ALL || option == DFNS_POLICY_ENFORCE_CERTIFICATE_PROFILE ||
                                option == DFNS_POLICY_ANDROID_KEY_REQUIRE_ORIGIN_GENERATED ||
                                option == DFNS_POLICY_ANDROID_KEY_REQUIRE_PURPOSE_SIGN ||
                                option == DFNS_POLICY_SAFETYNET_REQUIRE_CTS_PROFILE_MATCH;
        CHECK(policy.option(static_cast<dfns_policy_option>(option)) == !default_on);
    }
    CHECK(policy.set_option(DFNS_POLICY_ALLOW_SHA1, false).option(DFNS_POLICY_ALLOW_SHA1) == false);

    // Fluent setters on a temporary move the policy along.
    dfns::Policy built = dfns::Policy(kRpId).add_origin(kOrigin).require_user_verification().set_algorithms({DFNS_COSE_ES256});
    CHECK(built && built.option(DFNS_POLICY_REQUIRE_USER_VERIFICATION));

    // The relying-party options of 0.4: off by default, set through the policy class, bad values refused.
    CHECK(!built.option(DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS) && !built.option(DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT));
    built.allow_subdomain_origins().allow_any_loopback_port().add_rp_id("example.net").set_appid("https://example.org/app-id.json")
        .add_tpm_manufacturer("id:414D4400").set_client_data_types(DFNS_CEREMONY_ASSERTION, {"webauthn.get", "payment.get"});
    CHECK(built.option(DFNS_POLICY_ALLOW_SUBDOMAIN_ORIGINS) && built.option(DFNS_POLICY_ALLOW_ANY_LOOPBACK_PORT));
    built.clear_appid();
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, built.add_rp_id(""));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, built.set_appid(""));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, built.add_tpm_manufacturer("AMD"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, built.set_client_data_types(DFNS_CEREMONY_REGISTRATION, {}));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, built.set_client_data_types(static_cast<dfns_ceremony>(3), {"webauthn.create"}));
}

void test_moves() {
    dfns::Authenticator authenticator = dfns::Authenticator::create();
    dfns::Policy policy = make_policy();
    const std::string challenge = "move semantics";
    dfns::Response created = authenticator.register_credential(kRpId, kOrigin, challenge, DFNS_COSE_EDDSA);
    dfns::Registration registration = dfns::verify_registration(policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                                                created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), challenge);

    // Move construction: the source is empty, the destination owns the same handle.
    dfns::PublicKey a = registration.public_key();
    dfns_public_key_t *const raw = a.get();
    dfns::PublicKey b(std::move(a));
    CHECK(a.empty() && !a && a.get() == nullptr); // NOLINT(bugprone-use-after-move): testing the moved-from state
    CHECK(b.get() == raw && b && b.alg() == DFNS_COSE_EDDSA);
    CHECK(a.alg() == 0);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)a.cose());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)a.pem());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)a.verify("m", "s"));

    // Move assignment onto an owning object frees its old handle (valgrind shows no leak).
    dfns::PublicKey c = registration.public_key();
    c = std::move(b);
    CHECK(c.get() == raw && b.empty());
    dfns::PublicKey &alias = c;
    c = std::move(alias); // self-move keeps the handle
    CHECK(c.get() == raw);
    b = std::move(a); // empty onto empty
    CHECK(a.empty() && b.empty());

    // Moved-from objects of every type throw DFNS_ERR_INVALID_ARGUMENT on use and destruct safely.
    dfns::Policy policy2 = std::move(policy);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, policy.add_origin(kOrigin));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)policy.option(DFNS_POLICY_ALLOW_SHA1));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT,
                 dfns::verify_registration(policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                           created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), challenge));
    dfns::Registration registration2 = std::move(registration);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)registration.credential_id());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)registration.public_key());
    dfns::Authenticator authenticator2 = std::move(authenticator);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, authenticator.register_credential(kRpId, kOrigin, challenge));
    dfns::Response created2 = std::move(created);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)created.client_data_json());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)created.has(DFNS_RESPONSE_SIGNATURE));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT,
                 dfns::verify_assertion(policy2, dfns::StoredCredential(a), "{}", "", "", challenge)); // empty key

    // The moved-to objects keep working.
    const dfns::Response asserted = authenticator2.authenticate(kRpId, kOrigin, challenge, registration2.credential_id_view());
    dfns::Assertion assertion =
        dfns::verify_assertion(policy2, dfns::StoredCredential(c), asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                               asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), asserted.view(DFNS_RESPONSE_SIGNATURE), challenge);
    dfns::Assertion assertion2;
    CHECK(assertion2.empty());
    assertion2 = std::move(assertion);
    CHECK(assertion.empty() && assertion2.sign_count() == 1);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)assertion.sign_count());

    // Containers move their elements on reallocation.
    std::vector<dfns::Response> responses;
    for (int i = 0; i < 20; ++i)
        responses.push_back(authenticator2.authenticate(kRpId, kOrigin, challenge, registration2.credential_id_view()));
    CHECK(std::all_of(responses.begin(), responses.end(), [](const dfns::Response &r) { return !r.empty(); }));
    responses.erase(responses.begin(), responses.begin() + 10);
    CHECK(responses.size() == 10 && responses.front());

    // Ownership hand-over with the C API: release, adopt, reset.
    dfns_public_key_t *released = c.release();
    CHECK(c.empty() && released == raw);
    CHECK(dfns_public_key_alg(released) == DFNS_COSE_EDDSA);
    dfns_public_key_free(&released);
    CHECK(released == nullptr);
    dfns_policy_t *c_policy = nullptr;
    CHECK(dfns_policy_new(kRpId, &c_policy) == DFNS_OK);
    dfns::Policy adopted(c_policy);
    CHECK(adopted.get() == c_policy);
    adopted.add_origin(kOrigin);
    adopted.reset();
    CHECK(adopted.empty());
    // Keys of one registration may share one C pointer, one reference each: reset() with an equal
    // pointer still releases the old reference (LeakSanitizer and valgrind check it).
    dfns::PublicKey replaced = registration2.public_key();
    replaced.reset(registration2.public_key().release());
    CHECK(replaced.alg() == DFNS_COSE_EDDSA);
    replaced.reset(dfns::PublicKey::from_cose(replaced.cose()).release());
    CHECK(replaced.alg() == DFNS_COSE_EDDSA);
}

// The status `body` throws as a dfns::Error, or DFNS_OK when it returns.
int status_of(const std::function<void()> &body) {
    try {
        body();
        return DFNS_OK;
    } catch (const dfns::Error &error) {
        return error.status();
    }
}

static_assert(std::is_copy_constructible_v<dfns::AssertionInfo>, "AssertionInfo is a plain value");

// dfns::verify_assertion_cose: the one-call path from stored COSE bytes gives the values of
// PublicKey::from_cose + verify_assertion, and the same statuses for bad keys and bad assertions.
void test_assertion_cose() {
    const dfns::Authenticator authenticator = dfns::Authenticator::create();
    const dfns::Policy policy = make_policy();
    for (const AlgCase &c : kAlgs) {
        std::fprintf(stderr, "  verify_assertion_cose %s\n", c.name);
        const std::string registration_challenge = std::string("cose registration ") + c.name;
        const dfns::Response created = authenticator.register_credential(kRpId, kOrigin, registration_challenge, c.alg);
        const dfns::Registration registration = dfns::verify_registration(
            policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON), created.view(DFNS_RESPONSE_ATTESTATION_OBJECT),
            registration_challenge);
        const std::vector<std::uint8_t> cose = registration.public_key().cose();
        const std::array<std::uint8_t, 32> challenge = sha256(std::string("cose assertion ") + c.name);
        const dfns::Response asserted = authenticator.authenticate(kRpId, kOrigin, challenge, registration.credential_id());
        const auto cdj = asserted.view(DFNS_RESPONSE_CLIENT_DATA_JSON);
        const auto ad = asserted.view(DFNS_RESPONSE_AUTHENTICATOR_DATA);
        const auto sig = asserted.view(DFNS_RESPONSE_SIGNATURE);

        // Positive: the values of the handle-based path.
        const dfns::AssertionInfo info = dfns::verify_assertion_cose(policy, cose, 0, false, cdj, ad, sig, challenge);
        const dfns::PublicKey key = dfns::PublicKey::from_cose(cose);
        const dfns::Assertion assertion = dfns::verify_assertion(policy, dfns::StoredCredential(key, 0, false), cdj, ad, sig, challenge);
        CHECK(info.sign_count == 1 && info.sign_count == assertion.sign_count());
        CHECK(info.flags == assertion.flags() && info.flags == (dfns::FLAG_UP | dfns::FLAG_UV) && info.user_verified());
        CHECK(!info.sign_count_regressed && info.extensions.empty() && info.extensions == assertion.extensions());
        CHECK(dfns::verify_assertion_cose(policy, cose, 0, std::nullopt, cdj, ad, sig, challenge).sign_count == 1);
        const dfns::AssertionInfo copy = info; // a plain value
        CHECK(copy.sign_count == info.sign_count && copy.flags == info.flags);

        // A tampered signature, a wrong challenge, a stale counter, a changed BE, an empty challenge.
        std::vector<std::uint8_t> tampered = sig.to_vector();
        tampered.back() ^= 0x01;
        EXPECT_ERROR(DFNS_ERR_SIGNATURE_INVALID, dfns::verify_assertion_cose(policy, cose, 0, false, cdj, ad, tampered, challenge));
        EXPECT_ERROR(DFNS_ERR_SIGNATURE_INVALID, dfns::verify_assertion_cose(policy, cose, 0, false, cdj, ad, dfns::bytes_view(), challenge));
        EXPECT_ERROR(DFNS_ERR_CHALLENGE_MISMATCH,
                     dfns::verify_assertion_cose(policy, cose, 0, false, cdj, ad, sig, sha256("another challenge")));
        EXPECT_ERROR(DFNS_ERR_SIGN_COUNT_NOT_INCREASED, dfns::verify_assertion_cose(policy, cose, 1, false, cdj, ad, sig, challenge));
        EXPECT_ERROR(DFNS_ERR_BACKUP_ELIGIBILITY_CHANGED, dfns::verify_assertion_cose(policy, cose, 0, true, cdj, ad, sig, challenge));
        EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::verify_assertion_cose(policy, cose, 0, false, cdj, ad, sig, dfns::bytes_view()));
        EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::verify_assertion_cose(dfns::Policy(), cose, 0, false, cdj, ad, sig, challenge));
        std::vector<std::uint8_t> bad_data = ad.to_vector();
        bad_data[0] ^= 0x01; // the RP ID hash
        EXPECT_ERROR(DFNS_ERR_RP_ID_HASH_MISMATCH, dfns::verify_assertion_cose(policy, cose, 0, false, cdj, bad_data, sig, challenge));

        // A counter that went back, only flagged by a lenient policy.
        const dfns::AssertionInfo flagged =
            dfns::verify_assertion_cose(make_policy().flag_sign_count_regression(), cose, 5, std::nullopt, cdj, ad, sig, challenge);
        CHECK(flagged.sign_count == 1 && flagged.sign_count_regressed);

        // Wrong COSE bytes: another credential's key, and bytes that are no key at all, each with the
        // status PublicKey::from_cose gives them.
        const dfns::Response other = authenticator.register_credential(kRpId, kOrigin, "another credential", c.alg);
        const std::vector<std::uint8_t> other_cose =
            dfns::verify_registration(policy, other.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                                      other.view(DFNS_RESPONSE_ATTESTATION_OBJECT), "another credential")
                .public_key()
                .cose();
        EXPECT_ERROR(DFNS_ERR_SIGNATURE_INVALID, dfns::verify_assertion_cose(policy, other_cose, 0, false, cdj, ad, sig, challenge));
        std::vector<std::uint8_t> trailing = cose;
        trailing.push_back(0x00);
        EXPECT_ERROR(DFNS_ERR_TRAILING_BYTES, dfns::verify_assertion_cose(policy, trailing, 0, false, cdj, ad, sig, challenge));
        const std::vector<std::uint8_t> truncated(cose.begin(), cose.end() - 1);
        const std::vector<std::uint8_t> garbage{0xff, 0x00, 0x13, 0x37};
        const std::vector<std::uint8_t> empty_map{0xa0};
        std::vector<std::uint8_t> flipped = cose; // one bit of the last key coordinate (or modulus/exponent)
        flipped[flipped.size() - 2] ^= 0x01;
        const std::vector<std::uint8_t> wrong[] = {truncated, garbage, empty_map, {}, flipped, trailing};
        for (const std::vector<std::uint8_t> &bytes : wrong) {
            const int expected = status_of([&] { (void)dfns::PublicKey::from_cose(bytes); });
            const int got = status_of([&] { (void)dfns::verify_assertion_cose(policy, bytes, 0, false, cdj, ad, sig, challenge); });
            // A key that imports (a flipped bit can still give a valid key) then fails the signature.
            CHECK(got == (expected == DFNS_OK ? DFNS_ERR_SIGNATURE_INVALID : expected));
            CHECK(got != DFNS_OK);
        }
    }
}

void test_inspect() {
    const dfns::Authenticator authenticator = dfns::Authenticator::create();
    const dfns::Response created = authenticator.register_credential(kRpId, kOrigin, "inspect", DFNS_COSE_ES256);
    const std::string text = dfns::inspect(created.view(DFNS_RESPONSE_ATTESTATION_OBJECT));
    CHECK(!text.empty() && text.find("packed") != std::string::npos);
    const std::string json =
        dfns::inspect(created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), DFNS_INSPECT_ATTESTATION_OBJECT, DFNS_INSPECT_JSON);
    CHECK(!json.empty() && json.front() == '{');
    const std::string client = dfns::inspect(created.view(DFNS_RESPONSE_CLIENT_DATA_JSON), DFNS_INSPECT_CLIENT_DATA, DFNS_INSPECT_JSON);
    CHECK(client.find("webauthn.create") != std::string::npos);
}

void test_threads() {
    const dfns::Authenticator authenticator = dfns::Authenticator::create();
    const dfns::Policy policy = make_policy();
    const std::string challenge = "threads";
    const dfns::Response created = authenticator.register_credential(kRpId, kOrigin, challenge, DFNS_COSE_ES256K);
    const dfns::Registration registration = dfns::verify_registration(
        policy, created.view(DFNS_RESPONSE_CLIENT_DATA_JSON), created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), challenge);
    const dfns::PublicKey key = registration.public_key();

    std::atomic<int> verified{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t]() {
            for (int i = 0; i < 10; ++i) {
                try {
                    const std::string own = challenge + std::to_string(t) + "/" + std::to_string(i);
                    const dfns::Response r = authenticator.authenticate(kRpId, kOrigin, own, registration.credential_id_view());
                    const dfns::Assertion a = dfns::verify_assertion(
                        policy, dfns::StoredCredential(key), r.view(DFNS_RESPONSE_CLIENT_DATA_JSON),
                        r.view(DFNS_RESPONSE_AUTHENTICATOR_DATA), r.view(DFNS_RESPONSE_SIGNATURE), own);
                    if (a.sign_count() >= 1) ++verified;
                    // A failing call on this thread: its message is this thread's own.
                    try {
                        (void)dfns::verify_registration(policy, "[]", created.view(DFNS_RESPONSE_ATTESTATION_OBJECT), own);
                        ++failed;
                    } catch (const dfns::Error &e) {
                        if (e.status() != DFNS_ERR_MALFORMED_CLIENT_DATA) ++failed;
                    }
                } catch (const std::exception &e) {
                    std::fprintf(stderr, "thread %d: %s\n", t, e.what());
                    ++failed;
                }
            }
        });
    }
    for (std::thread &thread : threads) thread.join();
    CHECK(verified == 40 && failed == 0);
}

// =============================================================================================
// Signers, Dfns cryptography and the API client (since 0.2)
// =============================================================================================

static_assert(move_only_v<dfns::Signer>, "Signer is move-only");
static_assert(move_only_v<dfns::Client>, "Client is move-only");
static_assert(move_only_v<dfns::Result>, "Result is move-only");
static_assert(std::is_same_v<dfns::SignFunction,
                             std::function<std::vector<std::uint8_t>(dfns_key_kind, dfns::bytes_view)>>,
              "SignFunction is a std::function");
static_assert(std::is_same_v<dfns::Transport, std::function<dfns::HttpResponse(const dfns::HttpRequest &)>>,
              "Transport is a std::function");

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

// The string value of the first "key":"…" in a compact JSON text (values here have no escapes).
std::string json_field(std::string_view json, std::string_view key) {
    const std::string marker = "\"" + std::string(key) + "\":\"";
    const std::size_t at = json.find(marker);
    if (at == std::string_view::npos) return {};
    const std::size_t start = at + marker.size();
    const std::size_t end = json.find('"', start);
    return end == std::string_view::npos ? std::string() : std::string(json.substr(start, end - start));
}

const char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(dfns::bytes_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::uint8_t b : in) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kB64Url[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += kB64Url[(acc << (6 - bits)) & 63];
    return out;
}

std::vector<std::uint8_t> base64url_decode(std::string_view in) {
    std::vector<std::uint8_t> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const char *at = std::strchr(kB64Url, c);
        if (c == '=' || at == nullptr || c == '\0') break;
        acc = (acc << 6) | static_cast<std::uint32_t>(at - kB64Url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
        }
    }
    return out;
}

std::string hex(dfns::bytes_view in) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : in) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// A user-action challenge document listing one credential of `kind` ("key", "webauthn", ...).
std::string challenge_doc(std::string_view challenge, std::string_view kind, std::string_view credential_id) {
    return "{\"challenge\":\"" + std::string(challenge) + "\",\"challengeIdentifier\":\"cid-cpp\","
           "\"userVerification\":\"required\",\"allowCredentials\":{\"" + std::string(kind) +
           "\":[{\"type\":\"public-key\",\"id\":\"" + std::string(credential_id) + "\"}]}}";
}

// Checks a Key-style firstFactor: kind, credId, the key.get clientData over `challenge`, and its
// signature with the public key (PEM) under `alg`.
void check_key_first_factor(const std::string &first_factor, const char *kind, const std::string &credential_id,
                            const std::string &challenge, const std::string &public_pem, std::int32_t alg, int line) {
    const std::vector<std::uint8_t> client_data = base64url_decode(json_field(first_factor, "clientData"));
    const std::vector<std::uint8_t> signature = base64url_decode(json_field(first_factor, "signature"));
    const std::string expected = "{\"type\":\"key.get\",\"challenge\":\"" + challenge + "\"}";
    check_that(json_field(first_factor, "kind") == kind, "firstFactor kind", line);
    check_that(json_field(first_factor, "credId") == credential_id, "firstFactor credId", line);
    check_that(dfns::bytes_view(client_data).to_string() == expected, "firstFactor clientData", line);
    check_that(dfns::PublicKey::from_spki(public_pem, alg).verify(client_data, signature), "firstFactor signature", line);
}

// An exception type of the host's own, to see it come back unchanged.
struct HsmError : std::runtime_error {
    explicit HsmError(const std::string &what, int code_) : std::runtime_error(what), code(code_) {}
    int code;
};

// A SignFunction standing in for an HSM. test_cpp uses libcrypto only for SHA-256, so it signs
// through a Key signer of the same private key: the message is the Key clientData {"type":"key.get",
// "challenge":"…"}, which that signer rebuilds from the challenge and signs; the function checks the
// rebuilt clientData is the message and returns the signature bytes. (It also runs a wrapper call
// inside a callback.)
dfns::SignFunction hsm_stand_in(std::shared_ptr<const dfns::Signer> inner, std::string credential_id,
                                std::shared_ptr<std::atomic<int>> calls, dfns_key_kind expected_kind) {
    return [inner, credential_id, calls, expected_kind](dfns_key_kind kind, dfns::bytes_view message) {
        ++*calls;
        if (kind != expected_kind) throw HsmError("unexpected key kind", static_cast<int>(kind));
        const std::string client_data = message.to_string();
        const std::string first_factor = inner->sign_challenge(challenge_doc(json_field(client_data, "challenge"), "key", credential_id));
        if (base64url_decode(json_field(first_factor, "clientData")) != message.to_vector())
            throw HsmError("the message is not the Key clientData", 0);
        return base64url_decode(json_field(first_factor, "signature"));
    };
}

struct KeyKindCase {
    dfns_key_kind kind;
    std::int32_t alg;
    const char *name;
};
const KeyKindCase kKeyKinds[] = {{DFNS_KEY_ED25519, DFNS_COSE_EDDSA, "Ed25519"},
                                 {DFNS_KEY_P256, DFNS_COSE_ES256, "P-256"},
                                 {DFNS_KEY_SECP256K1, DFNS_COSE_ES256K, "secp256k1"},
                                 {DFNS_KEY_RSA, DFNS_COSE_RS256, "RSA"}};

void test_key_signers() {
    for (const KeyKindCase &c : kKeyKinds) {
        std::fprintf(stderr, "  key signer %s\n", c.name);
        dfns::GeneratedKey key = dfns::generate_key(c.kind);
        CHECK(key.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
        CHECK(key.public_key_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
        CHECK(key.credential_id.size() == 43); // base64url of a SHA-256
        const dfns::Signer derived = dfns::Signer::key(key.private_key_pem);
        CHECK(derived.credential_id() == key.credential_id);
        const dfns::Signer named = dfns::Signer::key(key.private_key_pem, "cr-named");
        CHECK(named.credential_id() == "cr-named");

        const std::string challenge = "Y2gtY3BwLWtleQ";
        const std::string first_factor = derived.sign_challenge(challenge_doc(challenge, "key", key.credential_id));
        check_key_first_factor(first_factor, "Key", key.credential_id, challenge, key.public_key_pem, c.alg, __LINE__);
        // The delegated request shape is signed too.
        const std::string delegated = "{\"method\":\"POST\",\"path\":\"/wallets\",\"body\":\"{}\",\"challenge\":" +
                                      challenge_doc(challenge, "key", "cr-named") + "}";
        check_key_first_factor(named.sign_challenge(delegated), "Key", "cr-named", challenge, key.public_key_pem, c.alg, __LINE__);
        // A challenge for another credential: nothing is signed.
        EXPECT_ERROR(DFNS_ERR_SIGNER, (void)derived.sign_challenge(challenge_doc(challenge, "key", "someone-else")));

        dfns::wipe(key.private_key_pem);
        CHECK(key.private_key_pem.empty());
    }
    // RSA with an explicit size; sizes outside 2048…16384 are refused.
    CHECK(dfns::generate_key(DFNS_KEY_RSA, 3072).private_key_pem.size() > dfns::generate_key(DFNS_KEY_RSA).private_key_pem.size());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::generate_key(DFNS_KEY_RSA, 1024));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::generate_key(static_cast<dfns_key_kind>(99)));

    // Errors.
    const dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_P256);
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ENCODING, dfns::Signer::key("not a key at all"));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ENCODING, dfns::Signer::key(key.public_key_pem));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Signer::key(key.private_key_pem, ""));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Signer::key(key.private_key_pem, std::string_view("a\0b", 3)));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Signer::key(dfns::bytes_view()));
    const dfns::Signer signer = dfns::Signer::key(key.private_key_pem);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)signer.sign_challenge("not json"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)signer.sign_challenge("{\"challengeIdentifier\":\"x\"}"));

    // wipe() of an empty string and of a short (in-object) string.
    std::string empty, small = "D1-secret";
    dfns::wipe(empty);
    dfns::wipe(small);
    CHECK(empty.empty() && small.empty());
}

void test_external_signers() {
    for (const KeyKindCase &c : kKeyKinds) {
        if (c.kind == DFNS_KEY_RSA) continue; // RSA works the same way; the four-kind loop above covers its key signer
        const dfns::GeneratedKey key = dfns::generate_key(c.kind);
        auto inner = std::make_shared<const dfns::Signer>(dfns::Signer::key(key.private_key_pem));
        auto calls = std::make_shared<std::atomic<int>>(0);
        const dfns::Signer external =
            dfns::Signer::external("cr-hsm", key.public_key_pem, hsm_stand_in(inner, key.credential_id, calls, c.kind));
        CHECK(external.credential_id() == "cr-hsm");
        const std::string challenge = "Y2gtZXh0ZXJuYWw";
        check_key_first_factor(external.sign_challenge(challenge_doc(challenge, "key", "cr-hsm")), "Key", "cr-hsm",
                               challenge, key.public_key_pem, c.alg, __LINE__);
        CHECK(*calls == 1);
    }

    const dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_P256);
    const std::string doc = challenge_doc("Y2gtdGhyb3c", "key", "cr-hsm");

    // A function that throws: the same exception comes back to the caller, nothing unwinds through C.
    const dfns::Signer throwing = dfns::Signer::external(
        "cr-hsm", key.public_key_pem, [](dfns_key_kind, dfns::bytes_view) -> std::vector<std::uint8_t> { throw HsmError("HSM offline", 42); });
    bool caught = false;
    try {
        (void)throwing.sign_challenge(doc);
    } catch (const HsmError &e) {
        caught = e.code == 42 && std::string(e.what()) == "HSM offline";
    } catch (...) {
    }
    CHECK(caught);
    // Through the C function on the same handle: the C status, and the exception is not delivered.
    char *first_factor = nullptr;
    CHECK(dfns_signer_sign_challenge(throwing.get(), doc.c_str(), &first_factor) == DFNS_ERR_SIGNER_CALLBACK);
    CHECK(first_factor == nullptr);
    // ... nor does it leak into the next wrapper call that fails for its own reason.
    const dfns::Signer plain = dfns::Signer::key(key.private_key_pem);
    EXPECT_ERROR(DFNS_ERR_SIGNER, (void)plain.sign_challenge(doc));
    // Such an exception, which no wrapper call waits for, goes at the next wrapper call that can run
    // a callback: it is not kept (with whatever it owns) until the thread ends.
    auto witness = std::make_shared<int>(0);
    {
        const dfns::Signer keeps = dfns::Signer::external(
            "cr-hsm", key.public_key_pem, [witness](dfns_key_kind, dfns::bytes_view) -> std::vector<std::uint8_t> { throw witness; });
        CHECK(dfns_signer_sign_challenge(keeps.get(), doc.c_str(), &first_factor) == DFNS_ERR_SIGNER_CALLBACK);
        CHECK(witness.use_count() == 3); // here, in the signing function, in the kept exception
    }
    CHECK(witness.use_count() == 2); // the signing function went with the signer; the exception is kept
    EXPECT_ERROR(DFNS_ERR_SIGNER, (void)plain.sign_challenge(doc));
    CHECK(witness.use_count() == 1);
    // A non-std exception type comes back too.
    const dfns::Signer throws_int = dfns::Signer::external(
        "cr-hsm", key.public_key_pem, [](dfns_key_kind, dfns::bytes_view) -> std::vector<std::uint8_t> { throw 7; });
    int thrown = 0;
    try {
        (void)throws_int.sign_challenge(doc);
    } catch (int value) {
        thrown = value;
    }
    CHECK(thrown == 7);

    // Signatures the library refuses: garbage, a valid-looking one of another key, too long.
    const dfns::Signer garbage = dfns::Signer::external(
        "cr-hsm", key.public_key_pem, [](dfns_key_kind, dfns::bytes_view) { return std::vector<std::uint8_t>{1, 2, 3}; });
    EXPECT_ERROR(DFNS_ERR_SIGNER_CALLBACK, (void)garbage.sign_challenge(doc));
    const dfns::GeneratedKey other = dfns::generate_key(DFNS_KEY_P256);
    auto other_inner = std::make_shared<const dfns::Signer>(dfns::Signer::key(other.private_key_pem));
    const dfns::Signer wrong_key = dfns::Signer::external(
        "cr-hsm", key.public_key_pem, hsm_stand_in(other_inner, other.credential_id, std::make_shared<std::atomic<int>>(0), DFNS_KEY_P256));
    EXPECT_ERROR(DFNS_ERR_SIGNER_CALLBACK, (void)wrong_key.sign_challenge(doc));
    const dfns::Signer too_long = dfns::Signer::external(
        "cr-hsm", key.public_key_pem,
        [](dfns_key_kind, dfns::bytes_view) { return std::vector<std::uint8_t>(DFNS_SIGNATURE_CAPACITY + 1, 0x30); });
    try {
        (void)too_long.sign_challenge(doc);
        CHECK(false);
    } catch (const dfns::Error &e) {
        CHECK(e.status() == DFNS_ERR_SIGNER_CALLBACK && contains(e.message(), std::to_string(DFNS_SIGNATURE_CAPACITY + 1)));
    }

    // Construction errors; the function is released when construction fails, and when the signer goes.
    auto token = std::make_shared<int>(0);
    auto sign_with_token = [token](dfns_key_kind, dfns::bytes_view) { return std::vector<std::uint8_t>(); };
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Signer::external("cr", key.public_key_pem, dfns::SignFunction()));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Signer::external("", key.public_key_pem, sign_with_token));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ENCODING, dfns::Signer::external("cr", "not a key", sign_with_token));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ENCODING, dfns::Signer::external("cr", key.private_key_pem, sign_with_token));
    CHECK(token.use_count() == 2); // token + the lambda sign_with_token
    {
        const dfns::Signer holding = dfns::Signer::external("cr", key.public_key_pem, sign_with_token);
        CHECK(token.use_count() == 3);
    }
    CHECK(token.use_count() == 2);
}

void test_other_signers() {
    // A passkey of the software authenticator.
    const dfns::Authenticator authenticator = dfns::Authenticator::create();
    const dfns::Response created = authenticator.register_credential(kRpId, kOrigin, "passkey registration", DFNS_COSE_ES256);
    const dfns::Registration registration = dfns::verify_registration(
        make_policy(), created.view(DFNS_RESPONSE_CLIENT_DATA_JSON), created.view(DFNS_RESPONSE_ATTESTATION_OBJECT),
        "passkey registration");
    const std::vector<std::uint8_t> raw_id = registration.credential_id();
    const dfns::Signer passkey = dfns::Signer::webauthn(authenticator, kRpId, kOrigin, raw_id);
    CHECK(passkey.credential_id() == base64url_encode(raw_id));
    const std::string challenge = base64url_encode(sha256("a Dfns challenge"));
    const std::string fido2 = passkey.sign_challenge(challenge_doc(challenge, "webauthn", passkey.credential_id()));
    CHECK(json_field(fido2, "kind") == "Fido2");
    const dfns::Assertion assertion = dfns::verify_assertion(
        make_policy().require_user_verification(), dfns::StoredCredential(registration.public_key(), registration.sign_count()),
        base64url_decode(json_field(fido2, "clientData")), base64url_decode(json_field(fido2, "authenticatorData")),
        base64url_decode(json_field(fido2, "signature")), base64url_decode(challenge));
    CHECK(assertion.sign_count() == 1 && assertion.user_verified());
    EXPECT_ERROR(DFNS_ERR_NOT_FOUND, dfns::Signer::webauthn(authenticator, kRpId, kOrigin, std::string("no such id")));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Signer::webauthn(dfns::Authenticator(), kRpId, kOrigin, raw_id));

    // A passkey made for a Dfns registration challenge, with its signer.
    const std::string registration_challenge = base64url_encode(sha256("a Dfns registration"));
    const dfns::Fido2Credential made = dfns::create_fido2_credential(
        authenticator, kRpId, kOrigin,
        "{\"challenge\":\"" + registration_challenge + "\",\"user\":{\"id\":\"us-1\",\"name\":\"alice\"},"
        "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7}],\"attestation\":\"none\"}", "phone");
    CHECK(json_field(made.credential_json, "credentialKind") == "Fido2" && json_field(made.credential_json, "credentialName") == "phone");
    const dfns::Registration made_registration = dfns::verify_registration(
        make_policy(), base64url_decode(json_field(made.credential_json, "clientData")),
        base64url_decode(json_field(made.credential_json, "attestationData")), base64url_decode(registration_challenge));
    CHECK(made_registration.format() == "none");
    CHECK(made.signer.credential_id() == json_field(made.credential_json, "credId"));
    CHECK(json_field(made.signer.sign_challenge(challenge_doc(challenge, "webauthn", made.signer.credential_id())), "kind") == "Fido2");
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::create_fido2_credential(authenticator, kRpId, kOrigin, "{\"challenge\":\"Y2g\"}"));
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED_ALGORITHM,
                 dfns::create_fido2_credential(authenticator, kRpId, kOrigin,
                                               "{\"challenge\":\"Y2g\",\"user\":{\"id\":\"u\",\"name\":\"n\"},"
                                               "\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-35}]}"));

    // Password-protected keys: wrap, unwrap, a signer, a new credential.
    dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_P256);
    const std::string password = "correct horse battery staple";
    const std::string envelope = dfns::password_protected_key_wrap(key.private_key_pem, password, "  Alice@Example.com ");
    CHECK(!envelope.empty() && !contains(envelope, "PRIVATE"));
    std::string unwrapped = dfns::password_protected_key_unwrap(envelope, password, "alice@example.com");
    CHECK(unwrapped.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
    CHECK(dfns::Signer::key(unwrapped).credential_id() == key.credential_id);
    dfns::wipe(unwrapped);
    EXPECT_ERROR(DFNS_ERR_WRONG_PASSWORD, dfns::password_protected_key_unwrap(envelope, "wrong", "alice@example.com"));
    EXPECT_ERROR(DFNS_ERR_WRONG_PASSWORD, dfns::password_protected_key_unwrap(envelope, password, "bob"));
    EXPECT_ERROR(DFNS_ERR_MALFORMED_ENCODING, dfns::password_protected_key_unwrap("e30=", password, "alice"));
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED_ALGORITHM,
                 dfns::password_protected_key_wrap(dfns::generate_key(DFNS_KEY_ED25519).private_key_pem, password, "alice"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::password_protected_key_wrap(key.private_key_pem, "", "alice"));

    const dfns::Signer ppk = dfns::Signer::password_protected_key(envelope, password, "ALICE@example.com", "cr-ppk");
    CHECK(ppk.credential_id() == "cr-ppk");
    CHECK(dfns::Signer::password_protected_key(envelope, password, "alice@example.com").credential_id() == key.credential_id);
    const std::string ppk_challenge =
        "{\"challenge\":\"Y2gtcHBr\",\"challengeIdentifier\":\"cid-cpp\",\"allowCredentials\":{\"key\":[],\"webauthn\":[],"
        "\"passwordProtectedKey\":[{\"type\":\"public-key\",\"id\":\"cr-ppk\",\"encryptedPrivateKey\":\"" + envelope + "\"}]}}";
    check_key_first_factor(ppk.sign_challenge(ppk_challenge), "PasswordProtectedKey", "cr-ppk", "Y2gtcHBr",
                           key.public_key_pem, DFNS_COSE_ES256, __LINE__);
    EXPECT_ERROR(DFNS_ERR_WRONG_PASSWORD, dfns::Signer::password_protected_key(envelope, "wrong", "alice@example.com"));
    dfns::wipe(key.private_key_pem);

    const std::string ppk_credential = dfns::password_protected_key_create("Y2gtcmVnaXN0ZXI", password, "carol", "laptop");
    CHECK(json_field(ppk_credential, "credentialKind") == "PasswordProtectedKey");
    CHECK(json_field(ppk_credential, "credentialName") == "laptop");
    const std::string created_envelope = json_field(ppk_credential, "encryptedPrivateKey");
    CHECK(dfns::Signer::password_protected_key(created_envelope, password, "carol").credential_id() ==
          json_field(ppk_credential, "credId"));
    CHECK(!contains(dfns::password_protected_key_create("Y2gtcmVnaXN0ZXI", password, "carol"), "credentialName"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::password_protected_key_create("", password, "carol"));

    // Recovery codes and recovery keys.
    std::string code = dfns::generate_recovery_code();
    CHECK(code.size() == 40 && code.rfind("D1-", 0) == 0);
    CHECK(code != dfns::generate_recovery_code());
    const std::string recovery = dfns::recovery_key_create("Y2gtcmVjb3Zlcnk", code, "erin", "paper");
    CHECK(json_field(recovery, "credentialKind") == "RecoveryKey" && json_field(recovery, "credentialName") == "paper");
    const dfns::Signer recovery_signer = dfns::Signer::recovery_key(json_field(recovery, "encryptedPrivateKey"), code, "Erin");
    CHECK(recovery_signer.credential_id() == json_field(recovery, "credId"));
    const std::string recovered = recovery_signer.sign_challenge("{\"challenge\":\"eyJuZXdDcmVkZW50aWFscyI6e319\",\"challengeIdentifier\":\"x\"}");
    CHECK(json_field(recovered, "kind") == "RecoveryKey");
    // A recovery: signed over base64url of the compact JSON of the new credentials.
    dfns::GeneratedKey recovery_key = dfns::generate_key(DFNS_KEY_P256);
    const dfns::Signer known_recovery = dfns::Signer::recovery_key(
        dfns::password_protected_key_wrap(recovery_key.private_key_pem, code, "erin"), code, "erin", "cr-recovery");
    const std::string proof = known_recovery.sign_recovery("{ \"firstFactorCredential\": {} }");
    check_key_first_factor(proof, "RecoveryKey", "cr-recovery", "eyJmaXJzdEZhY3RvckNyZWRlbnRpYWwiOnt9fQ",
                           recovery_key.public_key_pem, DFNS_COSE_ES256, __LINE__);
    dfns::wipe(recovery_key.private_key_pem);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)recovery_signer.sign_recovery("[]"));
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED, (void)passkey.sign_recovery("{}"));
    EXPECT_ERROR(DFNS_ERR_WRONG_PASSWORD, dfns::recovery_key_create("Y2gt", "password", "erin"));
    EXPECT_ERROR(DFNS_ERR_WRONG_PASSWORD,
                 dfns::Signer::recovery_key(json_field(recovery, "encryptedPrivateKey"), dfns::generate_recovery_code(), "erin"));
    dfns::wipe(code);
}

void test_webhooks_and_returned_signatures() {
    // The reference delivery of tests/c/test_signers.c.
    const std::string secret = "whs-example-secret";
    const std::string body =
        "{\"id\":\"whe-1\",\"kind\":\"wallet.created\",\"date\":\"2024-01-01T00:00:00.000Z\",\"data\":{\"wallet\":{\"id\":"
        "\"wa-1\"}},\"timestampSent\":1704067200}";
    const std::string header = "sha256=d99fda8cc2b0fd18e1f67c505115afd91f5e8f1bc1b15c0bb6f2748a2a13aeea";
    const std::int64_t sent = 1704067200;
    const std::string event = dfns::verify_webhook(secret, body, header, sent + 5);
    CHECK(json_field(event, "id") == "whe-1" && json_field(event, "kind") == "wallet.created");
    CHECK(!dfns::verify_webhook(secret, body, header, sent + 299, 300, 60).empty());

    auto refused = [&](const std::string &s, const std::string &b, std::optional<std::string_view> h, std::int64_t now,
                       const char *reason, int line) {
        try {
            (void)dfns::verify_webhook(s, b, h, now);
            check_that(false, reason, line);
        } catch (const dfns::Error &e) {
            check_that(e.status() == DFNS_ERR_WEBHOOK_INVALID && contains(e.message(), reason), reason, line);
        }
    };
    std::string tampered = body;
    tampered[10] = '2';
    refused(secret, tampered, header, sent, "signature_mismatch", __LINE__);
    refused("whs-other", body, header, sent, "signature_mismatch", __LINE__);
    refused(secret, body, header, sent + 301, "too_old", __LINE__);
    refused(secret, body, header, sent - 61, "from_the_future", __LINE__);
    refused(secret, body, std::nullopt, sent, "missing_signature_header", __LINE__);
    refused(secret, body, header.substr(7), sent, "malformed_signature_header", __LINE__);

    // Returned signatures: an Ed25519 signature made by a Key signer over its clientData.
    const dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_ED25519);
    const std::string first_factor =
        dfns::Signer::key(key.private_key_pem).sign_challenge(challenge_doc("Y2gtc2ln", "key", key.credential_id));
    const std::vector<std::uint8_t> message = base64url_decode(json_field(first_factor, "clientData"));
    const std::vector<std::uint8_t> signature = base64url_decode(json_field(first_factor, "signature"));
    CHECK(signature.size() == 64);
    const dfns::bytes_view sig(signature);
    const std::string public_hex = "0x" + hex(dfns::PublicKey::from_spki(key.public_key_pem, DFNS_COSE_EDDSA).spki_view().last(32));
    const std::string r = hex(sig.first(32)), s = hex(sig.last(32));
    CHECK(dfns::verify_returned_signature(DFNS_KEY_ED25519, public_hex, message, r, s));
    CHECK(dfns::verify_returned_signature(DFNS_KEY_ED25519, public_hex, message, "0x" + r, s, std::nullopt, hex(sig)));
    CHECK(!dfns::verify_returned_signature(DFNS_KEY_ED25519, public_hex, concat(message, std::string("x")), r, s));
    CHECK(!dfns::verify_returned_signature(DFNS_KEY_ED25519, public_hex, message, s, r));
    EXPECT_ERROR(DFNS_ERR_INVALID_PUBLIC_KEY, (void)dfns::verify_returned_signature(DFNS_KEY_ED25519, "0x1234", message, r, s));
    EXPECT_ERROR(DFNS_ERR_UNSUPPORTED, (void)dfns::verify_returned_signature(DFNS_KEY_RSA, public_hex, message, r, s));
}

// ---------------------------------------------------------------------------------------------
// A host transport playing the Dfns API (routes and JSON as tests/c/test_client.c)

const char *const kBase = "https://api.test";
const char *const kUserActionToken = "ua-token-1";

struct BoomError : std::runtime_error {
    explicit BoomError(int id_) : std::runtime_error("boom " + std::to_string(id_)), id(id_) {}
    int id;
};

dfns::HttpResponse respond(int status, const std::string &body, const char *request_id) {
    dfns::HttpResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(body.size())}};
    if (request_id != nullptr) response.headers.emplace_back("X-Request-ID", request_id);
    response.body = body;
    return response;
}

struct FakeServer {
    std::string credential_id;            // listed in allowCredentials of the challenges
    std::atomic<int> calls{0};
    std::atomic<int> signed_writes{0};
    std::atomic<int> violations{0};
    std::mutex mutex;                     // guards the fields below
    std::vector<std::string> requests;    // "METHOD /path" of every request, in order
    std::string last_user_action;         // X-DFNS-USERACTION of the last request ("" when absent)
    std::string last_authorization;       // Authorization of the last request ("" when absent)
    std::string last_user_agent;
    std::string last_action_body;         // the body of the last POST /auth/action
    std::uint32_t last_connect_timeout = 0, last_timeout = 0;

    dfns::HttpResponse handle(const dfns::HttpRequest &request) {
        ++calls;
        const std::string url(request.url);
        if (url.rfind(kBase, 0) != 0) ++violations;
        const std::string path = url.substr(std::strlen(kBase));
        const std::string method(request.method);
        const std::string body = request.body.to_string();
        const std::string user_action(request.header("x-dfns-useraction").value_or(""));
        if (request.header("User-Agent") != request.header("user-agent")) ++violations; // case-insensitive lookup
        {
            const std::lock_guard<std::mutex> lock(mutex);
            requests.push_back(method + " " + path);
            last_user_action = user_action;
            last_authorization = std::string(request.header("Authorization").value_or(""));
            last_user_agent = std::string(request.header("User-Agent").value_or(""));
            last_connect_timeout = request.connect_timeout_ms;
            last_timeout = request.timeout_ms;
            if (method == "POST" && path == "/auth/action") last_action_body = body;
        }
        if (path.rfind("/boom/", 0) == 0) throw BoomError(std::stoi(path.substr(6)));

        if (method == "POST" && path == "/auth/action/init") {
            if (contains(body, "\"userActionHttpPath\":\"/forbidden\""))
                return respond(403, "{\"error\":{\"id\":\"Forbidden\",\"status\":403,\"message\":\"not yours\"}}", "req-init-403");
            if (!contains(body, "\"userActionHttpMethod\":\"POST\"") || !user_action.empty()) ++violations;
            std::string id;
            {
                const std::lock_guard<std::mutex> lock(mutex);
                id = credential_id;
            }
            return respond(200,
                           "{\"challenge\":\"Y2gtdGVzdC1jaGFsbGVuZ2U\",\"challengeIdentifier\":\"cid-1\","
                           "\"userVerification\":\"required\",\"supportedCredentialKinds\":[{\"kind\":\"Key\",\"factor\":\"first\"}],"
                           "\"allowCredentials\":{\"key\":[{\"type\":\"public-key\",\"id\":\"" + id + "\"}],\"webauthn\":[]}}",
                           "req-init");
        }
        if (method == "POST" && path == "/auth/action") {
            if (contains(body, "\"challengeIdentifier\":\"cid-1\"") && contains(body, "\"kind\":\"Key\"") &&
                contains(body, "\"credentialAssertion\""))
                return respond(200, std::string("{\"userAction\":\"") + kUserActionToken + "\"}", "req-action");
            return respond(401, "{\"error\":{\"id\":\"Unauthorized\",\"status\":401,\"message\":\"bad assertion\"}}", "req-action");
        }
        if (method != "GET") {
            if (user_action != kUserActionToken)
                return respond(403, "{\"error\":{\"id\":\"UserActionMissing\",\"status\":403,\"message\":\"no user action\"}}", "req-403");
            ++signed_writes;
        }
        if (method == "POST" && path == "/wallets") {
            if (!contains(body, "\"network\":\"EthereumSepolia\"")) ++violations;
            return respond(200, "{\"id\":\"wa-1\",\"network\":\"EthereumSepolia\",\"status\":\"Active\"}", "req-wallet");
        }
        if (method == "GET" && path == "/wallets") return respond(200, "{\"items\":[]}", "req-list");
        if (method == "GET" && path == "/missing")
            return respond(404, "{\"error\":{\"id\":\"NotFound\",\"status\":404,\"message\":\"no such thing\"}}", "req-404");
        if (method == "POST" && path == "/keys/k1/signatures")
            return respond(202, "{\"id\":\"sig-1\",\"keyId\":\"k1\",\"status\":\"Pending\",\"approvalId\":\"ap-1\"}", nullptr);
        return respond(404, "{\"error\":{\"id\":\"NoRoute\",\"status\":404,\"message\":\"no route\"}}", nullptr);
    }

    void set_credential(const std::string &id) {
        const std::lock_guard<std::mutex> lock(mutex);
        credential_id = id;
    }
    std::string last(std::string FakeServer::*field) {
        const std::lock_guard<std::mutex> lock(mutex);
        return this->*field;
    }
    std::vector<std::string> take_requests() {
        const std::lock_guard<std::mutex> lock(mutex);
        return std::exchange(requests, {});
    }
};

dfns::ClientOptions test_options(std::uint32_t attempts = 1) {
    dfns::ClientOptions options;
    options.max_attempts = attempts;
    options.connect_timeout_ms = 1234;
    options.timeout_ms = 5678;
    options.user_agent_suffix = "cpp-test/1";
    return options;
}

dfns::Client fake_client(FakeServer &server, std::uint32_t attempts = 1) {
    return dfns::Client(kBase, "tok-a", test_options(attempts), [&server](const dfns::HttpRequest &r) { return server.handle(r); });
}

const char *const kWallet = "{\"network\":\"EthereumSepolia\"}";

void test_client_options() {
    const dfns::ClientOptions defaults;
    CHECK(defaults.connect_timeout_ms == 10000 && defaults.timeout_ms == 30000 && defaults.max_attempts == 3);
    CHECK(defaults.verify_returned_signatures && !defaults.allow_insecure_http);
    CHECK(!defaults.user_agent_suffix && !defaults.ca_bundle_path);
    dfns::ClientOptions changed = test_options(2);
    changed.ca_bundle_path = "/etc/ssl/certs/ca-certificates.crt";
    const dfns_client_options c = changed.c_struct();
    CHECK(c.struct_size == sizeof(dfns_client_options) && c.max_attempts == 2 && c.connect_timeout_ms == 1234);
    CHECK(std::string(c.user_agent_suffix) == "cpp-test/1" && std::string(c.ca_bundle_path) == changed.ca_bundle_path);
    const dfns::ClientOptions round_trip(c);
    CHECK(round_trip.user_agent_suffix == changed.user_agent_suffix && round_trip.timeout_ms == 5678);

    // Construction errors; the transport is released when construction fails.
    auto token = std::make_shared<int>(0);
    const dfns::Transport transport = [token](const dfns::HttpRequest &) { return respond(200, "{}", nullptr); };
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client("ftp://api.test", std::nullopt, dfns::ClientOptions(), transport));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client(kBase, "tok\r\nX-Injected: 1", {}, transport));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client(kBase, "", {}, transport));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client("http://api.test", std::nullopt, {}, transport));
    dfns::ClientOptions bad = test_options(0);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client(kBase, std::nullopt, bad, transport));
    bad = test_options();
    bad.user_agent_suffix = std::string("a\0b", 3);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client(kBase, std::nullopt, bad, transport));
    bad.user_agent_suffix = "evil\r\nX-Injected: 1";
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, dfns::Client(kBase, std::nullopt, bad, transport));
    CHECK(token.use_count() == 2);
    {
        dfns::ClientOptions insecure;
        insecure.allow_insecure_http = true;
        const dfns::Client client("http://api.test/prefix", std::nullopt, insecure, transport);
        CHECK(client && token.use_count() == 3);
        const dfns::Result result = client.request("GET", "/anything");
        CHECK(result.http_status() == 200 && result.body() == "{}");
    }
    CHECK(token.use_count() == 2); // released with the client

    // The libcurl transport (no host transport): a refused connection on loopback.
    const dfns::Client curl("http://127.0.0.1:1", "tok-a", test_options(1));
    EXPECT_ERROR(DFNS_ERR_TRANSPORT_CONNECT, (void)curl.request("GET", "/wallets"));
}

void test_client_requests() {
    FakeServer server;
    dfns::Client client = fake_client(server);

    // A read.
    const dfns::Result read = client.request("GET", "/wallets");
    CHECK(read.http_status() == 200 && read.outcome() == dfns::Outcome::done);
    CHECK(read.body() == "{\"items\":[]}");
    CHECK(read.request_id() == std::optional<std::string_view>("req-list"));
    CHECK(!read.error_id() && !read.approval_id());
    CHECK(server.last(&FakeServer::last_authorization) == "Bearer tok-a");
    const std::string agent = server.last(&FakeServer::last_user_agent);
    CHECK(agent.rfind("dfns-bridge/", 0) == 0 && agent.size() > 11 && agent.substr(agent.size() - 11) == " cpp-test/1");
    CHECK(server.last_connect_timeout == 1234 && server.last_timeout == 5678);

    // An API error: no exception, the result describes it.
    const dfns::Result missing = client.request("GET", "/missing");
    CHECK(missing.http_status() == 404 && missing.outcome() == dfns::Outcome::failed);
    CHECK(missing.error_id() == std::optional<std::string_view>("NotFound"));
    CHECK(missing.request_id() == std::optional<std::string_view>("req-404"));
    CHECK(contains(missing.body(), "no such thing"));
    // Its header fields, in order, looked up without regard to case.
    CHECK(missing.header_count() >= 1 && missing.header("x-request-id") == std::optional<std::string_view>("req-404"));
    CHECK(!missing.header("Retry-After"));
    bool listed = false;
    for (std::size_t i = 0; i < missing.header_count(); ++i) {
        const auto field = missing.header_at(i);
        listed = listed || (field.first == "X-Request-ID" && field.second == "req-404");
    }
    CHECK(listed);
    EXPECT_ERROR(DFNS_ERR_NOT_FOUND, (void)missing.header_at(missing.header_count()));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)dfns::Result().header_count());

    // A write that needs a user action, without a signer: nothing is sent.
    server.take_requests();
    EXPECT_ERROR(DFNS_ERR_SIGNER_REQUIRED, (void)client.request("POST", "/wallets", kWallet));
    CHECK(server.take_requests().empty());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, client.set_signer(dfns::Signer()));

    // A signed write with a Key signer from generate_key: init, sign, action, then the request.
    dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_P256);
    server.set_credential(key.credential_id);
    {
        const dfns::Signer signer = dfns::Signer::key(key.private_key_pem, key.credential_id);
        client.set_signer(signer);
    } // the client keeps its own reference
    const dfns::Result wallet = client.request("POST", "/wallets", kWallet);
    CHECK(wallet.http_status() == 200 && wallet.outcome() == dfns::Outcome::done);
    CHECK(json_field(wallet.body(), "id") == "wa-1" && wallet.request_id() == std::optional<std::string_view>("req-wallet"));
    CHECK(server.take_requests() == (std::vector<std::string>{"POST /auth/action/init", "POST /auth/action", "POST /wallets"}));
    CHECK(server.last(&FakeServer::last_user_action) == kUserActionToken);
    CHECK(server.signed_writes == 1);
    const std::string action = server.last(&FakeServer::last_action_body);
    CHECK(contains(action, "\"kind\":\"Key\"") && contains(action, key.credential_id));

    // A challenge that does not list the signer's credential.
    server.set_credential("someone-else");
    EXPECT_ERROR(DFNS_ERR_SIGNER, (void)client.request("POST", "/wallets", kWallet));
    server.set_credential(key.credential_id);

    // Pending: 202 with an approval id.
    const dfns::Result pending = client.request("POST", "/keys/k1/signatures", "{\"kind\":\"Hash\",\"hash\":\"0x00\"}");
    CHECK(pending.http_status() == 202 && pending.outcome() == dfns::Outcome::pending);
    CHECK(pending.approval_id() == std::optional<std::string_view>("ap-1") && !pending.request_id());

    // Tokens.
    client.set_auth_token("tok-b");
    CHECK(client.request("GET", "/wallets").http_status() == 200);
    CHECK(server.last(&FakeServer::last_authorization) == "Bearer tok-b");
    client.set_auth_token(std::nullopt);
    CHECK(client.request("GET", "/wallets").http_status() == 200);
    CHECK(server.last(&FakeServer::last_authorization).empty());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, client.set_auth_token("tok\nb"));
    client.set_auth_token("tok-a");

    // Invalid requests never reach the transport.
    server.take_requests();
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)client.request("get", "/wallets"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)client.request("GET", "wallets"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)client.request("GET", "/wallets", "{}"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)client.request("POST", "/auth/tokens", "{not json"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)client.request("GET", std::string_view("/wal\0lets", 9)));
    CHECK(server.take_requests().empty());

    // An external signer whose function throws: the request rethrows its exception.
    auto inner = std::make_shared<const dfns::Signer>(dfns::Signer::key(key.private_key_pem));
    client.set_signer(dfns::Signer::external(key.credential_id, key.public_key_pem,
                                             [](dfns_key_kind, dfns::bytes_view) -> std::vector<std::uint8_t> {
                                                 throw HsmError("HSM refused", 13);
                                             }));
    int code = 0;
    try {
        (void)client.request("POST", "/wallets", kWallet);
    } catch (const HsmError &e) {
        code = e.code;
    }
    CHECK(code == 13);
    // ... and one that signs (through the stand-in HSM): the write goes through.
    auto calls = std::make_shared<std::atomic<int>>(0);
    client.set_signer(dfns::Signer::external(key.credential_id, key.public_key_pem,
                                             hsm_stand_in(inner, key.credential_id, calls, DFNS_KEY_P256)));
    const int signed_before = server.signed_writes;
    CHECK(client.request("POST", "/wallets", kWallet).outcome() == dfns::Outcome::done);
    CHECK(*calls == 1 && server.signed_writes == signed_before + 1);
    client.clear_signer();
    EXPECT_ERROR(DFNS_ERR_SIGNER_REQUIRED, (void)client.request("POST", "/wallets", kWallet));

    CHECK(server.violations == 0);
    dfns::wipe(key.private_key_pem);
}

void test_client_delegated() {
    FakeServer server;
    const dfns::Client backend = fake_client(server); // the host's backend: no signer
    dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_ED25519);
    server.set_credential(key.credential_id);

    const std::string challenge = backend.delegated_init("POST", "/wallets", kWallet);
    CHECK(contains(challenge, "\"challengeIdentifier\":\"cid-1\"") && contains(challenge, "\"method\":\"POST\"") &&
          contains(challenge, "\"path\":\"/wallets\""));
    // "The device": its own Signer object, made from the key it holds.
    const dfns::Signer device = dfns::Signer::key(key.private_key_pem, key.credential_id);
    const std::string first_factor = device.sign_challenge(challenge);
    // Another device's signer, of another credential, cannot sign it.
    const dfns::Signer other = dfns::Signer::key(dfns::generate_key(DFNS_KEY_ED25519).private_key_pem);
    EXPECT_ERROR(DFNS_ERR_SIGNER, (void)other.sign_challenge(challenge));

    const int signed_before = server.signed_writes;
    server.take_requests();
    const dfns::Result done = backend.delegated_complete(challenge, first_factor);
    CHECK(done.http_status() == 200 && json_field(done.body(), "id") == "wa-1");
    CHECK(server.signed_writes == signed_before + 1 && server.last(&FakeServer::last_user_action) == kUserActionToken);
    CHECK(server.take_requests() == (std::vector<std::string>{"POST /auth/action", "POST /wallets"}));

    // A first factor the server refuses: a Result, not an exception.
    const dfns::Result refused = backend.delegated_complete(challenge, "{\"kind\":\"Key\"}");
    CHECK(refused.http_status() == 401 && refused.error_id() == std::optional<std::string_view>("Unauthorized"));
    CHECK(refused.outcome() == dfns::Outcome::failed);

    // A challenge request the API refuses: dfns::ApiError carries the answer.
    bool thrown = false;
    try {
        (void)backend.delegated_init("POST", "/forbidden", "{}");
    } catch (const dfns::ApiError &e) {
        thrown = e.status() == DFNS_ERR_API && e.result().http_status() == 403 &&
                 e.result().error_id() == std::optional<std::string_view>("Forbidden") &&
                 e.result().request_id() == std::optional<std::string_view>("req-init-403") && contains(e.what(), "403");
        const dfns::ApiError copy = e; // exception objects are copied: the result is shared
        thrown = thrown && copy.result().http_status() == 403;
    }
    CHECK(thrown);
    EXPECT_ERROR(DFNS_ERR_API, (void)backend.delegated_init("POST", "/forbidden", "{}")); // also a dfns::Error

    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)backend.delegated_init("GET", "/wallets"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)backend.delegated_complete("[]", first_factor));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)backend.delegated_complete(challenge, "\"Key\""));
    CHECK(server.violations == 0);
    dfns::wipe(key.private_key_pem);
}

void test_client_transport_failures() {
    // A transport that throws: the call fails (DFNS_ERR_TRANSPORT_CALLBACK in C), the wrapper
    // rethrows the transport's exception, and the program goes on.
    std::atomic<int> calls{0};
    const dfns::Client throwing(kBase, "tok-a", test_options(3), [&calls](const dfns::HttpRequest &) -> dfns::HttpResponse {
        ++calls;
        throw BoomError(5);
    });
    int id = 0;
    try {
        (void)throwing.request("GET", "/wallets");
    } catch (const BoomError &e) {
        id = e.id;
    }
    CHECK(id == 5 && calls == 1); // a failing callback is not retried
    dfns_result_t *raw = nullptr;
    CHECK(dfns_client_request(throwing.get(), "GET", "/wallets", nullptr, &raw) == DFNS_ERR_TRANSPORT_CALLBACK);
    CHECK(raw == nullptr);
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)throwing.request("GET", "no slash")); // no stale exception
    id = 0;
    try {
        (void)throwing.delegated_init("POST", "/wallets", kWallet);
    } catch (const BoomError &e) {
        id = e.id;
    }
    CHECK(id == 5);

    // A network failure reported as dfns::Error with a transport status: reads are retried
    // (max_attempts), writes are not, and the last attempt's error comes back.
    calls = 0;
    const dfns::Client timing_out(kBase, "tok-a", test_options(2), [&calls](const dfns::HttpRequest &) -> dfns::HttpResponse {
        throw dfns::Error(DFNS_ERR_TRANSPORT_TIMEOUT, "attempt " + std::to_string(++calls) + " timed out");
    });
    try {
        (void)timing_out.request("GET", "/wallets");
        CHECK(false);
    } catch (const dfns::Error &e) {
        CHECK(e.status() == DFNS_ERR_TRANSPORT_TIMEOUT && e.message() == "attempt 2 timed out");
    }
    CHECK(calls == 2);
    calls = 0;
    EXPECT_ERROR(DFNS_ERR_TRANSPORT_TIMEOUT, (void)timing_out.request("POST", "/auth/tokens", "{\"name\":\"x\"}"));
    CHECK(calls == 1);

    // A failure the retry recovers from: the kept exception is dropped.
    calls = 0;
    const dfns::Client flaky(kBase, "tok-a", test_options(3), [&calls](const dfns::HttpRequest &) -> dfns::HttpResponse {
        if (++calls == 1) throw dfns::Error(DFNS_ERR_TRANSPORT_CONNECT, "refused");
        return respond(200, "{\"items\":[]}", "req-retry");
    });
    const dfns::Result recovered = flaky.request("GET", "/wallets");
    CHECK(calls == 2 && recovered.request_id() == std::optional<std::string_view>("req-retry"));

    // Answers the library refuses.
    auto answering = [](dfns::HttpResponse answer) {
        return dfns::Client(kBase, "tok-a", test_options(1), [answer](const dfns::HttpRequest &) { return answer; });
    };
    EXPECT_ERROR(DFNS_ERR_TRANSPORT_CALLBACK, (void)answering(dfns::HttpResponse()).request("GET", "/wallets")); // status 0
    dfns::HttpResponse crlf = respond(200, "{}", nullptr);
    crlf.headers.emplace_back("X-Note", "a\r\nSet-Cookie: x=1");
    EXPECT_ERROR(DFNS_ERR_TRANSPORT_CALLBACK, (void)answering(crlf).request("GET", "/wallets"));
    dfns::HttpResponse nul = respond(200, "{}", nullptr);
    nul.headers.emplace_back("X-Note", std::string("a\0b", 3));
    try {
        (void)answering(nul).request("GET", "/wallets");
        CHECK(false);
    } catch (const dfns::Error &e) {
        CHECK(e.status() == DFNS_ERR_TRANSPORT_CALLBACK && contains(e.message(), "NUL"));
    }
    dfns::HttpResponse short_body = respond(200, "{}", nullptr);
    short_body.headers[1].second = "100";
    EXPECT_ERROR(DFNS_ERR_TRANSPORT_CALLBACK, (void)answering(short_body).request("GET", "/wallets"));
    dfns::HttpResponse redirect = respond(302, "", nullptr);
    EXPECT_ERROR(DFNS_ERR_API_INVALID_RESPONSE, (void)answering(redirect).request("GET", "/wallets"));
    dfns::HttpResponse server_error = respond(503, "{\"error\":{\"id\":\"Unavailable\",\"status\":503,\"message\":\"down\"}}", "req-503");
    const dfns::Result unavailable = answering(server_error).request("GET", "/wallets");
    CHECK(unavailable.http_status() == 503 && unavailable.error_id() == std::optional<std::string_view>("Unavailable"));

    // Re-entrancy: a transport that makes a request on another client inside its callback. The
    // inner call's exception is the inner caller's; the outer call's own exception is the outer's.
    FakeServer server;
    const dfns::Client inner = fake_client(server);
    const dfns::Client outer(kBase, "tok-a", test_options(1), [&inner](const dfns::HttpRequest &request) {
        int inner_id = 0;
        try {
            (void)inner.request("GET", "/boom/7");
        } catch (const BoomError &e) {
            inner_id = e.id;
        }
        const dfns::Result listed = inner.request("GET", "/wallets");
        if (inner_id != 7) throw std::logic_error("the inner exception was lost");
        if (contains(request.url, "/outer-boom")) throw BoomError(8);
        return respond(200, std::string(listed.body()), "req-outer");
    });
    CHECK(outer.request("GET", "/anything").body() == "{\"items\":[]}");
    id = 0;
    try {
        (void)outer.request("GET", "/outer-boom");
    } catch (const BoomError &e) {
        id = e.id;
    }
    CHECK(id == 8);
}

void test_client_threads() {
    FakeServer server;
    dfns::Client client = fake_client(server);
    dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_ED25519);
    server.set_credential(key.credential_id);
    client.set_signer(dfns::Signer::key(key.private_key_pem, key.credential_id));
    dfns::wipe(key.private_key_pem);

    std::atomic<int> good{0}, bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t]() {
            for (int i = 0; i < 6; ++i) {
                try {
                    switch ((i + t) % 3) {
                    case 0:
                        (client.request("POST", "/wallets", kWallet).outcome() == dfns::Outcome::done ? good : bad)++;
                        break;
                    case 1:
                        (client.request("GET", "/missing").error_id() == std::optional<std::string_view>("NotFound") ? good : bad)++;
                        break;
                    default:
                        // Each thread gets its own transport exception back (thread-local hand-over).
                        try {
                            (void)client.request("GET", "/boom/" + std::to_string(t));
                            ++bad;
                        } catch (const BoomError &e) {
                            (e.id == t ? good : bad)++;
                        }
                    }
                } catch (const std::exception &e) {
                    std::fprintf(stderr, "thread %d: %s\n", t, e.what());
                    ++bad;
                }
            }
        });
    }
    for (std::thread &thread : threads) thread.join();
    CHECK(good == 24 && bad == 0);
    CHECK(server.violations == 0);
}

void test_new_moves() {
    FakeServer server;
    const dfns::GeneratedKey key = dfns::generate_key(DFNS_KEY_P256);
    server.set_credential(key.credential_id);

    // Signer.
    dfns::Signer a = dfns::Signer::key(key.private_key_pem);
    dfns_signer_t *const raw = a.get();
    dfns::Signer b(std::move(a));
    CHECK(a.empty() && b.get() == raw); // NOLINT(bugprone-use-after-move)
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)a.credential_id());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)a.sign_challenge(challenge_doc("Y2g", "key", key.credential_id)));
    dfns::Signer c = dfns::Signer::key(key.private_key_pem, "cr-c");
    c = std::move(b); // frees c's old signer
    CHECK(c.get() == raw && b.empty() && c.credential_id() == key.credential_id);

    // Client: a moved client keeps its transport and signer.
    dfns::Client first = fake_client(server);
    first.set_signer(c);
    dfns::Client second(std::move(first));
    CHECK(first.empty() && second); // NOLINT(bugprone-use-after-move)
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)first.request("GET", "/wallets"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, first.set_auth_token("tok-b"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, first.set_signer(c));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)first.delegated_init("POST", "/wallets", kWallet));
    CHECK(second.request("POST", "/wallets", kWallet).http_status() == 200);
    dfns::Client third = fake_client(server);
    third = std::move(second); // frees third's old client (and its transport)
    CHECK(second.empty() && third.request("GET", "/wallets").http_status() == 200);

    // Result: views stay valid across a move (the handle is the same).
    dfns::Result r1 = third.request("GET", "/missing");
    const std::string_view body = r1.body();
    const std::optional<std::string_view> error = r1.error_id();
    dfns::Result r2(std::move(r1));
    CHECK(r1.empty() && r2.body().data() == body.data() && error == std::optional<std::string_view>("NotFound"));
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)r1.http_status());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)r1.body());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)r1.error_id());
    EXPECT_ERROR(DFNS_ERR_INVALID_ARGUMENT, (void)r1.outcome());
    dfns::Result r3 = third.request("GET", "/wallets");
    r3 = std::move(r2);
    CHECK(r3.http_status() == 404 && r2.empty());
    std::vector<dfns::Result> results;
    for (int i = 0; i < 10; ++i) results.push_back(third.request("GET", "/wallets"));
    CHECK(std::all_of(results.begin(), results.end(), [](const dfns::Result &r) { return r.http_status() == 200; }));

    // Ownership hand-over with the C API.
    dfns_result_t *released = r3.release();
    CHECK(r3.empty() && released != nullptr);
    dfns::Result adopted(released);
    CHECK(adopted.http_status() == 404);
    dfns_client_t *c_client = nullptr;
    CHECK(dfns_client_new("https://api.test", nullptr, nullptr, nullptr, &c_client) == DFNS_OK);
    dfns::Client adopted_client(c_client);
    CHECK(adopted_client.get() == c_client);
    adopted_client.reset();
    CHECK(adopted_client.empty());
    CHECK(server.violations == 0);
}

} // namespace

int main() {
    std::printf("dfns-bridge C++ wrapper tests, library %s (header %s)\n", dfns::version(), DFNS_BRIDGE_VERSION_STRING);
    const std::pair<const char *, void (*)()> suites[] = {
        {"version", test_version},   {"bytes_view", test_bytes_view}, {"round trips", test_round_trips},
        {"errors", test_errors},     {"policy", test_policy_options}, {"moves", test_moves},
        {"assertion from COSE bytes", test_assertion_cose},
        {"inspect", test_inspect},   {"threads", test_threads},
        {"key signers", test_key_signers},
        {"external signers", test_external_signers},
        {"passkey, password and recovery signers", test_other_signers},
        {"webhooks and returned signatures", test_webhooks_and_returned_signatures},
        {"client options", test_client_options},
        {"client requests", test_client_requests},
        {"client delegated", test_client_delegated},
        {"client transport failures", test_client_transport_failures},
        {"client threads", test_client_threads},
        {"moves (signer, client, result)", test_new_moves},
    };
    for (const auto &suite : suites) {
        const int before = g_failures;
        try {
            suite.second();
        } catch (const std::exception &e) {
            ++g_failures;
            std::fprintf(stderr, "FAIL %s: uncaught exception: %s\n", suite.first, e.what());
        }
        std::printf("%-4s %s\n", g_failures == before ? "ok" : "FAIL", suite.first);
    }
    std::printf("%d checks, %d failed\n", g_checks, g_failures);
    return g_failures == 0 ? 0 : 1;
}
