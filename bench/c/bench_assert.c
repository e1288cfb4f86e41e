/*
 * bench_assert: ES256 WebAuthn assertion verifications per second through the C ABI, against
 * plain OpenSSL in the same process. A benchmark, not a test: it prints numbers.
 *
 * Cases (one ES256 credential made by the library's software authenticator, one assertion):
 *   raw    OpenSSL 3 EVP: EVP_PKEY imported once from the SPKI (d2i_PUBKEY), SHA256 fetched once,
 *          message authData || SHA-256(clientDataJSON) prepared once; per call EVP_MD_CTX_new,
 *          EVP_DigestVerifyInit, EVP_DigestVerify, EVP_MD_CTX_free (what a thread-safe caller of
 *          EVP does per signature; the same baseline as dfns-bench).
 *   kept   dfns_assertion_verify with a kept dfns_public_key_t and policy (the full §7.2 checks:
 *          clientDataJSON parse, type/challenge/origin, hashing, rpIdHash, flags, counter), then
 *          dfns_assertion_free.
 *   cold   dfns_public_key_parse_cose of the stored COSE key each call, then as kept, then
 *          dfns_public_key_free.
 *   kept and raw again with 1 and 2 threads sharing the key and policy: total throughput.
 * Each case: a warm-up, then best of N rounds (default 3, interleaved) of a fixed time.
 *
 *   bench_assert [seconds-per-case (default 1)] [rounds (default 3)]
 *   scripts/bench-c.sh [seconds-per-case] [rounds]
 */
