/*
 * test_threads: the header's thread-safety promises, from 8 pthreads.
 *
 * 1. Shared read-only handles: 8 threads verify the same ES256 assertion with one policy and one
 *    kept public key, N times each (N = argv[1], else $DFNS_TEST_THREAD_ITERATIONS, else 2,000);
 *    every result must equal the single-threaded reference (status, sign count, flags, regressed),
 *    and a wrong-challenge variant interleaved in the loop must always give its own status.
 * 2. dfns_last_error() is per thread: threads fail with different errors between barriers and each
 *    must read back its own message; a thread that never failed reads "".
 * 3. The software authenticator is internally locked: 8 threads sign assertions with one credential
 *    concurrently and every signature counter is distinct.
 * 4. Independent handles created, used and freed concurrently (policy, keys, registrations).
 * 5. dfns_assertion_verify_cose (no handle) from 8 threads on the shared policy with the same COSE
 *    bytes: every result equals the reference, and a tampered-signature variant interleaved in the
 *    loop always fails with DFNS_ERR_SIGNATURE_INVALID and a zeroed info.
 */
#include "test_support.h"

#include <pthread.h>
#include <stdatomic.h>

#define THREADS 8

static const dfns_policy_t *g_policy;
static const dfns_public_key_t *g_key;
static fixture_t g_fixture;
static int g_iterations = 2000;
static uint32_t g_ref_count;
static uint8_t g_ref_flags;
static int g_ref_regressed;
static atomic_int g_mismatches;
static atomic_int g_wrong_challenge_mismatches;
static pthread_barrier_t g_barrier;

/* ---------------------------------------------------------------------------------------------- */

