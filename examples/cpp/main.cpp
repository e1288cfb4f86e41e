// examples/cpp/main.cpp — Dfns Delegated Signing from C++17 against a dfns-sandbox, through include/dfns_bridge.hpp (RAII
// handles, dfns::Error exceptions, API refusals as Results). The program is the backend holding the service account; the
// end user's devices A, B and C are the library's software authenticator (real attestations and assertions). Steps: the
// service account; delegated registration (a passkey on A, a recovery key) and login; a wallet delegated to the user; Hash
// signatures whose user actions A, then B (added with A's approval), then C (after recovery) sign; the audit chain.
// Usage: example_cpp BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP); exit status 0 if all pass. Run by scripts/test-examples.sh.
#include "dfns_bridge.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

namespace {
int checks = 0, failures = 0;
struct Stop : std::runtime_error { using std::runtime_error::runtime_error; }; // a failed check the run cannot go past

bool check(bool ok, const std::string &text) { // prints one ✓ or ✗ line
    std::cout << "    " << (ok ? "\u2713 " : "\u2717 ") << text << std::endl;
    return ++checks, failures += !ok, ok;
}
void need(bool ok, const std::string &text) { if (!check(ok, text)) throw Stop(text); }
void say(const std::string &text) { std::cout << "    " << text << std::endl; }

// The string member `name` of JSON text, after the first `within` if given; "" when absent. Not a JSON parser: a
// scanner for what this example reads (ids, tokens, base64url, hex), with the escapes \n \" \\ \/ only.
std::string str(std::string_view json, std::string_view name, std::string_view within = {}) {
    const std::string key = "\"" + std::string(name) + "\":\"";
    std::size_t at = within.empty() ? 0 : json.find(within);
    if (at == std::string_view::npos || (at = json.find(key, at)) == std::string_view::npos) return {};
    std::string out;
    for (at += key.size(); at < json.size() && json[at] != '"'; ++at)
        out += json[at] == '\\' && ++at < json.size() ? (json[at] == 'n' ? '\n' : json[at]) : json[at];
    return out;
}
long number(std::string_view json, std::string_view name) { // the first number member `name`, -1 when absent
    const std::size_t at = json.find("\"" + std::string(name) + "\":");
    return at == std::string_view::npos ? -1 : std::atol(std::string(json.substr(at + name.size() + 3, 20)).c_str());
}

struct Sandbox { std::string base, rp, origin; }; // from the bootstrap file
struct Wallet { std::string id, key, pub; };        // the wallet, its signing key's id and public key (hex)
bool done(const dfns::Result &result) { // a 2xx answer (else it says why)
    const bool ok = result.outcome() == dfns::Outcome::done;
    if (!ok) say("the API answered HTTP " + std::to_string(result.http_status()) + " " + std::string(result.error_id().value_or("")));
    return ok;
}
int refused(const dfns::Result &result) { return result.outcome() == dfns::Outcome::failed ? result.http_status() : 0; }

// A passkey on a new device for a registration or credential challenge, as a phone's navigator.credentials.create makes
// it: the {"credentialKind":"Fido2",…} to send, and the device's signer (the authenticator lives on in it).
dfns::Fido2Credential passkey(const Sandbox &sb, std::string_view challenge, const std::string &name) {
    return dfns::create_fido2_credential(dfns::Authenticator::create(), sb.rp, sb.origin, challenge, name);
}

// Delegated Signing of a Hash: the backend opens the user action, `device` signs its challenge, the backend completes it;
// the returned signature is then verified here. Returns the challenge and the device's signed first factor.
std::pair<std::string, std::string> sign_hash(const dfns::Client &as_user, const dfns::Signer &device, const Wallet &wallet,
                                              const std::string &tx, const std::string &name) {
    std::string digest = "Delegated Signing from C++: " + tx, hex = "0x";
    digest.resize(32, '.'); // stands in for a transaction's 32-byte hash
    for (unsigned char c : digest) hex += "0123456789abcdef"[c >> 4], hex += "0123456789abcdef"[c & 15];
    const std::string path = "/keys/" + wallet.key + "/signatures";
    const std::string challenge = as_user.delegated_init("POST", path, R"({"kind":"Hash","hash":")" + hex + "\"}"); // backend
    say("challenge " + str(challenge, "challengeIdentifier").substr(0, 20) + "… of POST " + path + " goes to " + name);
    const std::string signed_factor = device.sign_challenge(challenge);                                         // device
    const dfns::Result result = as_user.delegated_complete(challenge, signed_factor);                           // backend
    const std::string_view body = result.body(), sig = "\"signature\":";
    need(done(result) && str(body, "status") == "Signed", name + "'s assertion exchanged for a user-action token: Signed");
    const std::string encoded = str(body, "encoded", sig);
    check(dfns::verify_returned_signature(DFNS_KEY_SECP256K1, wallet.pub, digest, str(body, "r", sig), str(body, "s", sig),
                                          int(number(body, "recid")), encoded.empty() ? std::nullopt : std::optional(encoded)),
          "verified here: the key recovered from r, s, recid is the wallet's");
    return {challenge, signed_factor};
}

