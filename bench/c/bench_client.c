/*
 * bench_client: Dfns user-action challenge signing per second through the C ABI, against plain
 * OpenSSL in the same process. A benchmark, not a test: it prints numbers.
 *
 * For each key kind (P-256 and Ed25519), one Key credential made by dfns_key_generate and one
 * challenge document shaped like the answer of POST /auth/action/init (challenge, identifier,
 * userVerification, supportedCredentialKinds, allowCredentials naming the credential, rp):
 *   raw    OpenSSL 3 EVP: EVP_PKEY read once from the same PEM (PEM_read_bio_PrivateKey), SHA256
 *          fetched once (none for Ed25519); per call EVP_MD_CTX_new, EVP_DigestSignInit,
 *          EVP_DigestSign over the exact clientData bytes the library signs (taken from the
 *          library's own first factor and checked: its signature verifies over them),
 *          EVP_MD_CTX_free. Nothing else: no JSON, no base64url.
 *   dfns   dfns_signer_sign_challenge with a kept dfns_signer_t (dfns_signer_new_key once): parse
 *          the challenge JSON, check allowCredentials, build the clientData, sign it, base64url,
 *          write the firstFactor JSON; then dfns_free of the result.
 * Every case runs once per round, the rounds interleaved (a slow phase of the machine hits every
 * case alike); each run is measured in windows of 0.25 s and the best window over all rounds is
 * kept, for the rate (wall clock) and for the CPU time per call (CLOCK_THREAD_CPUTIME_ID), which
 * is less disturbed when other processes take the CPU away (on a loaded machine the wall-clock
 * windows of two cases can get different shares of a CPU: trust the CPU-time ratio then; both get a
 * verdict). Target (issue 9): dfns >= 0.90 of raw.
 *
 *   bench_client [seconds-per-case (default 1)] [rounds (default 3)]
 *   scripts/bench-c-client.sh [seconds-per-case] [rounds]
 */
