/* The assumption behind DfnsCrypto's per-key templates (PublicKey.verifyTemplate, the RSA verify
 * templates per digest, PrivateKey.signTemplate): many threads may copy from one EVP_MD_CTX
 * template at once (EVP_MD_CTX_copy_ex only reads its source), then verify or sign with their copy.
 *
 * This program does exactly that with OpenSSL alone, for RSA PKCS#1 v1.5 / SHA-256, P-256 / SHA-256
 * and Ed25519, from 4 threads, and checks every verdict. CTest runs it plainly and under valgrind's
 * helgrind (`c-openssl-template-sharing-helgrind`), which sees every load and store inside libcrypto
 * (ThreadSanitizer cannot: OpenSSL is not built with it), so a data race in the copy would fail the
 * test. Issue 6 and docs/DECISIONS.md ("Locks ThreadSanitizer can see"). */
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 25

struct shared_key {
    const char *name;
    EVP_PKEY *key;
    EVP_MD_CTX *template_ctx;
    EVP_MD_CTX *sign_template_ctx; /* NULL for RSA (DfnsCrypto keeps none) */
    const EVP_MD *md; /* NULL for Ed25519 */
    unsigned char signature[512];
    size_t signature_len;
};

static const unsigned char message[] = "one template, many threads";
static struct shared_key keys[3];

static int sign_once(struct shared_key *k) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestSignInit(ctx, NULL, k->md, NULL, k->key) == 1;
    k->signature_len = sizeof k->signature;
    ok = ok && EVP_DigestSign(ctx, k->signature, &k->signature_len, message, sizeof message) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static int make_key(struct shared_key *k, const char *name, EVP_PKEY *key, const EVP_MD *md) {
    k->name = name;
    k->key = key;
    k->md = md;
    if (key == NULL || !sign_once(k)) return 0;
    k->template_ctx = EVP_MD_CTX_new();
    if (k->template_ctx == NULL || EVP_DigestVerifyInit(k->template_ctx, NULL, md, NULL, key) != 1) return 0;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) return 1;
    k->sign_template_ctx = EVP_MD_CTX_new();
    return k->sign_template_ctx != NULL && EVP_DigestSignInit(k->sign_template_ctx, NULL, md, NULL, key) == 1;
}

/* Signs with a copy of the sign template and verifies the result with a copy of the verify
 * template: 1 when both work. */
static int sign_copy(const struct shared_key *k) {
    if (k->sign_template_ctx == NULL) return 1;
    unsigned char signature[512];
    size_t length = sizeof signature;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_MD_CTX_copy_ex(ctx, k->sign_template_ctx) == 1 &&
             EVP_DigestSign(ctx, signature, &length, message, sizeof message) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return 0;
    EVP_MD_CTX *verify = EVP_MD_CTX_new();
    int verdict = verify != NULL && EVP_MD_CTX_copy_ex(verify, k->template_ctx) == 1 &&
                  EVP_DigestVerify(verify, signature, length, message, sizeof message) == 1;
    EVP_MD_CTX_free(verify);
    return verdict;
}

/* Verifies with a copy of the template: 1 when the verdict is the expected one. */
static int verify_copy(const struct shared_key *k, int tamper) {
    unsigned char signature[512];
    memcpy(signature, k->signature, k->signature_len);
    if (tamper) signature[k->signature_len / 2] ^= 0x01;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL || EVP_MD_CTX_copy_ex(ctx, k->template_ctx) != 1) {
        EVP_MD_CTX_free(ctx);
        return 0;
    }
    int verdict;
    if (k->md == NULL) {
        verdict = EVP_DigestVerify(ctx, signature, k->signature_len, message, sizeof message);
    } else {
        verdict = EVP_DigestVerifyUpdate(ctx, message, sizeof message) == 1
                  ? EVP_DigestVerifyFinal(ctx, signature, k->signature_len) : -1;
    }
    EVP_MD_CTX_free(ctx);
    return tamper ? verdict != 1 : verdict == 1;
}

static void *worker(void *arg) {
    int *wrong = arg;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < 3; i++) {
            if (!verify_copy(&keys[i], round % 4 == 3)) (*wrong)++;
            if (round % 5 == 0 && !sign_copy(&keys[i])) (*wrong)++;
        }
    }
    return NULL;
}

int main(void) {
    if (!make_key(&keys[0], "RSA-2048 PKCS#1 v1.5 SHA-256", EVP_RSA_gen(2048), EVP_sha256()) ||
        !make_key(&keys[1], "P-256 SHA-256", EVP_EC_gen("P-256"), EVP_sha256()) ||
        !make_key(&keys[2], "Ed25519", EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), NULL)) {
        fprintf(stderr, "test_openssl_template_sharing: setting up the keys failed\n");
        return 1;
    }
    pthread_t threads[THREADS];
    int wrong[THREADS] = {0};
    for (int t = 0; t < THREADS; t++) {
        if (pthread_create(&threads[t], NULL, worker, &wrong[t]) != 0) {
            fprintf(stderr, "test_openssl_template_sharing: pthread_create failed\n");
            return 1;
        }
    }
    int total_wrong = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        total_wrong += wrong[t];
    }
    for (int i = 0; i < 3; i++) {
        EVP_MD_CTX_free(keys[i].template_ctx);
        EVP_MD_CTX_free(keys[i].sign_template_ctx);
        EVP_PKEY_free(keys[i].key);
    }
    printf("test_openssl_template_sharing: %d of %d checks wrong (%d threads x %d rounds x 3 keys, verify and sign templates)\n",
           total_wrong, THREADS * (ROUNDS + (ROUNDS + 4) / 5) * 3, THREADS, ROUNDS);
    return total_wrong == 0 ? 0 : 1;
}
