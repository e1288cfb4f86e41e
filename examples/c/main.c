/* examples/c/main.c — Dfns Delegated Signing from C against a dfns-sandbox, with the C API only. This program is
 * the backend holding the service account; the end user's phones, devices A and B, are the library's software
 * authenticator (real attestations and assertions). Steps: (1) the service account from the sandbox's bootstrap file,
 * (2) delegated registration of an end user with a passkey on device A and a recovery key, (3) delegated login, (4) a
 * wallet delegated to the user, which the service account cannot sign for, (5) a Hash signature whose user action
 * device A signs (delegated init, sign, complete), verified locally, (6) device A lost: the recovery code registers a
 * passkey on device B, which signs where A's passkey is refused. Usage: example_c BOOTSTRAP_FILE (or
 * DFNS_SANDBOX_BOOTSTRAP); exit status 0 if all pass. */
#include "dfns_bridge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int checks, failures; /* counted by check(), which prints one ✓ or ✗ line and returns `ok` */
static int check(int ok, const char *format, ...) {
    va_list args;
    va_start(args, format);
    printf("    %s ", ok ? "\u2713" : "\u2717");
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    checks++, failures += !ok;
    return ok;
}
#define SAY(...) (printf("    "), printf(__VA_ARGS__), putchar('\n'))
#define NEED(ok, ...) do { if (!check((ok), __VA_ARGS__)) goto done; } while (0)
#define TRY(call) do { int s_ = (call); if (s_) NEED(0, "%s: %s: %s", #call, dfns_status_name(s_), dfns_last_error()); } while (0)

/* The string member `name` of JSON text, after the first `within` if given; 1 if found. Not a JSON parser: a
 * scanner for what this example reads (ids, tokens, hex, base64url, a PEM), with the escapes \n \" \\ only. */
static int json_str(const char *json, const char *within, const char *name, char *out, size_t cap) {
    char key[64];
    size_t n = 0;
    snprintf(key, sizeof key, "\"%s\":\"", name);
    if ((within && !(json = strstr(json, within))) || !(json = strstr(json, key))) return 0;
    for (json += strlen(key); *json && *json != '"' && n + 1 < cap; json++) {
        int escaped = *json == '\\';
        if (escaped && !*++json) return 0;
        out[n++] = escaped && *json == 'n' ? '\n' : *json;
    }
    out[n] = '\0';
    return *json == '"';
}

static char buf[16384]; /* the body of the last answer */

/* Copies the body of *result (of a call that returned `status`) into buf, says why it was refused or
 * why none came, frees it. Returns the HTTP status (0: no answer). */
static int answer(int status, dfns_result_t **result) {
    const char *body = "", *error = "";
    size_t len = 0;
    int http = 0;
    if (!*result || dfns_result_http_status(*result, &http) != DFNS_OK || dfns_result_body(*result, &body, &len) != DFNS_OK)
        SAY("no answer: %s: %s", dfns_status_name(status), dfns_last_error());
    else if (status != DFNS_OK && dfns_result_error_id(*result, &error) == DFNS_OK)
        SAY("the API answered HTTP %d %s", http, error);
    snprintf(buf, sizeof buf, "%s", body);
    dfns_result_free(result);
    return http;
}

/* Sends one request; the client signs a user action first when the request needs one. */
static int call(const dfns_client_t *client, const char *method, const char *path, const char *body) {
    dfns_result_t *result = NULL;
    return answer(dfns_client_request(client, method, path, body, &result), &result);
}