#define _POSIX_C_SOURCE 200809L
#include "dfns_bridge.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DIE(...) do { fprintf(stderr, "bench_client: " __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)
#define TRY(call) \
    do { int s_ = (call); if (s_ != DFNS_OK) DIE("%s: %s: %s", #call, dfns_status_name(s_), dfns_last_error()); } while (0)

#define WINDOW_NS 250000000ull /* each run is measured in windows of 0.25 s; the best one is kept */

typedef struct {
    const char *name;
    int kind;
    dfns_signer_t *signer;
    char *challenge_json;
    EVP_PKEY *pkey;
    EVP_MD *md;           /* SHA256, or NULL for Ed25519 */
    uint8_t *client_data; /* the bytes the library signs */
    size_t client_data_len;
    uint8_t signature[256];
} fixture_t;

static fixture_t g_fixtures[2];
static fixture_t *g_cur;

static uint64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------------------------------------- */
/* The two bodies; each returns 1 when it signed. */

static int body_raw(void) {
    fixture_t *f = g_cur;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t len = sizeof f->signature;
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, f->md, NULL, f->pkey) == 1 &&
             EVP_DigestSign(ctx, f->signature, &len, f->client_data, f->client_data_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static int body_dfns(void) {
    char *first_factor = NULL;
    int s = dfns_signer_sign_challenge(g_cur->signer, g_cur->challenge_json, &first_factor);
    dfns_free(first_factor);
    return s == DFNS_OK;
}

typedef int (*body_fn)(void);

typedef struct {
    double rate;    /* calls per wall-clock second, best window */
    double cpu_ns;  /* CPU ns of this thread per call, best window */
} sample_t;

/* Runs `body` for about `seconds` in windows of WINDOW_NS; the clock is read every 8 calls. */
static sample_t measure(body_fn body, double seconds) {
    const uint64_t budget = (uint64_t)(seconds * 1e9);
    const uint64_t start = now_ns(CLOCK_MONOTONIC);
    const uint64_t window = budget < WINDOW_NS ? budget : WINDOW_NS;
    sample_t best = { 0, 1e18 };
    uint64_t now = start;
    do {
        const uint64_t w_start = now, cpu_start = now_ns(CLOCK_THREAD_CPUTIME_ID);
        uint64_t calls = 0;
        do {
            for (int i = 0; i < 8; i++)
                if (!body()) DIE("a signature failed: the benchmark inputs are broken (%s)", dfns_last_error());
            calls += 8;
            now = now_ns(CLOCK_MONOTONIC);
        } while (now - w_start < window);
        const double rate = (double)calls * 1e9 / (double)(now - w_start);
        const double cpu = (double)(now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start) / (double)calls;
        if (rate > best.rate) best.rate = rate;
        if (cpu < best.cpu_ns) best.cpu_ns = cpu;
    } while (now - start < budget);
    return best;
}

/* ---------------------------------------------------------------------------------------------- */
/* Setup */

static int b64url_value(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/* Decodes unpadded base64url text of `n` characters into a new buffer. */
static uint8_t *b64url_decode(const char *text, size_t n, size_t *out_len) {
    uint8_t *out = malloc(n * 3 / 4 + 3);
    uint32_t acc = 0;
    int bits = 0;
    size_t len = 0;
    if (!out) DIE("out of memory");
    for (size_t i = 0; i < n; i++) {
        const int v = b64url_value((unsigned char)text[i]);
        if (v < 0) DIE("not base64url: %.*s", (int)n, text);
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[len++] = (uint8_t)(acc >> bits);
        }
    }
    *out_len = len;
    return out;
}

/* The string value of the first `"name":"…"` member in `json` (no escapes in these values). */
static uint8_t *member_b64url(const char *json, const char *name, size_t *out_len) {
    char key[64];
    snprintf(key, sizeof key, "\"%s\":\"", name);
    const char *p = strstr(json, key);
    if (!p) DIE("no %s in %s", name, json);
    p += strlen(key);
    const char *end = strchr(p, '"');
    if (!end) DIE("unterminated %s in %s", name, json);
    return b64url_decode(p, (size_t)(end - p), out_len);
}

static void setup(fixture_t *f, const char *name, int kind) {
    char *pem = NULL, *cred = NULL, *first_factor = NULL;
    size_t sig_len = 0;
    f->name = name;
    f->kind = kind;
    TRY(dfns_key_generate(kind, 0, &pem, NULL, &cred));
    TRY(dfns_signer_new_key((const uint8_t *)pem, strlen(pem), cred, &f->signer));

    /* A challenge shaped like the sandbox's and Dfns's answer of POST /auth/action/init. */
    const char *fmt =
        "{\"challenge\":\"Y2gtMDFqOWQtZjJyNmQtOXJwM2U0cmdzNmRzZDI5aA\","
        "\"challengeIdentifier\":\"eyJ0eXAiOiJKV1QiLCJhbGciOiJFZERTQSJ9.eyJpc3MiOiJhdXRoLmRmbnMuaW8iLCJhdWQiOiJkZm5zOmF1dGg6dXNlciIsInN1YiI6Im9yLTAxajlkIiwianRpIjoidWotMDFqOWQiLCJleHAiOjE3NjQ3NzI0MDB9.c2lnbmF0dXJlLW9mLXRoZS1jaGFsbGVuZ2UtaWRlbnRpZmllcg\","
        "\"userVerification\":\"required\",\"attestation\":\"direct\","
        "\"supportedCredentialKinds\":[{\"kind\":\"Fido2\",\"factor\":\"first\",\"requiresSecondFactor\":false},"
        "{\"kind\":\"Key\",\"factor\":\"first\",\"requiresSecondFactor\":false},"
        "{\"kind\":\"PasswordProtectedKey\",\"factor\":\"first\",\"requiresSecondFactor\":false}],"
        "\"allowCredentials\":{\"key\":[{\"type\":\"public-key\",\"id\":\"%s\"}],\"webauthn\":[],\"passwordProtectedKey\":[]},"
        "\"rp\":{\"id\":\"sandbox.dfns.local\",\"name\":\"Sandbox\"},\"externalAuthenticationUrl\":\"\"}";
    const int n = snprintf(NULL, 0, fmt, cred);
    f->challenge_json = malloc((size_t)n + 1);
    if (!f->challenge_json) DIE("out of memory");
    snprintf(f->challenge_json, (size_t)n + 1, fmt, cred);

    /* The raw baseline: its own key import from the same PEM. */
    BIO *bio = BIO_new_mem_buf(pem, (int)strlen(pem));
    f->pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!f->pkey) DIE("PEM_read_bio_PrivateKey failed");
    f->md = NULL;
    if (kind != DFNS_KEY_ED25519) {
        f->md = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (!f->md) DIE("EVP_MD_fetch(SHA256) failed");
    }
    OPENSSL_cleanse(pem, strlen(pem));
    dfns_free(pem);

    /* The exact bytes the library signs: the clientData of its own first factor; its signature
     * must verify over them with the same key, or the comparison would be of different work. */
    TRY(dfns_signer_sign_challenge(f->signer, f->challenge_json, &first_factor));
    f->client_data = member_b64url(first_factor, "clientData", &f->client_data_len);
    uint8_t *sig = member_b64url(first_factor, "signature", &sig_len);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestVerifyInit(ctx, NULL, f->md, NULL, f->pkey) != 1 ||
        EVP_DigestVerify(ctx, sig, sig_len, f->client_data, f->client_data_len) != 1)
        DIE("%s: the library's signature does not verify over its clientData: %s", name, first_factor);
    EVP_MD_CTX_free(ctx);
    free(sig);
    g_cur = f;
    if (!body_raw() || !body_dfns()) DIE("%s: the fixture does not sign", name);
    printf("%s: clientData %zu bytes: %.*s\n", name, f->client_data_len, (int)f->client_data_len,
           (const char *)f->client_data);
    printf("%s: firstFactor %zu bytes, challenge document %zu bytes\n", name, strlen(first_factor),
           strlen(f->challenge_json));
    dfns_free(first_factor);
    dfns_free(cred);
}

static void teardown(fixture_t *f) {
    dfns_signer_free(&f->signer);
    EVP_PKEY_free(f->pkey);
    EVP_MD_free(f->md);
    free(f->challenge_json);
    free(f->client_data);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (seconds <= 0 || rounds < 1 || rounds > 50) {
        fprintf(stderr, "usage: bench_client [seconds-per-case > 0] [rounds 1..50]\n");
        return 2;
    }
    if (dfns_version_number() != DFNS_BRIDGE_VERSION_NUMBER)
        DIE("header %s, library %s", DFNS_BRIDGE_VERSION_STRING, dfns_version());

    char load[64] = "?";
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (!fgets(load, sizeof load, lf)) snprintf(load, sizeof load, "?");
        load[strcspn(load, "\n")] = 0;
        fclose(lf);
    }
    printf("dfns-bridge %s, %s; %g s per case, best 0.25 s window of %d interleaved rounds; cores %ld; loadavg %s\n",
           dfns_version(), OpenSSL_version(OPENSSL_VERSION), seconds, rounds, sysconf(_SC_NPROCESSORS_ONLN), load);
    setup(&g_fixtures[0], "P-256", DFNS_KEY_P256);
    setup(&g_fixtures[1], "Ed25519", DFNS_KEY_ED25519);

    enum { FIXTURES = 2, BODIES = 2 };
    static const body_fn bodies[BODIES] = { body_raw, body_dfns };
    sample_t best[FIXTURES][BODIES];
    for (int k = 0; k < FIXTURES; k++)
        for (int b = 0; b < BODIES; b++) best[k][b] = (sample_t){ 0, 1e18 };

    /* Warm-up: caches, lazy initialization, CPU frequency. */
    const double warmup = seconds < 0.5 ? seconds : 0.5;
    for (int k = 0; k < FIXTURES; k++) {
        g_cur = &g_fixtures[k];
        for (int b = 0; b < BODIES; b++) measure(bodies[b], warmup / 2);
    }
    for (int r = 0; r < rounds; r++) {
        /* Interleaved, and the order alternates between rounds. */
        for (int i = 0; i < FIXTURES * BODIES; i++) {
            const int j = r % 2 ? FIXTURES * BODIES - 1 - i : i;
            const int k = j / BODIES, b = j % BODIES;
            g_cur = &g_fixtures[k];
            const sample_t s = measure(bodies[b], seconds);
            if (s.rate > best[k][b].rate) best[k][b].rate = s.rate;
            if (s.cpu_ns < best[k][b].cpu_ns) best[k][b].cpu_ns = s.cpu_ns;
        }
        fprintf(stderr, "round %d/%d done\n", r + 1, rounds);
    }

    lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (!fgets(load, sizeof load, lf)) snprintf(load, sizeof load, "?");
        load[strcspn(load, "\n")] = 0;
        fclose(lf);
    }
    printf("%-44s %11s %9s %8s %10s %10s\n", "case (user-action challenge signing)", "sign/s", "us/sign", "vs raw",
           "cpu us", "vs raw cpu");
    for (int k = 0; k < FIXTURES; k++) {
        const sample_t raw = best[k][0], lib = best[k][1];
        char label[64];
        snprintf(label, sizeof label, "%s raw OpenSSL EVP_DigestSign", g_fixtures[k].name);
        printf("%-44s %11.0f %9.2f %8s %10.2f %10s\n", label, raw.rate, 1e6 / raw.rate, "1.000", raw.cpu_ns / 1e3, "1.000");
        snprintf(label, sizeof label, "%s dfns_signer_sign_challenge", g_fixtures[k].name);
        printf("%-44s %11.0f %9.2f %8.3f %10.2f %10.3f\n", label, lib.rate, 1e6 / lib.rate, lib.rate / raw.rate,
               lib.cpu_ns / 1e3, raw.cpu_ns / lib.cpu_ns);
    }
    for (int k = 0; k < FIXTURES; k++) {
        const sample_t raw = best[k][0], lib = best[k][1];
        const double ratio = lib.rate / raw.rate;
        const double cpu_ratio = raw.cpu_ns / lib.cpu_ns;
        printf("%s: dfns / raw = %.3f wall (target >= 0.90): %s; cpu-time ratio %.3f: %s; library overhead "
               "%.2f us/sign wall, %.2f us cpu\n",
               g_fixtures[k].name, ratio, ratio >= 0.90 ? "met" : "NOT met", cpu_ratio,
               cpu_ratio >= 0.90 ? "met" : "NOT met", 1e6 / lib.rate - 1e6 / raw.rate, (lib.cpu_ns - raw.cpu_ns) / 1e3);
    }
    printf("loadavg after: %s\n", load);
    for (int k = 0; k < FIXTURES; k++) teardown(&g_fixtures[k]);
    return 0; /* a benchmark: a missed target is reported, not an error */
}
