/* examples/c/main.c — Dfns Delegated Signing from C against a dfns-sandbox, with the C API only. This program is
 * the backend holding the service account; the end user's phone, "device A", is the library's software authenticator
 * (real attestations and assertions). Steps: (1) the service account from the sandbox's bootstrap file, (2) delegated
 * registration of an end user with a passkey on device A, (3) delegated login, (4) a wallet delegated to the user,
 * which the service account cannot sign for, (5) a Hash signature whose user action device A signs (delegated init,
 * sign, complete), verified locally. Usage: example_c BOOTSTRAP_FILE (or DFNS_SANDBOX_BOOTSTRAP); exit status 0 if all pass. */
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

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding, as Dfns sends WebAuthn fields; out holds 4 * len / 3 + 4 chars. */
static void b64url(const uint8_t *in, size_t len, char *out) {
    for (size_t i = 0; i < len; i += 3) {
        size_t left = len - i < 3 ? len - i : 3;
        uint32_t v = (uint32_t)in[i] << 16 | (left > 1 ? (uint32_t)in[i + 1] << 8 : 0) | (left > 2 ? in[i + 2] : 0);
        for (size_t k = 0; k <= left; k++) *out++ = B64URL[v >> (18 - 6 * k) & 63];
    }
    *out = '\0';
}

/* Decodes base64url without padding; returns the byte count, 0 for bad input. */
static size_t unb64url(const char *in, uint8_t *out, size_t cap) {
    uint32_t v = 0;
    size_t n = 0, bits = 0;
    if (strlen(in) * 3 / 4 > cap) return 0;
    for (const char *p; *in; in++) {
        if (!(p = strchr(B64URL, *in))) return 0;
        v = v << 6 | (uint32_t)(p - B64URL);
        if ((bits += 6) >= 8) out[n++] = (uint8_t)(v >> (bits -= 8));
    }
    return n;
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
    static char boot[8192], body[8192], cd[2048], att[4096], base[256], org[128], token[2048], cred[128], pem[2048];
    static char rp[256], origin[256], username[64], user[128], temp[2048], chal[256], cred_a[256], kind[32], utoken[2048];
    static char wallet[128], key[128], pub[160], owner[128], hex[65], path[256], state[32], r[80], s[80], enc[300];
    static const uint8_t digest[32] = "Delegated Signing from C: tx 1"; /* stands in for a transaction's hash */
    const char *file = argc > 1 ? argv[1] : getenv("DFNS_SANDBOX_BOOTSTRAP"), *recid = NULL;
    dfns_signer_t *service = NULL, *device_a = NULL;
    dfns_client_t *backend = NULL, *as_user = NULL;
    dfns_authenticator_t *phone = NULL;
    dfns_response_t *passkey = NULL;
    dfns_result_t *result = NULL;
    char *challenge = NULL, *assertion = NULL;
    const uint8_t *id = NULL, *client_data = NULL, *attestation = NULL;
    size_t n = 0, id_len = 0, client_data_len = 0, attestation_len = 0;
    uint8_t raw[128];
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
    printf("\n[2] Delegated registration of %s with a passkey on device A\n", username);
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"kind\":\"EndUser\"}", username);
    NEED(call(backend, "POST", "/auth/registration/delegated", body) == 200 && json_str(buf, "\"user\":", "id", user, sizeof user) &&
         json_str(buf, NULL, "temporaryAuthenticationToken", temp, sizeof temp) && json_str(buf, NULL, "challenge", chal, sizeof chal) &&
         (n = unb64url(chal, raw, sizeof raw)) > 0, "the service account opened the registration of user %s for device A", user);
    /* On device A (a real phone: navigator.credentials.create): the challenge string is base64url
     * of the bytes to sign; the user handle is user.id. */
    TRY(dfns_authenticator_new(&phone));
    TRY(dfns_authenticator_register(phone, rp, origin, raw, n, DFNS_COSE_ES256, DFNS_ATTESTATION_PACKED_SELF,
                                    (const uint8_t *)user, strlen(user), 1, &passkey));
    TRY(dfns_response_get(passkey, DFNS_RESPONSE_CREDENTIAL_ID, &id, &id_len));
    TRY(dfns_response_get(passkey, DFNS_RESPONSE_CLIENT_DATA_JSON, &client_data, &client_data_len));
    TRY(dfns_response_get(passkey, DFNS_RESPONSE_ATTESTATION_OBJECT, &attestation, &attestation_len));
    NEED(id_len < 150 && client_data_len < 1500 && attestation_len < 3000, "device A created an ES256 passkey (packed attestation)");
    b64url(id, id_len, cred_a);
    b64url(client_data, client_data_len, cd);
    b64url(attestation, attestation_len, att);
    snprintf(body, sizeof body, "{\"firstFactorCredential\":{\"credentialKind\":\"Fido2\",\"credentialInfo\":"
             "{\"credId\":\"%s\",\"clientData\":\"%s\",\"attestationData\":\"%s\"}}}", cred_a, cd, att);
    TRY(dfns_client_new(base, temp, NULL, NULL, &as_user)); /* the user's calls: no signer of its own */
    NEED(call(as_user, "POST", "/auth/registration", body) / 100 == 2 &&
         json_str(buf, "\"credential\":", "kind", kind, sizeof kind) && strcmp(kind, "Fido2") == 0,
         "end user registered with device A's passkey %s as first factor", cred_a);

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
    TRY(dfns_signer_new_webauthn(phone, rp, origin, id, id_len, 1, &device_a)); /* on device A */
    TRY(dfns_signer_sign_challenge(device_a, challenge, &assertion));
    NEED(answer(dfns_client_delegated_complete(as_user, challenge, assertion, &result), &result) / 100 == 2 &&
         json_str(buf, NULL, "status", state, sizeof state) && strcmp(state, "Signed") == 0 &&
         json_str(buf, "\"signature\":", "r", r, sizeof r) && json_str(buf, "\"signature\":", "s", s, sizeof s) &&
         (recid = strstr(buf, "\"recid\":")) != NULL,
         "device A's assertion exchanged for a user-action token, request sent: signature %s (r, s, recid)", state);
    int verified = dfns_returned_signature_verify(DFNS_KEY_SECP256K1, pub, digest, sizeof digest, r, s, atoi(recid + 8),
                                                  json_str(buf, "\"signature\":", "encoded", enc, sizeof enc) ? enc : NULL, 0);
    check(verified == DFNS_OK, "verified here (%s): the key recovered from r, s, recid is the wallet's", dfns_status_name(verified));
    check(answer(dfns_client_delegated_complete(as_user, challenge, assertion, &result), &result) / 100 == 4,
          "the same signed challenge sent again: refused (a user action is single use)");

done:
    printf("\n%d of %d checks passed\n", checks - failures, checks);
    dfns_free(assertion);
    dfns_free(challenge);
    dfns_signer_free(&device_a);
    dfns_response_free(&passkey);
    dfns_authenticator_free(&phone);
    dfns_client_free(&as_user);
    dfns_client_free(&backend);
    dfns_signer_free(&service);
    return failures ? 1 : 0;
}