void walkthrough(const std::string &boot) {
    const Sandbox sb{str(boot, "baseUrl"), str(boot, "rpId"), str(boot, "origin")};
    std::cout << "\n[1] The backend's service account (bootstrap file)\n";
    need(!sb.base.empty() && !str(boot, "serviceAccountToken").empty() && !str(boot, "privateKeyPem").empty(),
         "sandbox " + sb.base + ", organization " + str(boot, "orgId") + ", relying party " + sb.rp + " (" + sb.origin + ")");
    dfns::Client backend(sb.base, str(boot, "serviceAccountToken")); // default options, the libcurl transport
    backend.set_signer(dfns::Signer::key(str(boot, "privateKeyPem"), str(boot, "credId"))); // the client keeps it
    say("service account Key credential " + str(boot, "credId") + ": every write it makes is a signed user action");

    const auto now = std::chrono::system_clock::now().time_since_epoch(); // a new end user per run
    const std::string user_name = "alice-cpp-" + std::to_string(now / std::chrono::milliseconds(1)) + "@example.com";
    std::cout << "\n[2] Delegated registration of " << user_name << ": a passkey on device A and a recovery key\n";
    const dfns::Result opened = backend.request("POST", "/auth/registration/delegated",
                                                R"({"email":")" + user_name + R"(","kind":"EndUser"})");
    const std::string user = str(opened.body(), "id", "\"user\":"), challenge = str(opened.body(), "challenge");
    need(done(opened) && !user.empty() && !challenge.empty(), "the service account opened the registration of user " + user);
    const auto [passkey_a, signer_a] = passkey(sb, opened.body(), "device A"); // on the user's phone
    std::string code = dfns::generate_recovery_code(); // secret: shown to the user once (never printed here)
    const std::string recovery = dfns::recovery_key_create(challenge, code, user_name, "recovery code");
    const std::string recovery_id = str(recovery, "credId");
    say("device A created passkey " + signer_a.credential_id() + "; recovery key " + recovery_id + ", sealed by the user's code");
    dfns::Client as_user(sb.base, str(opened.body(), "temporaryAuthenticationToken")); // the user's calls: no signer
    const dfns::Result registered = as_user.request(
        "POST", "/auth/registration", "{\"firstFactorCredential\":" + passkey_a + ",\"recoveryCredential\":" + recovery + "}");
    need(done(registered) && str(registered.body(), "kind", "\"credential\":") == "Fido2",
         "end user registered: device A's passkey as first factor, the recovery key as recovery credential");

    std::cout << "\n[3] Delegated login: the backend obtains the end user's token\n";
    const auto login = [&] { // the user's client calls with the new token from now on
        const dfns::Result answer = backend.request("POST", "/auth/login/delegated", R"({"username":")" + user_name + "\"}");
        return as_user.set_auth_token(str(answer.body(), "token")), done(answer);
    };
    need(login(), "a login token for the user: it reads; each write needs a user action signed by the user");

    std::cout << "\n[4] A wallet delegated to the end user; the service account alone cannot sign for it\n";
    const dfns::Result made = backend.request("POST", "/wallets", R"({"network":"EthereumSepolia","delegateTo":")" + user + "\"}");
    const std::string_view key = "\"signingKey\":";
    const Wallet wallet{str(made.body(), "id"), str(made.body(), "id", key), str(made.body(), "publicKey", key)};
    need(done(made) && str(made.body(), "delegatedTo", key) == user,
         "wallet " + wallet.id + ", secp256k1 key " + wallet.key + ", delegated to " + user);
    const std::string path = "/keys/" + wallet.key + "/signatures";
    const std::string hash = R"({"kind":"Hash","hash":"0x)" + std::string(64, '1') + "\"}";
    check(refused(backend.request("POST", path, hash)) == 403, "POST " + path + " by the service account alone: refused");

    std::cout << "\n[5] A Hash signature: the user action goes to device A, which signs it\n";
    const auto [used, assertion] = sign_hash(as_user, signer_a, wallet, "tx 1", "device A");
    check(refused(as_user.delegated_complete(used, assertion)) / 100 == 4, "the same signed challenge again: refused (single use)");

    std::cout << "\n[6] A passkey on device B, its addition approved by device A; then device B signs\n";
    const dfns::Result creation = as_user.request("POST", "/auth/credentials/init", R"({"kind":"Fido2"})");
    auto [passkey_b, signer_b] = passkey(sb, creation.body(), "device B");
    passkey_b.insert(passkey_b.size() - 1, ",\"challengeIdentifier\":\"" + str(creation.body(), "challengeIdentifier") + "\"");
    const std::string addition = as_user.delegated_init("POST", "/auth/credentials", passkey_b);
    const dfns::Result added = as_user.delegated_complete(addition, signer_a.sign_challenge(addition));
    need(done(added) && str(added.body(), "kind") == "Fido2",
         "device B's passkey " + signer_b.credential_id() + " added, its user action signed by device A");
    sign_hash(as_user, signer_b, wallet, "tx 2", "device B");

    std::cout << "\n[7] Both devices lost: the recovery code registers a passkey on device C\n";
    const dfns::Result reset = backend.request("POST", "/auth/recover/user/delegated",
                                               R"({"username":")" + user_name + R"(","credentialId":")" + recovery_id + "\"}");
    const std::string_view got = reset.body();
    need(done(reset), "the service account opened the recovery with recovery credential " + recovery_id);
    const auto [passkey_c, signer_c] = passkey(sb, got, "device C");
    std::string new_code = dfns::generate_recovery_code();
    const std::string new_credentials = "{\"firstFactorCredential\":" + passkey_c + ",\"recoveryCredential\":" +
                                        dfns::recovery_key_create(str(got, "challenge"), new_code, user_name) + "}";
    // The user types the code; the recovery key signs the new credentials, binding them to this recovery.
    const dfns::Signer recovery_key = dfns::Signer::recovery_key(str(got, "encryptedRecoveryKey"), code, user_name, recovery_id);
    dfns::wipe(code), dfns::wipe(new_code);
    const std::string proof = recovery_key.sign_recovery(new_credentials);
    const dfns::Result recovered = dfns::Client(sb.base, str(got, "temporaryAuthenticationToken"))
        .request("POST", "/auth/recover/user", "{\"recovery\":" + proof + ",\"newCredentials\":" + new_credentials + "}");
    need(done(recovered) && str(recovered.body(), "id", "\"user\":") == user,
         "account recovered with the code; device C's passkey " + signer_c.credential_id() + " registered");
    check(refused(as_user.request("GET", "/wallets/" + wallet.id)) == 401, "the user's token from before the recovery: refused");
    need(login(), "a new login token for the user");
    sign_hash(as_user, signer_c, wallet, "tx 3", "device C");
    try {
        (void)signer_a.sign_challenge(as_user.delegated_init("POST", path, hash));
        check(false, "device A's old passkey signed a new challenge");
    } catch (const dfns::Error &error) {
        check(error.status() == DFNS_ERR_SIGNER, std::string("device A's old passkey, no longer allowed: ") + error.name());
    }

    std::cout << "\n[8] The sandbox's audit log: every signed user action, hash-chained\n";
    const dfns::Result audit = backend.request("GET", "/audit/verify");
    check(done(audit) && audit.body().find("\"intact\":true") != std::string_view::npos,
          "audit chain intact over " + std::to_string(number(audit.body(), "entries")) + " signed user actions");
}
} // namespace

int main(int argc, char **argv) {
    const char *file = argc > 1 ? argv[1] : std::getenv("DFNS_SANDBOX_BOOTSTRAP");
    std::ifstream in(file ? file : "");
    if (!in) {
        std::cerr << "usage: " << argv[0] << " BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP): from dfns-sandbox --bootstrap-file\n";
        return 2;
    }
    std::cout << "dfns-bridge " << dfns::version() << ": Delegated Signing from C++" << std::endl;
    try {
        walkthrough(std::string(std::istreambuf_iterator<char>(in), {}));
    } catch (const Stop &) { // already printed
    } catch (const std::exception &error) { // a dfns::Error names its status and says why
        check(false, std::string("the walkthrough stopped: ") + error.what());
    }
    std::cout << "\n" << checks - failures << " of " << checks << " checks passed" << std::endl;
    return failures ? 1 : 0;
}