#define _POSIX_C_SOURCE 200809L
#include "dfns_bridge.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DIE(...) do { fprintf(stderr, "bench_assert: " __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)
#define TRY(call) \
    do { int s_ = (call); if (s_ != DFNS_OK) DIE("%s: %s: %s", #call, dfns_status_name(s_), dfns_last_error()); } while (0)

static const char *const RP_ID = "example.org";
static const char *const ORIGIN = "https://example.org";

/* The fixture, shared read-only by every case and thread. */
static dfns_policy_t *g_policy;
static dfns_public_key_t *g_key;
static uint8_t g_challenge[32];
static uint8_t *g_cdj, *g_ad, *g_sig, *g_cose, *g_message;
static size_t g_cdj_len, g_ad_len, g_sig_len, g_cose_len, g_message_len;
static EVP_PKEY *g_pkey;
static EVP_MD *g_md;

static uint8_t *dup_bytes(const uint8_t *p, size_t n) {
    uint8_t *d = malloc(n ? n : 1);
    if (!d) DIE("out of memory");
    memcpy(d, p, n);
    return d;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------------------------------------- */
/* The three bodies; each returns 1 when the signature verified. */

static int body_raw(void) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = 0;
    if (ctx && EVP_DigestVerifyInit(ctx, NULL, g_md, NULL, g_pkey) == 1)
        ok = EVP_DigestVerify(ctx, g_sig, g_sig_len, g_message, g_message_len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static int body_kept(void) {
    const dfns_stored_credential cred = { g_key, 0, 0 };
    dfns_assertion_t *as = NULL;
    int s = dfns_assertion_verify(g_policy, &cred, g_cdj, g_cdj_len, g_ad, g_ad_len, g_sig, g_sig_len, g_challenge,
                                  sizeof g_challenge, &as);
    dfns_assertion_free(&as);
    return s == DFNS_OK;
}

static int body_cold(void) {
    dfns_public_key_t *key = NULL;
    dfns_assertion_t *as = NULL;
    int s = dfns_public_key_parse_cose(g_cose, g_cose_len, &key);
    if (s == DFNS_OK) {
        const dfns_stored_credential cred = { key, 0, 0 };
        s = dfns_assertion_verify(g_policy, &cred, g_cdj, g_cdj_len, g_ad, g_ad_len, g_sig, g_sig_len, g_challenge,
                                  sizeof g_challenge, &as);
    }
    dfns_assertion_free(&as);
    dfns_public_key_free(&key);
    return s == DFNS_OK;
}

typedef int (*body_fn)(void);

/* Runs `body` for about `seconds`; returns calls per second. The clock is read every 8 calls. */
static double measure(body_fn body, double seconds) {
    const uint64_t budget = (uint64_t)(seconds * 1e9);
    const uint64_t start = now_ns();
    uint64_t now = start, calls = 0;
    do {
        for (int i = 0; i < 8; i++)
            if (!body()) DIE("a verification failed: the benchmark inputs are broken (%s)", dfns_last_error());
        calls += 8;
        now = now_ns();
    } while (now - start < budget);
    return (double)calls * 1e9 / (double)(now - start);
}

/* ---------------------------------------------------------------------------------------------- */
/* Threads: N threads run the same body for the same fixed time; total calls / elapsed. */

typedef struct {
    body_fn body;
    double seconds;
    uint64_t calls;
    uint64_t elapsed_ns;
    pthread_barrier_t *barrier;
} thread_arg_t;

static void *thread_main(void *p) {
    thread_arg_t *arg = p;
    pthread_barrier_wait(arg->barrier);
    const uint64_t budget = (uint64_t)(arg->seconds * 1e9);
    const uint64_t start = now_ns();
    uint64_t now = start, calls = 0;
    do {
        for (int i = 0; i < 8; i++)
            if (!arg->body()) DIE("a threaded verification failed (%s)", dfns_last_error());
        calls += 8;
        now = now_ns();
    } while (now - start < budget);
    arg->calls = calls;
    arg->elapsed_ns = now - start;
    return NULL;
}

static double measure_threads(body_fn body, int threads, double seconds) {
    pthread_t tid[16];
    thread_arg_t args[16];
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads);
    for (int t = 0; t < threads; t++) {
        args[t] = (thread_arg_t){ body, seconds, 0, 0, &barrier };
        if (pthread_create(&tid[t], NULL, thread_main, &args[t]) != 0) DIE("pthread_create failed");
    }
    uint64_t calls = 0, longest = 1;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        calls += args[t].calls;
        if (args[t].elapsed_ns > longest) longest = args[t].elapsed_ns;
    }
    pthread_barrier_destroy(&barrier);
    return (double)calls * 1e9 / (double)longest;
}

/* ---------------------------------------------------------------------------------------------- */

static void setup(void) {
    dfns_authenticator_t *auth = NULL;
    dfns_response_t *reg = NULL, *as = NULL;
    dfns_registration_t *verified = NULL;
    const uint8_t *p, *id, *cdj, *ao, *spki;
    size_t n, id_len, cdj_len, ao_len, spki_len;
    uint8_t reg_challenge[32];

    for (size_t i = 0; i < sizeof g_challenge; i++) {
        g_challenge[i] = (uint8_t)(0xa5 ^ i);
        reg_challenge[i] = (uint8_t)(0x5a ^ i);
    }
    TRY(dfns_policy_new(RP_ID, &g_policy));
    TRY(dfns_policy_add_origin(g_policy, ORIGIN));
    TRY(dfns_authenticator_new(&auth));
    TRY(dfns_authenticator_register(auth, RP_ID, ORIGIN, reg_challenge, sizeof reg_challenge, DFNS_COSE_ES256,
                                    DFNS_ATTESTATION_PACKED_SELF, NULL, 0, 1, &reg));
    TRY(dfns_response_get(reg, DFNS_RESPONSE_CREDENTIAL_ID, &id, &id_len));
    TRY(dfns_response_get(reg, DFNS_RESPONSE_CLIENT_DATA_JSON, &cdj, &cdj_len));
    TRY(dfns_response_get(reg, DFNS_RESPONSE_ATTESTATION_OBJECT, &ao, &ao_len));
    TRY(dfns_registration_verify(g_policy, cdj, cdj_len, ao, ao_len, reg_challenge, sizeof reg_challenge, &verified));
    TRY(dfns_registration_public_key(verified, &g_key));
    TRY(dfns_public_key_cose(g_key, &p, &n));
    g_cose = dup_bytes(p, n);
    g_cose_len = n;
    TRY(dfns_authenticator_authenticate(auth, RP_ID, ORIGIN, g_challenge, sizeof g_challenge, id, id_len, 1, &as));
    TRY(dfns_response_get(as, DFNS_RESPONSE_CLIENT_DATA_JSON, &p, &n));
    g_cdj = dup_bytes(p, n);
    g_cdj_len = n;
    TRY(dfns_response_get(as, DFNS_RESPONSE_AUTHENTICATOR_DATA, &p, &n));
    g_ad = dup_bytes(p, n);
    g_ad_len = n;
    TRY(dfns_response_get(as, DFNS_RESPONSE_SIGNATURE, &p, &n));
    g_sig = dup_bytes(p, n);
    g_sig_len = n;

    /* The raw baseline: its own key import and its own hash (OpenSSL's SHA256, not the library). */
    TRY(dfns_public_key_spki(g_key, &spki, &spki_len));
    const unsigned char *cursor = spki;
    g_pkey = d2i_PUBKEY(NULL, &cursor, (long)spki_len);
    if (!g_pkey) DIE("d2i_PUBKEY failed");
    g_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!g_md) DIE("EVP_MD_fetch(SHA256) failed");
    g_message_len = g_ad_len + SHA256_DIGEST_LENGTH;
    g_message = malloc(g_message_len);
    if (!g_message) DIE("out of memory");
    memcpy(g_message, g_ad, g_ad_len);
    SHA256(g_cdj, g_cdj_len, g_message + g_ad_len);

    dfns_registration_free(&verified);
    dfns_response_free(&as);
    dfns_response_free(&reg);
    dfns_authenticator_free(&auth);
    if (!body_raw() || !body_kept() || !body_cold()) DIE("the fixture does not verify");
}

static void teardown(void) {
    EVP_PKEY_free(g_pkey);
    EVP_MD_free(g_md);
    dfns_public_key_free(&g_key);
    dfns_policy_free(&g_policy);
    free(g_cdj); free(g_ad); free(g_sig); free(g_cose); free(g_message);
}

static double best(const double *v, int n) {
    double b = 0;
    for (int i = 0; i < n; i++) if (v[i] > b) b = v[i];
    return b;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (seconds <= 0 || rounds < 1 || rounds > 20) {
        fprintf(stderr, "usage: bench_assert [seconds-per-case > 0] [rounds 1..20]\n");
        return 2;
    }
    if (dfns_version_number() != DFNS_BRIDGE_VERSION_NUMBER)
        DIE("header %s, library %s", DFNS_BRIDGE_VERSION_STRING, dfns_version());
    setup();

    enum { RAW, KEPT, COLD, KEPT1, KEPT2, RAW1, RAW2, CASES };
    static const char *const names[CASES] = {
        "raw OpenSSL EVP_DigestVerify (kept EVP_PKEY)",
        "dfns_assertion_verify, kept key",
        "dfns cold: parse_cose + assertion_verify",
        "dfns kept key, 1 thread",
        "dfns kept key, 2 threads (total)",
        "raw OpenSSL, 1 thread",
        "raw OpenSSL, 2 threads (total)",
    };
    double results[CASES][20] = {{0}};
    const double warmup = seconds < 0.5 ? seconds : 0.5;

    char load[64] = "?";
    FILE *lf = fopen("/proc/loadavg", "r");
    if (lf) {
        if (!fgets(load, sizeof load, lf)) snprintf(load, sizeof load, "?");
        load[strcspn(load, "\n")] = 0;
        fclose(lf);
    }
    printf("dfns-bridge %s, %s; ES256; %g s per case, best of %d rounds; cores %ld; loadavg %s\n", dfns_version(),
           OpenSSL_version(OPENSSL_VERSION), seconds, rounds, sysconf(_SC_NPROCESSORS_ONLN), load);
    /* Warm-up: caches, lazy initialization, CPU frequency. */
    measure(body_raw, warmup);
    measure(body_kept, warmup);
    measure(body_cold, warmup / 2);
    for (int r = 0; r < rounds; r++) {
        /* Interleaved, so a slow phase of the machine hits every case alike. */
        results[RAW][r] = measure(body_raw, seconds);
        results[KEPT][r] = measure(body_kept, seconds);
        results[COLD][r] = measure(body_cold, seconds);
        results[KEPT1][r] = measure_threads(body_kept, 1, seconds);
        results[KEPT2][r] = measure_threads(body_kept, 2, seconds);
        results[RAW1][r] = measure_threads(body_raw, 1, seconds);
        results[RAW2][r] = measure_threads(body_raw, 2, seconds);
        fprintf(stderr, "round %d/%d done\n", r + 1, rounds);
    }

    double b[CASES];
    for (int c = 0; c < CASES; c++) b[c] = best(results[c], rounds);
    printf("%-46s %12s %10s %10s\n", "case (ES256 assertion)", "verify/s", "us/verify", "ratio");
    printf("%-46s %12.0f %10.2f %10s\n", names[RAW], b[RAW], 1e6 / b[RAW], "1.000");
    printf("%-46s %12.0f %10.2f %10.3f  (of raw)\n", names[KEPT], b[KEPT], 1e6 / b[KEPT], b[KEPT] / b[RAW]);
    printf("%-46s %12.0f %10.2f %10.3f  (of raw)\n", names[COLD], b[COLD], 1e6 / b[COLD], b[COLD] / b[RAW]);
    printf("%-46s %12.0f %10.2f %10s\n", names[KEPT1], b[KEPT1], 1e6 / b[KEPT1], "1.000");
    printf("%-46s %12.0f %10.2f %10.3f  (x of 1 thread)\n", names[KEPT2], b[KEPT2], 2e6 / b[KEPT2], b[KEPT2] / b[KEPT1]);
    printf("%-46s %12.0f %10.2f %10s\n", names[RAW1], b[RAW1], 1e6 / b[RAW1], "1.000");
    printf("%-46s %12.0f %10.2f %10.3f  (x of 1 thread)\n", names[RAW2], b[RAW2], 2e6 / b[RAW2], b[RAW2] / b[RAW1]);
    const double ratio = b[KEPT] / b[RAW];
    printf("kept key / raw OpenSSL = %.3f (target >= 0.93): %s\n", ratio, ratio >= 0.93 ? "met" : "NOT met");
    printf("2 threads / raw 2 threads = %.3f\n", b[KEPT2] / b[RAW2]);

    teardown();
    return 0;
}