static void *verify_worker(void *arg) {
    (void)arg;
    const dfns_stored_credential cred = { g_key, 0, 0 };
    uint8_t wrong[32];
    memcpy(wrong, g_fixture.challenge, 32);
    wrong[31] ^= 0x55;
    pthread_barrier_wait(&g_barrier);
    for (int i = 0; i < g_iterations; i++) {
        dfns_assertion_t *as = NULL;
        uint32_t count = 0;
        uint8_t flags = 0;
        int regressed = -1;
        int s = dfns_assertion_verify(g_policy, &cred, g_fixture.client_data.ptr, g_fixture.client_data.len,
                                      g_fixture.authenticator_data.ptr, g_fixture.authenticator_data.len,
                                      g_fixture.signature.ptr, g_fixture.signature.len, g_fixture.challenge, 32, &as);
        if (s != DFNS_OK || dfns_assertion_sign_count(as, &count) != DFNS_OK || dfns_assertion_flags(as, &flags) != DFNS_OK ||
            dfns_assertion_sign_count_regressed(as, &regressed) != DFNS_OK || count != g_ref_count ||
            flags != g_ref_flags || regressed != g_ref_regressed) {
            if (atomic_fetch_add(&g_mismatches, 1) < 5)
                fprintf(stderr, "thread result differs: status %s count %u flags 0x%02x regressed %d (%s)\n",
                        dfns_status_name(s), count, flags, regressed, dfns_last_error());
        }
        dfns_assertion_free(&as);
        if (i % 16 == 0) {
            s = dfns_assertion_verify(g_policy, &cred, g_fixture.client_data.ptr, g_fixture.client_data.len,
                                      g_fixture.authenticator_data.ptr, g_fixture.authenticator_data.len,
                                      g_fixture.signature.ptr, g_fixture.signature.len, wrong, 32, &as);
            if (s != DFNS_ERR_CHALLENGE_MISMATCH || as != NULL) atomic_fetch_add(&g_wrong_challenge_mismatches, 1);
            dfns_assertion_free(&as);
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */

typedef struct {
    int index;
    int rounds;
    int own_failures; /* rounds where the message read back was not this thread's */
    char expected[512];
} error_arg_t;

/* Makes thread `index` fail in its own way (even: empty RP ID; odd: challenge mismatch). */
static int fail_in_own_way(int index) {
    if (index % 2 == 0) {
        dfns_policy_t *p = NULL;
        int s = dfns_policy_new("", &p);
        dfns_policy_free(&p);
        return s;
    } else {
        uint8_t wrong[32] = {0};
        dfns_assertion_t *as = NULL;
        const dfns_stored_credential cred = { g_key, 0, 0 };
        int s = dfns_assertion_verify(g_policy, &cred, g_fixture.client_data.ptr, g_fixture.client_data.len,
                                      g_fixture.authenticator_data.ptr, g_fixture.authenticator_data.len,
                                      g_fixture.signature.ptr, g_fixture.signature.len, wrong, 32, &as);
        dfns_assertion_free(&as);
        return s;
    }
}

static void *error_worker(void *p) {
    error_arg_t *arg = p;
    for (int r = 0; r < arg->rounds; r++) {
        pthread_barrier_wait(&g_barrier);
        (void)fail_in_own_way(arg->index);
        pthread_barrier_wait(&g_barrier); /* every thread has now failed its own way */
        if (strcmp(dfns_last_error(), arg->expected) != 0) arg->own_failures++;
        /* A successful call does not clear the message. */
        const char *v = dfns_version();
        (void)v;
        dfns_policy_t *ok = NULL;
        if (dfns_policy_new(TEST_RP_ID, &ok) == DFNS_OK) dfns_policy_free(&ok);
        if (strcmp(dfns_last_error(), arg->expected) != 0) arg->own_failures++;
    }
    return NULL;
}

static void *fresh_thread(void *p) {
    *(int *)p = strcmp(dfns_last_error(), "") == 0;
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */

typedef struct {
    dfns_authenticator_t *auth;
    int count;
    uint32_t *counters; /* count entries */
    int failures;
} sign_arg_t;

static void *sign_worker(void *p) {
    sign_arg_t *arg = p;
    pthread_barrier_wait(&g_barrier);
    for (int i = 0; i < arg->count; i++) {
        dfns_response_t *r = NULL;
        const uint8_t *ad = NULL;
        size_t n = 0;
        arg->counters[i] = 0;
        if (dfns_authenticator_authenticate(arg->auth, TEST_RP_ID, TEST_ORIGIN, g_fixture.challenge, 32,
                                            g_fixture.credential_id.ptr, g_fixture.credential_id.len, 1, &r) != DFNS_OK ||
            dfns_response_get(r, DFNS_RESPONSE_AUTHENTICATOR_DATA, &ad, &n) != DFNS_OK || n != 37) {
            arg->failures++;
        } else {
            arg->counters[i] = (uint32_t)ad[33] << 24 | (uint32_t)ad[34] << 16 | (uint32_t)ad[35] << 8 | ad[36];
        }
        dfns_response_free(&r);
    }
    return NULL;
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------------------------------------- */

static atomic_int g_churn_failures;

static void *churn_worker(void *arg) {
    (void)arg;
    const uint8_t *cose = NULL;
    size_t cose_len = 0;
    if (dfns_public_key_cose(g_key, &cose, &cose_len) != DFNS_OK) {
        atomic_fetch_add(&g_churn_failures, 1);
        return NULL;
    }
    int rounds = g_iterations / 20 + 5;
    for (int i = 0; i < rounds; i++) {
        dfns_policy_t *policy = NULL;
        dfns_public_key_t *key = NULL;
        dfns_registration_t *reg = NULL;
        dfns_assertion_t *as = NULL;
        char *text = NULL;
        if (dfns_policy_new(TEST_RP_ID, &policy) != DFNS_OK || dfns_policy_add_origin(policy, TEST_ORIGIN) != DFNS_OK ||
            dfns_public_key_parse_cose(cose, cose_len, &key) != DFNS_OK ||
            dfns_registration_verify(policy, g_fixture.reg_client_data.ptr, g_fixture.reg_client_data.len,
                                     g_fixture.attestation_object.ptr, g_fixture.attestation_object.len,
                                     g_fixture.reg_challenge, 32, &reg) != DFNS_OK ||
            dfns_inspect(g_fixture.attestation_object.ptr, g_fixture.attestation_object.len, DFNS_INSPECT_DETECT,
                         i % 2, &text) != DFNS_OK) {
            atomic_fetch_add(&g_churn_failures, 1);
        } else {
            const dfns_stored_credential cred = { key, 0, -1 };
            if (dfns_assertion_verify(policy, &cred, g_fixture.client_data.ptr, g_fixture.client_data.len,
                                      g_fixture.authenticator_data.ptr, g_fixture.authenticator_data.len,
                                      g_fixture.signature.ptr, g_fixture.signature.len, g_fixture.challenge, 32,
                                      &as) != DFNS_OK)
                atomic_fetch_add(&g_churn_failures, 1);
        }
        dfns_free(text);
        dfns_assertion_free(&as);
        dfns_registration_free(&reg);
        dfns_public_key_free(&key);
        dfns_policy_free(&policy);
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */

static const uint8_t *g_cose;
static size_t g_cose_len;
static atomic_int g_cose_mismatches;
static atomic_int g_cose_tamper_mismatches;

static void *verify_cose_worker(void *arg) {
    (void)arg;
    bytes_t bad = bytes_copy(g_fixture.signature.ptr, g_fixture.signature.len);
    bad.ptr[bad.len / 2] ^= 0x04;
    int rounds = g_iterations / 4 + 10;
    pthread_barrier_wait(&g_barrier);
    for (int i = 0; i < rounds; i++) {
        dfns_assertion_info info;
        memset(&info, 0xA5, sizeof info);
        int s = dfns_assertion_verify_cose(g_policy, g_cose, g_cose_len, 0, 0, g_fixture.client_data.ptr,
                                           g_fixture.client_data.len, g_fixture.authenticator_data.ptr,
                                           g_fixture.authenticator_data.len, g_fixture.signature.ptr, g_fixture.signature.len,
                                           g_fixture.challenge, 32, &info);
        if (s != DFNS_OK || info.sign_count != g_ref_count || info.flags != g_ref_flags ||
            info.sign_count_regressed != g_ref_regressed || info.extensions != NULL || info.extensions_len != 0) {
            if (atomic_fetch_add(&g_cose_mismatches, 1) < 5)
                fprintf(stderr, "verify_cose result differs: status %s count %u flags 0x%02x regressed %d (%s)\n",
                        dfns_status_name(s), info.sign_count, info.flags, info.sign_count_regressed, dfns_last_error());
        }
        if (i % 8 == 0) {
            memset(&info, 0xA5, sizeof info);
            s = dfns_assertion_verify_cose(g_policy, g_cose, g_cose_len, 0, 0, g_fixture.client_data.ptr,
                                           g_fixture.client_data.len, g_fixture.authenticator_data.ptr,
                                           g_fixture.authenticator_data.len, bad.ptr, bad.len, g_fixture.challenge, 32, &info);
            if (s != DFNS_ERR_SIGNATURE_INVALID || info.sign_count != 0 || info.flags != 0 || info.extensions != NULL)
                atomic_fetch_add(&g_cose_tamper_mismatches, 1);
        }
    }
    bytes_free(&bad);
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    const char *env = getenv("DFNS_TEST_THREAD_ITERATIONS");
    if (argc > 1) g_iterations = atoi(argv[1]);
    else if (env && *env) g_iterations = atoi(env);
    if (g_iterations < 1) g_iterations = 1;
    pthread_t threads[THREADS];

    dfns_policy_t *policy = test_policy();
    dfns_authenticator_t *auth = NULL;
    CHECK_OK(dfns_authenticator_new(&auth));
    if (!auth || fixture_make(&g_fixture, auth, policy, DFNS_COSE_ES256, DFNS_ATTESTATION_PACKED_SELF) != 0) {
        dfns_authenticator_free(&auth);
        dfns_policy_free(&policy);
        return test_summary("test_threads");
    }
    g_policy = policy;
    g_key = g_fixture.key;

    /* The single-threaded reference result. */
    {
        const dfns_stored_credential cred = { g_key, 0, 0 };
        dfns_assertion_t *as = NULL;
        CHECK_OK(dfns_assertion_verify(policy, &cred, g_fixture.client_data.ptr, g_fixture.client_data.len,
                                       g_fixture.authenticator_data.ptr, g_fixture.authenticator_data.len,
                                       g_fixture.signature.ptr, g_fixture.signature.len, g_fixture.challenge, 32, &as));
        if (as) {
            CHECK_OK(dfns_assertion_sign_count(as, &g_ref_count));
            CHECK_OK(dfns_assertion_flags(as, &g_ref_flags));
            CHECK_OK(dfns_assertion_sign_count_regressed(as, &g_ref_regressed));
        }
        dfns_assertion_free(&as);
        CHECK(g_ref_count == 1 && g_ref_flags == 0x05 && g_ref_regressed == 0, "reference: count %u flags 0x%02x regressed %d",
              g_ref_count, g_ref_flags, g_ref_regressed);
    }

    /* 1. Shared policy and key */
    pthread_barrier_init(&g_barrier, NULL, THREADS);
    for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, verify_worker, NULL) == 0, "pthread_create");
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&g_barrier);
    CHECK(atomic_load(&g_mismatches) == 0, "%d of %d threaded verifications differ from the reference",
          atomic_load(&g_mismatches), THREADS * g_iterations);
    CHECK(atomic_load(&g_wrong_challenge_mismatches) == 0, "%d wrong-challenge verifications did not fail with CHALLENGE_MISMATCH",
          atomic_load(&g_wrong_challenge_mismatches));

    /* 2. Per-thread last error */
    {
        error_arg_t args[THREADS];
        /* Each thread's expected message, recorded here single-threaded. */
        for (int t = 0; t < THREADS; t++) {
            memset(&args[t], 0, sizeof args[t]);
            args[t].index = t;
            args[t].rounds = g_iterations / 40 + 5;
            int s = fail_in_own_way(t);
            CHECK(s < 0, "thread %d's failure did not fail", t);
            snprintf(args[t].expected, sizeof args[t].expected, "%s", dfns_last_error());
        }
        CHECK(strcmp(args[0].expected, args[1].expected) != 0, "the two failures give the same message");
        pthread_barrier_init(&g_barrier, NULL, THREADS);
        for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, error_worker, &args[t]) == 0, "pthread_create");
        for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
        pthread_barrier_destroy(&g_barrier);
        for (int t = 0; t < THREADS; t++)
            CHECK(args[t].own_failures == 0, "thread %d read another thread's (or no) message %d times", t, args[t].own_failures);
        int fresh = 0;
        pthread_t th;
        CHECK(pthread_create(&th, NULL, fresh_thread, &fresh) == 0, "pthread_create");
        pthread_join(th, NULL);
        CHECK(fresh == 1, "a new thread's dfns_last_error() is not empty");
    }

    /* 3. One authenticator, one credential, concurrent signing: distinct counters. */
    {
        sign_arg_t args[THREADS];
        int per = g_iterations / 100 + 4;
        uint32_t *all = calloc((size_t)(THREADS * per), sizeof *all);
        pthread_barrier_init(&g_barrier, NULL, THREADS);
        for (int t = 0; t < THREADS; t++) {
            args[t].auth = auth;
            args[t].count = per;
            args[t].counters = all + t * per;
            args[t].failures = 0;
            CHECK(pthread_create(&threads[t], NULL, sign_worker, &args[t]) == 0, "pthread_create");
        }
        for (int t = 0; t < THREADS; t++) {
            pthread_join(threads[t], NULL);
            CHECK(args[t].failures == 0, "thread %d: %d authenticate calls failed", t, args[t].failures);
        }
        pthread_barrier_destroy(&g_barrier);
        qsort(all, (size_t)(THREADS * per), sizeof *all, compare_u32);
        int duplicates = 0;
        for (int i = 1; i < THREADS * per; i++) duplicates += all[i] == all[i - 1];
        /* The fixture's assertion used counter 1; the threads got 2 .. 1 + THREADS * per. */
        CHECK(duplicates == 0 && all[0] == 2 && all[THREADS * per - 1] == (uint32_t)(1 + THREADS * per),
              "signature counters: %d duplicates, range %u..%u", duplicates, all[0], all[THREADS * per - 1]);
        free(all);
    }

    /* 4. Independent handles, concurrently */
    for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, churn_worker, NULL) == 0, "pthread_create");
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    CHECK(atomic_load(&g_churn_failures) == 0, "%d concurrent create/verify/free rounds failed", atomic_load(&g_churn_failures));

    /* 5. The one-call COSE path from 8 threads. */
    CHECK_OK(dfns_public_key_cose(g_key, &g_cose, &g_cose_len));
    if (g_cose) {
        pthread_barrier_init(&g_barrier, NULL, THREADS);
        for (int t = 0; t < THREADS; t++)
            CHECK(pthread_create(&threads[t], NULL, verify_cose_worker, NULL) == 0, "pthread_create");
        for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
        pthread_barrier_destroy(&g_barrier);
        CHECK(atomic_load(&g_cose_mismatches) == 0, "%d threaded dfns_assertion_verify_cose results differ from the reference",
              atomic_load(&g_cose_mismatches));
        CHECK(atomic_load(&g_cose_tamper_mismatches) == 0,
              "%d tampered dfns_assertion_verify_cose calls did not fail with SIGNATURE_INVALID and a zeroed info",
              atomic_load(&g_cose_tamper_mismatches));
    }

    printf("test_threads: %d threads x %d shared verifications\n", THREADS, g_iterations);
    fixture_free(&g_fixture);
    dfns_authenticator_free(&auth);
    dfns_policy_free(&policy);
    return test_summary("test_threads");
}
