// Tests of include/dfns_bridge.hpp, the C++17 RAII wrappers, against libdfns_bridge.so.
//
// Build and run (scripts/test-examples.sh does this):
//   g++ -std=c++17 -Wall -Wextra -Werror -pedantic -pthread -I include tests/cpp/test_cpp.cpp
//       -L build/lib -ldfns_bridge -Wl,-rpath,"$PWD/build/lib" -o build/examples/test_cpp
//   build/examples/test_cpp            # or under: valgrind --leak-check=full --errors-for-leak-kinds=definite
//
// Covers: byte views; ES256 / EdDSA / ES256K / RS256 round trips with both attestation kinds;
// key import/export and raw signature verification; the hash-only (CTAP) entry points;
// exceptions with the right status and message for wrong challenges, origins, RP IDs, counters,
// flags, algorithms and garbage input; move semantics (moved-from objects are empty, throw on use
// and destruct safely); ownership hand-over (adopt / release / reset); inspection; several
// threads sharing one policy, key and authenticator. Exits 0 when every check passes.
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
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

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

// Compact SHA-256 (FIPS 180-4) so that the test can build the signed data of an assertion
// (authenticatorData || SHA-256(clientDataJSON)) without linking another library.
std::array<std::uint8_t, 32> sha256(dfns::bytes_view input) {
    static const std::uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::vector<std::uint8_t> m(input.begin(), input.end());
    const std::uint64_t bits = static_cast<std::uint64_t>(m.size()) * 8;
    m.push_back(0x80);
    while (m.size() % 64 != 56) m.push_back(0);
    for (int i = 7; i >= 0; --i) m.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
    for (std::size_t block = 0; block < m.size(); block += 64) {
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i) {
            const std::size_t o = block + 4 * static_cast<std::size_t>(i);
            w[i] = (std::uint32_t(m[o]) << 24) | (std::uint32_t(m[o + 1]) << 16) | (std::uint32_t(m[o + 2]) << 8) | m[o + 3];
        }
        for (int i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; ++i) {
            const std::uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    std::array<std::uint8_t, 32> out{};
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 4; ++j) out[static_cast<std::size_t>(4 * i + j)] = static_cast<std::uint8_t>(h[i] >> (24 - 8 * j));
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

} // namespace

int main() {
    std::printf("dfns-bridge C++ wrapper tests, library %s (header %s)\n", dfns::version(), DFNS_BRIDGE_VERSION_STRING);
    const std::pair<const char *, void (*)()> suites[] = {
        {"version", test_version},   {"bytes_view", test_bytes_view}, {"round trips", test_round_trips},
        {"errors", test_errors},     {"policy", test_policy_options}, {"moves", test_moves},
        {"inspect", test_inspect},   {"threads", test_threads},
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
