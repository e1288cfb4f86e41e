/*
 * test_metadata: FIDO metadata (MDS3, since 0.4) through the C ABI.
 *
 * The test world (an MDS root, intermediate and signing leaves; BLOBs good, tampered, wrongly
 * signed, chained to another root, with an expired leaf, stale, malformed; packed registrations
 * whose attestation chains to the root a BLOB entry names) is built at run time by
 * bindings/python/tests/mds_fixture.py into a temporary directory: no key is committed.
 * Checks: loading (PEM and DER root) and the getters; every refusal with its status; argument
 * errors; a policy with metadata trusting a packed registration through the entry's root and
 * reporting its description and status; a REVOKED authenticator refused; an unlisted one refused
 * when an entry is required; the policy keeping its own reference after dfns_metadata_free.
 */
#include "test_support.h"

#include <stdlib.h>
#include <unistd.h>

#ifndef DFNS_MDS_FIXTURE
#error "DFNS_MDS_FIXTURE (the path of mds_fixture.py) must be defined"
#endif

static char g_dir[256];

/* The bytes of fixture file `name` (malloc'ed, NUL-terminated); exits when unreadable. */
static uint8_t *read_file(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(2); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
    fclose(f);
    data[size] = 0;
    *len = (size_t)size;
    return data;
}

static int64_t g_time;

/* Loads BLOB `name` against root file `root` at `when`; returns the status. */
static int load(const char *name, const char *root, int64_t when, int accept_stale, dfns_metadata_t **out) {
    size_t blob_len = 0, root_len = 0;
    uint8_t *blob = read_file(name, &blob_len), *root_bytes = read_file(root, &root_len);
    int s = dfns_metadata_load(blob, blob_len, root_bytes, root_len, when, accept_stale, out);
    free(blob);
    free(root_bytes);
    return s;
}

static void test_load_and_read(void) {
    dfns_metadata_t *md = NULL;
    CHECK_OK(load("good.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(md != NULL, "good.jwt: no handle");
    int64_t number = 0;
    size_t count = 0;
    const char *next = NULL;
    char *json = NULL;
    CHECK_OK(dfns_metadata_number(md, &number));
    CHECK(number == 42, "no = %lld, expected 42", (long long)number);
    CHECK_OK(dfns_metadata_next_update(md, &next));
    CHECK(next && strcmp(next, "2026-02-01") == 0, "nextUpdate = %s", next ? next : "(null)");
    CHECK_OK(dfns_metadata_entry_count(md, &count));
    CHECK(count == 3, "entry count = %zu, expected 3", count);

    CHECK_OK(dfns_metadata_entry_json(md, 1, &json));
    CHECK(json && strstr(json, "\"description\":\"Test Revoked Authenticator\"") && strstr(json, "\"status\":\"REVOKED\""),
          "entry 1 JSON: %s", json ? json : "(null)");
    dfns_free(json);
    json = NULL;
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_metadata_entry_json(md, 3, &json));
    CHECK(json == NULL, "entry_json out of range left a pointer");

    static const uint8_t certified[16] = { 0xa1, 0xa1, 0xa1, 0xa1, 0xb2, 0xb2, 0xc3, 0xc3, 0xd4, 0xd4, 0xe5, 0xe5, 0xe5, 0xe5, 0xe5, 0xe5 };
    static const uint8_t unlisted[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    CHECK_OK(dfns_metadata_find_aaguid(md, certified, 16, &json));
    CHECK(json && strstr(json, "\"status\":\"FIDO_CERTIFIED_L1\"") && strstr(json, "\"aaguid\":\"a1a1a1a1b2b2c3c3d4d4e5e5e5e5e5e5\""),
          "certified entry JSON: %s", json ? json : "(null)");
    dfns_free(json);
    json = NULL;
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_metadata_find_aaguid(md, unlisted, 16, &json));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_find_aaguid(md, unlisted, 15, &json));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_find_aaguid(md, NULL, 16, &json));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_number(NULL, &number));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_number(md, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_entry_count((const dfns_metadata_t *)NULL, &count));
    dfns_metadata_free(&md);
    CHECK(md == NULL, "dfns_metadata_free did not clear the handle");
    dfns_metadata_free(&md);
    dfns_metadata_free(NULL);

    CHECK_OK(load("good.jwt", "mds-root.der", g_time, 0, &md));
    dfns_metadata_free(&md);
    CHECK_OK(load("good-es256.jwt", "mds-root.pem", g_time, 0, &md));
    dfns_metadata_free(&md);
    /* accept_stale changes nothing for a fresh BLOB. */
    CHECK_OK(load("good.jwt", "mds-root.pem", g_time, 1, &md));
    dfns_metadata_free(&md);
}