int main(int argc, char **argv) {
    static char boot[8192], body[8192], request[16384], base[256], org[128], token[2048], cred[128], pem[2048], rp[256];
    static char origin[256], username[64], user[128], temp[2048], chal[256], kind[32], utoken[2048], envelope[2048];
    static char wallet[128], key[128], pub[160], owner[128], hex[65], path[256], state[32], r[80], s[80], enc[300], rid[128];
    static const uint8_t digest[32] = "Delegated Signing from C: tx 1"; /* stands in for a transaction's hash */
    const char *file = argc > 1 ? argv[1] : getenv("DFNS_SANDBOX_BOOTSTRAP"), *recid = NULL, *cred_a = "", *cred_b = "";
    dfns_signer_t *service = NULL, *device_a = NULL, *device_b = NULL, *recovery_key = NULL;
    dfns_client_t *backend = NULL, *as_user = NULL, *recovering = NULL;
    dfns_authenticator_t *phone_a = NULL, *phone_b = NULL;
    dfns_result_t *result = NULL;
    char *passkey = NULL, *code = NULL, *recovery = NULL, *challenge = NULL, *assertion = NULL, *proof = NULL;
    size_t n = 0;
    int status = DFNS_OK;
    struct timespec now;
    FILE *f = file ? fopen(file, "r") : NULL;

    if (!f) {
        fprintf(stderr, "usage: %s BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP): from dfns-sandbox --bootstrap-file\n", argv[0]);
        return 2;
    }
    boot[fread(boot, 1, sizeof boot - 1, f)] = '\0';
    fclose(f);
    printf("dfns-bridge %s: Delegated Signing from C\n\n[1] The backend's service account (bootstrap file)\n", dfns_version());
    NEED(json_str(boot, NULL, "baseUrl", base, sizeof base) && json_str(boot, NULL, "orgId", org, sizeof org) &&
         json_str(boot, NULL, "serviceAccountToken", token, sizeof token) && json_str(boot, NULL, "credId", cred, sizeof cred) &&
         json_str(boot, NULL, "privateKeyPem", pem, sizeof pem) && json_str(boot, NULL, "rpId", rp, sizeof rp) &&
         json_str(boot, NULL, "origin", origin, sizeof origin), "sandbox %s, organization %s, relying party %s (%s)", base, org, rp, origin);
    TRY(dfns_signer_new_key((const uint8_t *)pem, strlen(pem), cred, &service));
    TRY(dfns_client_new(base, token, NULL, NULL, &backend)); /* default options, the libcurl transport */
    TRY(dfns_client_set_signer(backend, service));
    SAY("service account Key credential %s: every write it makes is a signed user action", cred);

    timespec_get(&now, TIME_UTC); /* a new end user per run */
    snprintf(username, sizeof username, "alice-c-%lld%03ld@example.com", (long long)now.tv_sec, now.tv_nsec / 1000000);
    printf("\n[2] Delegated registration of %s: a passkey on device A and a recovery key\n", username);
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"kind\":\"EndUser\"}", username);
    NEED(call(backend, "POST", "/auth/registration/delegated", body) == 200 && json_str(buf, "\"user\":", "id", user, sizeof user) &&
         json_str(buf, NULL, "temporaryAuthenticationToken", temp, sizeof temp) && json_str(buf, NULL, "challenge", chal, sizeof chal),
         "the service account opened the registration of user %s for device A", user);
    /* On device A (a real phone: navigator.credentials.create): a passkey for the challenge, and a signer over it. */
    TRY(dfns_authenticator_new(&phone_a));
    TRY(dfns_fido2_credential_create(phone_a, rp, origin, buf, "device A", &passkey, &device_a));
    TRY(dfns_signer_credential_id(device_a, &cred_a));
    /* The recovery code is a secret the user writes down (never printed in full); it seals a recovery key. */
    TRY(dfns_recovery_code_generate(&code));
    TRY(dfns_recovery_key_create(chal, (const uint8_t *)code, strlen(code), username, "recovery code", &recovery));
    NEED(json_str(recovery, NULL, "credId", rid, sizeof rid), "device A created passkey %s; recovery key %s, "
         "sealed by code %.6s\u2026", cred_a, rid, code);
    snprintf(body, sizeof body, "{\"firstFactorCredential\":%s,\"recoveryCredential\":%s}", passkey, recovery);
    TRY(dfns_client_new(base, temp, NULL, NULL, &as_user)); /* the user's calls: no signer of its own */
    NEED(call(as_user, "POST", "/auth/registration", body) / 100 == 2 &&
         json_str(buf, "\"credential\":", "kind", kind, sizeof kind) && strcmp(kind, "Fido2") == 0,
         "end user registered: device A's passkey as first factor, the recovery key as recovery credential");

    printf("\n[3] Delegated login: the backend obtains the end user's token\n");
    snprintf(body, sizeof body, "{\"username\":\"%s\"}", username);
    NEED(call(backend, "POST", "/auth/login/delegated", body) == 200 && json_str(buf, NULL, "token", utoken, sizeof utoken),
         "a login token for the user: it reads; each write needs a user action signed by the user");
    TRY(dfns_client_set_auth_token(as_user, utoken));

    printf("\n[4] A wallet delegated to the end user; the service account alone cannot sign for it\n");
    snprintf(body, sizeof body, "{\"network\":\"EthereumSepolia\",\"name\":\"Alice's wallet\",\"delegateTo\":\"%s\"}", user);
    NEED(call(backend, "POST", "/wallets", body) / 100 == 2 && json_str(buf, NULL, "id", wallet, sizeof wallet) &&
         json_str(buf, "\"signingKey\":", "id", key, sizeof key) && json_str(buf, "\"signingKey\":", "publicKey", pub, sizeof pub) &&
         json_str(buf, "\"signingKey\":", "delegatedTo", owner, sizeof owner) && strcmp(owner, user) == 0,
         "wallet %s, secp256k1 key %s, delegated to %s", wallet, key, owner);
    for (n = 0; n < sizeof digest; n++) snprintf(hex + 2 * n, 3, "%02x", digest[n]);
    snprintf(body, sizeof body, "{\"kind\":\"Hash\",\"hash\":\"0x%s\"}", hex);
    snprintf(path, sizeof path, "/keys/%s/signatures", key);
    check(call(backend, "POST", path, body) == 403, "POST %s by the service account (token + Key credential): refused", path);

    printf("\n[5] A Hash signature: the user action goes to device A, which signs it\n");
    TRY(dfns_client_delegated_init(as_user, "POST", path, body, &challenge));
    SAY("the user-action challenge of POST %s goes to device A", path);
    TRY(dfns_signer_sign_challenge(device_a, challenge, &assertion)); /* on device A */
    NEED(answer(dfns_client_delegated_complete(as_user, challenge, assertion, &result), &result) / 100 == 2 &&
         json_str(buf, NULL, "status", state, sizeof state) && strcmp(state, "Signed") == 0 &&
         json_str(buf, "\"signature\":", "r", r, sizeof r) && json_str(buf, "\"signature\":", "s", s, sizeof s) &&
         (recid = strstr(buf, "\"recid\":")) != NULL,
         "device A's assertion exchanged for a user-action token, request sent: signature %s (r, s, recid)", state);
    status = dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, sizeof digest, r, s, atoi(recid + 8),
                                            json_str(buf, "\"signature\":", "encoded", enc, sizeof enc) ? enc : NULL, 0);
    check(status == DFNS_OK, "verified here (%s): the key recovered from r, s, recid is the wallet's", dfns_status_name(status));
    check(answer(dfns_client_delegated_complete(as_user, challenge, assertion, &result), &result) / 100 == 4,
          "the same signed challenge sent again: refused (a user action is single use)");

    printf("\n[6] Device A lost: the recovery code registers a passkey on device B, which signs\n");
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"credentialId\":\"%s\"}", username, rid);
    NEED(call(backend, "POST", "/auth/recover/user/delegated", body) == 200 &&
         json_str(buf, NULL, "encryptedRecoveryKey", envelope, sizeof envelope) &&
         json_str(buf, NULL, "temporaryAuthenticationToken", temp, sizeof temp),
         "the service account opened the recovery with recovery credential %s", rid);
    TRY(dfns_authenticator_new(&phone_b)); /* on device B: a passkey for the recovery's challenge */
    dfns_free(passkey), passkey = NULL;
    TRY(dfns_fido2_credential_create(phone_b, rp, origin, buf, "device B", &passkey, &device_b));
    TRY(dfns_signer_credential_id(device_b, &cred_b));
    snprintf(body, sizeof body, "{\"firstFactorCredential\":%s}", passkey); /* the newCredentials */
    /* The user types the code; the recovery key signs the new credentials, binding them to this recovery. */
    TRY(dfns_signer_new_recovery_key(envelope, (const uint8_t *)code, strlen(code), username, rid, &recovery_key));
    TRY(dfns_signer_sign_recovery(recovery_key, body, &proof));
    snprintf(request, sizeof request, "{\"recovery\":%s,\"newCredentials\":%s}", proof, body);
    TRY(dfns_client_new(base, temp, NULL, NULL, &recovering));
    NEED(call(recovering, "POST", "/auth/recover/user", request) / 100 == 2 &&
         json_str(buf, "\"user\":", "id", owner, sizeof owner) && strcmp(owner, user) == 0,
         "account recovered with the code; device B's passkey %s registered", cred_b);
    check(call(as_user, "GET", "/auth/credentials", NULL) == 401, "the user's token from before the recovery: refused");
    snprintf(body, sizeof body, "{\"username\":\"%s\"}", username);
    NEED(call(backend, "POST", "/auth/login/delegated", body) == 200 && json_str(buf, NULL, "token", utoken, sizeof utoken) &&
         dfns_client_set_auth_token(as_user, utoken) == DFNS_OK, "a new login token for the user");
    dfns_free(challenge), dfns_free(assertion), challenge = assertion = NULL;
    snprintf(body, sizeof body, "{\"kind\":\"Hash\",\"hash\":\"0x%s\"}", hex);
    TRY(dfns_client_delegated_init(as_user, "POST", path, body, &challenge));
    status = dfns_signer_sign_challenge(device_a, challenge, &assertion);
    check(status == DFNS_ERR_SIGNER, "device A's old passkey, no longer allowed, does not sign: %s", dfns_status_name(status));
    if (status == DFNS_OK) dfns_free(assertion), assertion = NULL; /* (it should not have signed) */
    TRY(dfns_signer_sign_challenge(device_b, challenge, &assertion));
    check(answer(dfns_client_delegated_complete(as_user, challenge, assertion, &result), &result) / 100 == 2 &&
          json_str(buf, NULL, "status", state, sizeof state) && strcmp(state, "Signed") == 0,
          "device B signed the user action of POST %s: signature %s", path, state);

done:
    printf("\n%d of %d checks passed\n", checks - failures, checks);
    if (code) memset(code, 0, strlen(code)); /* the recovery code is a secret: wiped before it is released */
    dfns_free(code), dfns_free(recovery), dfns_free(passkey), dfns_free(challenge), dfns_free(assertion), dfns_free(proof);
    dfns_signer_free(&recovery_key), dfns_signer_free(&device_b), dfns_signer_free(&device_a), dfns_signer_free(&service);
    dfns_authenticator_free(&phone_b), dfns_authenticator_free(&phone_a);
    dfns_client_free(&recovering), dfns_client_free(&as_user), dfns_client_free(&backend);
    return failures ? 1 : 0;
}