static void test_refusals(void) {
    dfns_metadata_t *md = NULL;
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("tampered.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(md == NULL && strstr(dfns_last_error(), "signature"), "tampered: %s", dfns_last_error());
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("wrong-key.jwt", "mds-root.pem", g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("other-root.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(strstr(dfns_last_error(), "chain"), "other root: %s", dfns_last_error());
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("good.jwt", "other-root.pem", g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("expired-leaf.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(strstr(dfns_last_error(), "expired"), "expired leaf: %s", dfns_last_error());
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("expired-intermediate.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(strstr(dfns_last_error(), "expired"), "expired intermediate: %s", dfns_last_error());
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("stale.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(strstr(dfns_last_error(), "stale"), "stale: %s", dfns_last_error());
    CHECK_OK(load("stale.jwt", "mds-root.pem", g_time, 1, &md));
    dfns_metadata_free(&md);
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, load("malformed.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK(strstr(dfns_last_error(), "entries[0].aaguid"), "malformed: %s", dfns_last_error());
    CHECK(md == NULL, "a refused BLOB left a handle");

    /* Arguments. */
    static const uint8_t junk[] = "not.a.jws";
    size_t root_len = 0;
    uint8_t *root = read_file("mds-root.pem", &root_len);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_load(NULL, 10, root, root_len, g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_load(junk, 0, root, root_len, g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_load(junk, sizeof junk - 1, NULL, 0, g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_load(junk, sizeof junk - 1, root, root_len, g_time, 0, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_metadata_load(junk, sizeof junk - 1, root, root_len, INT64_MAX, 0, &md));
    EXPECT_FAIL(DFNS_ERR_INPUT_TOO_LARGE, dfns_metadata_load(junk, (size_t)65 << 20, root, root_len, g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, dfns_metadata_load(junk, sizeof junk - 1, root, root_len, g_time, 0, &md));
    EXPECT_FAIL(DFNS_ERR_METADATA_INVALID, dfns_metadata_load(junk, sizeof junk - 1, junk, sizeof junk - 1, g_time, 0, &md));
    free(root);
}

/* Verifies registration `label` of the fixture under `policy`. */
static int verify(const dfns_policy_t *policy, const char *label, dfns_registration_t **out) {
    char name[128];
    size_t cd_len = 0, ao_len = 0, ch_len = 0;
    snprintf(name, sizeof name, "reg-%s-client-data.bin", label);
    uint8_t *cd = read_file(name, &cd_len);
    snprintf(name, sizeof name, "reg-%s-attestation-object.bin", label);
    uint8_t *ao = read_file(name, &ao_len);
    snprintf(name, sizeof name, "reg-%s-challenge.bin", label);
    uint8_t *ch = read_file(name, &ch_len);
    int s = dfns_registration_verify(policy, cd, cd_len, ao, ao_len, ch, ch_len, out);
    free(cd);
    free(ao);
    free(ch);
    return s;
}

static void test_trust(void) {
    dfns_metadata_t *md = NULL;
    dfns_policy_t *policy = NULL;
    dfns_registration_t *reg = NULL;
    const char *text = NULL;
    int trusted = -1;
    CHECK_OK(load("good.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK_OK(dfns_policy_new("example.org", &policy));
    CHECK_OK(dfns_policy_add_origin(policy, "https://example.org"));
    CHECK_OK(dfns_policy_set_verification_time(policy, g_time));

    /* Without metadata: verified, not trusted, no metadata. */
    CHECK_OK(verify(policy, "certified", &reg));
    CHECK_OK(dfns_registration_attestation_trusted(reg, &trusted));
    CHECK(trusted == 0, "without metadata the packed chain is trusted (%d)", trusted);
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_registration_metadata_description(reg, &text));
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_registration_metadata_status(reg, &text));
    dfns_registration_free(&reg);

    CHECK_OK(dfns_policy_set_metadata(policy, md, 0));
    dfns_metadata_free(&md); /* the policy keeps its own reference */
    CHECK_OK(dfns_policy_set_option(policy, DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION, 1));
    CHECK_OK(verify(policy, "certified", &reg));
    CHECK_OK(dfns_registration_attestation_trusted(reg, &trusted));
    CHECK(trusted == 1, "with metadata the packed chain is not trusted (%d)", trusted);
    CHECK_OK(dfns_registration_metadata_description(reg, &text));
    CHECK(text && strcmp(text, "Test Certified Authenticator") == 0, "description = %s", text ? text : "(null)");
    CHECK_OK(dfns_registration_metadata_status(reg, &text));
    CHECK(text && strcmp(text, "FIDO_CERTIFIED_L1") == 0, "status = %s", text ? text : "(null)");
    dfns_registration_free(&reg);

    EXPECT_FAIL(DFNS_ERR_AUTHENTICATOR_STATUS_NOT_ACCEPTED, verify(policy, "revoked", &reg));
    CHECK(strstr(dfns_last_error(), "REVOKED"), "revoked: %s", dfns_last_error());
    CHECK(reg == NULL, "a refused registration left a handle");

    /* Unlisted: accepted (untrusted) unless an entry is required. */
    CHECK_OK(dfns_policy_set_option(policy, DFNS_POLICY_REQUIRE_TRUSTED_ATTESTATION, 0));
    CHECK_OK(verify(policy, "unlisted", &reg));
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_registration_metadata_status(reg, &text));
    dfns_registration_free(&reg);
    CHECK_OK(load("good.jwt", "mds-root.pem", g_time, 0, &md));
    CHECK_OK(dfns_policy_set_metadata(policy, md, 1));
    EXPECT_FAIL(DFNS_ERR_METADATA_ENTRY_MISSING, verify(policy, "unlisted", &reg));
    CHECK(strstr(dfns_last_error(), "00112233445566778899aabbccddeeff"), "unlisted: %s", dfns_last_error());

    /* NULL removes the metadata; wrong handle kinds are refused. */
    CHECK_OK(dfns_policy_set_metadata(policy, NULL, 1));
    CHECK_OK(verify(policy, "unlisted", &reg));
    dfns_registration_free(&reg);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_metadata(NULL, md, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_policy_set_metadata(policy, (const dfns_metadata_t *)(void *)policy, 0));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_registration_metadata_description(NULL, &text));
    dfns_metadata_free(&md);
    dfns_policy_free(&policy);
}

int main(void) {
    if (!primers_init()) return test_summary("test_metadata");
    char template_dir[] = "/tmp/dfns-mds-XXXXXX";
    if (!mkdtemp(template_dir)) { perror("mkdtemp"); return 2; }
    snprintf(g_dir, sizeof g_dir, "%s/world", template_dir);
    char command[1024];
    snprintf(command, sizeof command, "python3 '%s' '%s'", DFNS_MDS_FIXTURE, g_dir);
    if (system(command) != 0) {
        fprintf(stderr, "test_metadata: %s failed (python3 with the cryptography package is needed)\n", command);
        return 2;
    }
    size_t len = 0;
    uint8_t *time_text = read_file("verify-time.txt", &len);
    g_time = strtoll((const char *)time_text, NULL, 10);
    free(time_text);

    test_load_and_read();
    test_refusals();
    test_trust();

    snprintf(command, sizeof command, "rm -rf '%s'", template_dir);
    if (system(command) != 0) fprintf(stderr, "test_metadata: could not remove %s\n", template_dir);
    return test_summary("test_metadata");
}
