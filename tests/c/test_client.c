/*
 * test_client: the Dfns API client of dfns_bridge.h (section "Dfns API client").
 *
 * 1. Arguments: every client function against NULL, bad values, handles of the wrong kind, and
 *    options from older/newer headers.
 * 2. Host transports (dfns_transport) that fail, return garbage (status out of range, a header with
 *    CR/LF, a bad header name), never set a status, promise a body they never give (Content-Length),
 *    give too much, report a network failure (retried for reads, never for writes), and succeed;
 *    the transport's free_user runs exactly once, and never when dfns_client_new fails.
 * 3. Requests against a host transport playing the server: a read, an API error (DFNS_ERR_API
 *    with a result: status, error id, request id), a write signed with a user action (challenge,
 *    Key assertion, token checked in X-DFNS-USERACTION), DFNS_ERR_SIGNER_REQUIRED, an external
 *    signer whose callback fails, pending (202 + approval id) and failed entities, returned-signature
 *    verification, and the delegated pair (init, sign on "another device", complete).
 * 4. 8 threads sharing one client (signed writes, reads, API errors) while another thread swaps the
 *    bearer token; iterations: argv[1], else $DFNS_TEST_CLIENT_ITERATIONS, else 40.
 * 5. The libcurl transport against a real HTTP/1.1 responder on loopback (POSIX sockets, in this
 *    file): success, API error, a truncated body, a refused connection, the headers sent; a write
 *    whose kept-alive connection closes without a reply is never sent again, also when libcurl's
 *    new connection for the re-send is refused (DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE, not _CONNECT).
 */
#include "test_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define THREADS 8

/* ----------------------------------------------------------------------------------------------
 * A host transport that plays the Dfns API
 * ------------------------------------------------------------------------------------------- */

enum fake_mode {
    FAKE_SERVER = 0,        /* answer like the API (routes below) */
    FAKE_RETURN_FAILURE,    /* return -1 */
    FAKE_NO_STATUS,         /* return 0 without a status */
    FAKE_BAD_STATUS,        /* status 42 */
    FAKE_BAD_STATUS_HIGH,   /* status 600 */
    FAKE_HEADER_CRLF,       /* a header value with CR LF */
    FAKE_HEADER_NAME,       /* a header name with a space */
    FAKE_PROMISED_BODY,     /* Content-Length: 100, 10 bytes of body */
    FAKE_BAD_LENGTH,        /* Content-Length: abc */
    FAKE_TOO_LARGE,         /* a body above 16 MiB */
    FAKE_TIMEOUT,           /* returns DFNS_ERR_TRANSPORT_TIMEOUT */
    FAKE_RETURN_STATUS_NAME,/* returns DFNS_ERR_SIGNER (not a transport status) */
    FAKE_NULL_BODY          /* append_body(NULL, 5) */
};

typedef struct fake {
    int mode;
    char credential_id[256];        /* the signer's credId, listed in allowCredentials */
    atomic_int calls;
    atomic_int violations;          /* requests that broke the protocol (missing token, header, ...) */
    atomic_int fill_refusals;       /* fill calls that were refused as expected */
    atomic_int unexpected_fill_ok;  /* fill calls that should have been refused but were not */
    atomic_int signed_writes;       /* writes that arrived with the right user-action token */
} fake_t;

static atomic_int g_free_user_calls;

static void fake_free_user(void *user) {
    (void)user;
    atomic_fetch_add(&g_free_user_calls, 1);
}

static const char *find_header(const dfns_http_request *req, const char *name) {
    for (size_t i = 0; i < req->header_count; i++)
        if (strcasecmp(req->header_names[i], name) == 0) return req->header_values[i];
    return NULL;
}

/* Whether the request's body contains `needle` (the body is not NUL-terminated). */
static int body_has(const dfns_http_request *req, const char *needle) {
    size_t n = strlen(needle);
    if (req->body == NULL || req->body_len < n) return 0;
    for (size_t i = 0; i + n <= req->body_len; i++)
        if (memcmp(req->body + i, needle, n) == 0) return 1;
    return 0;
}

/* Drops a status on purpose (gcc does not let a (void) cast silence warn_unused_result). */
static void ignore(int status) {
    (void)status;
}

/* A complete JSON answer with Content-Length and an optional request id. */
static int respond(dfns_http_response_t *resp, int status, const char *body, const char *request_id) {
    char length[32];
    snprintf(length, sizeof length, "%zu", strlen(body));
    if (dfns_http_response_set_status(resp, status) != DFNS_OK) return -1;
    if (dfns_http_response_add_header(resp, "Content-Type", "application/json") != DFNS_OK) return -1;
    if (dfns_http_response_add_header(resp, "Content-Length", length) != DFNS_OK) return -1;
    if (request_id && dfns_http_response_add_header(resp, "X-Request-ID", request_id) != DFNS_OK) return -1;
    if (dfns_http_response_append_body(resp, (const uint8_t *)body, strlen(body)) != DFNS_OK) return -1;
    return 0;
}

#define BASE "https://api.test"
#define USER_ACTION_TOKEN "ua-token-1"
#define SECP256K1_G "0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"

static int path_is(const dfns_http_request *req, const char *method, const char *path) {
    return strcmp(req->method, method) == 0 && strncmp(req->url, BASE, strlen(BASE)) == 0 &&
           strcmp(req->url + strlen(BASE), path) == 0;
}

/* Counts a request that broke the protocol, and says which. */
static void violation(fake_t *f, const dfns_http_request *req, const char *what) {
    if (atomic_fetch_add(&f->violations, 1) < 5) fprintf(stderr, "protocol violation: %s %s: %s\n", req->method, req->url, what);
}

static int fake_route(fake_t *f, const dfns_http_request *req, dfns_http_response_t *resp) {
    const char *auth = find_header(req, "Authorization");
    if (auth == NULL || strncmp(auth, "Bearer tok-", 11) != 0) violation(f, req, "no bearer token");
    if (req->struct_size < sizeof(dfns_http_request) || req->timeout_ms == 0 || req->connect_timeout_ms == 0)
        violation(f, req, "struct_size or timeouts");
    if (req->body == NULL && req->body_len != 0) violation(f, req, "NULL body with a length");
    const char *ua = find_header(req, "User-Agent");
    if (ua == NULL || strncmp(ua, "dfns-bridge/", 12) != 0) violation(f, req, "no library User-Agent");

    if (path_is(req, "POST", "/auth/action/init")) {
        if (body_has(req, "\"userActionHttpPath\":\"/keys/forbidden/signatures\""))
            return respond(resp, 403, "{\"error\":{\"id\":\"Forbidden\",\"status\":403,\"message\":\"not yours\"}}",
                           "req-init-403");
        if (!body_has(req, "\"userActionHttpMethod\":\"POST\"") || find_header(req, "X-DFNS-USERACTION") != NULL)
            violation(f, req, "challenge request without the method, or with a user action");
        char body[768];
        snprintf(body, sizeof body,
                 "{\"challenge\":\"Y2gtdGVzdC1jaGFsbGVuZ2U\",\"challengeIdentifier\":\"cid-1\","
                 "\"userVerification\":\"required\",\"supportedCredentialKinds\":[{\"kind\":\"Key\",\"factor\":\"first\"}],"
                 "\"allowCredentials\":{\"key\":[{\"type\":\"public-key\",\"id\":\"%s\"}],\"webauthn\":[]}}",
                 f->credential_id);
        return respond(resp, 200, body, "req-init");
    }
    if (path_is(req, "POST", "/auth/action")) {
        if (body_has(req, "\"challengeIdentifier\":\"cid-1\"") && body_has(req, "\"kind\":\"Key\"") &&
            body_has(req, "\"credentialAssertion\""))
            return respond(resp, 200, "{\"userAction\":\"" USER_ACTION_TOKEN "\"}", "req-action");
        return respond(resp, 401, "{\"error\":{\"id\":\"Unauthorized\",\"status\":401,\"message\":\"bad assertion\"}}", "req-action");
    }
    /* Writes that need a user action: the token must be there. */
    if (strcmp(req->method, "GET") != 0) {
        const char *ua = find_header(req, "X-DFNS-USERACTION");
        if (ua == NULL || strcmp(ua, USER_ACTION_TOKEN) != 0)
            return respond(resp, 403, "{\"error\":{\"id\":\"UserActionMissing\",\"status\":403,"
                                      "\"message\":\"user action signature is missing or invalid\"}}", "req-403");
        atomic_fetch_add(&f->signed_writes, 1);
    }
    if (path_is(req, "POST", "/wallets")) {
        if (!body_has(req, "\"network\":\"EthereumSepolia\"")) violation(f, req, "the body is not the one given");
        return respond(resp, 200, "{\"id\":\"wa-1\",\"network\":\"EthereumSepolia\",\"status\":\"Active\"}", "req-wallet");
    }
    if (path_is(req, "GET", "/wallets"))
        return respond(resp, 200, "{\"items\":[]}", "req-list");
    if (path_is(req, "GET", "/missing"))
        return respond(resp, 404, "{\"error\":{\"id\":\"NotFound\",\"status\":404,\"message\":\"no such thing\"}}", "req-404");
    if (path_is(req, "POST", "/keys/k1/signatures"))
        return respond(resp, 202, "{\"id\":\"sig-1\",\"keyId\":\"k1\",\"status\":\"Pending\",\"approvalId\":\"ap-1\"}", NULL);
    if (path_is(req, "POST", "/keys/k2/signatures"))
        return respond(resp, 200, "{\"id\":\"sig-2\",\"keyId\":\"k2\",\"status\":\"Failed\",\"reason\":\"no\"}", NULL);
    if (path_is(req, "POST", "/keys/k3/signatures"))
        return respond(resp, 200,
                       "{\"id\":\"sig-3\",\"keyId\":\"k3\",\"status\":\"Signed\",\"signature\":{"
                       "\"r\":\"0x0000000000000000000000000000000000000000000000000000000000000001\","
                       "\"s\":\"0x0000000000000000000000000000000000000000000000000000000000000001\",\"recid\":0}}", NULL);
    if (path_is(req, "GET", "/keys/k3"))
        return respond(resp, 200, "{\"id\":\"k3\",\"scheme\":\"ECDSA\",\"curve\":\"secp256k1\",\"publicKey\":\"" SECP256K1_G "\"}", NULL);
    return respond(resp, 404, "{\"error\":{\"id\":\"NoRoute\",\"status\":404,\"message\":\"no route\"}}", NULL);
}

/* A fill call that must be refused; counts whether it was. */
static void expect_refused(fake_t *f, int s) {
    if (s == DFNS_ERR_INVALID_ARGUMENT || s == DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE)
        atomic_fetch_add(&f->fill_refusals, 1);
    else
        atomic_fetch_add(&f->unexpected_fill_ok, 1);
}

static int fake_send(void *user, const dfns_http_request *req, dfns_http_response_t *resp) {
    fake_t *f = user;
    atomic_fetch_add(&f->calls, 1);
    switch (f->mode) {
    case FAKE_SERVER:
        return fake_route(f, req, resp);
    case FAKE_RETURN_FAILURE:
        (void)respond(resp, 200, "{}", NULL);
        return -1;
    case FAKE_NO_STATUS:
        ignore(dfns_http_response_add_header(resp, "Content-Type", "application/json"));
        return 0;
    case FAKE_BAD_STATUS:
        expect_refused(f, dfns_http_response_set_status(resp, 42));
        return 0;
    case FAKE_BAD_STATUS_HIGH:
        expect_refused(f, dfns_http_response_set_status(resp, 600));
        return 0;
    case FAKE_HEADER_CRLF:
        ignore(dfns_http_response_set_status(resp, 200));
        expect_refused(f, dfns_http_response_add_header(resp, "X-Note", "a\r\nSet-Cookie: injected=1"));
        ignore(dfns_http_response_append_body(resp, (const uint8_t *)"{}", 2));
        return 0;
    case FAKE_HEADER_NAME:
        ignore(dfns_http_response_set_status(resp, 200));
        expect_refused(f, dfns_http_response_add_header(resp, "Bad Name", "x"));
        return 0;
    case FAKE_PROMISED_BODY:
        ignore(dfns_http_response_set_status(resp, 200));
        ignore(dfns_http_response_add_header(resp, "Content-Length", "100"));
        ignore(dfns_http_response_append_body(resp, (const uint8_t *)"{\"items\":[", 10));
        return 0;
    case FAKE_BAD_LENGTH:
        ignore(dfns_http_response_set_status(resp, 200));
        ignore(dfns_http_response_add_header(resp, "Content-Length", "abc"));
        ignore(dfns_http_response_append_body(resp, (const uint8_t *)"{}", 2));
        return 0;
    case FAKE_TOO_LARGE: {
        static uint8_t chunk[1 << 20];
        ignore(dfns_http_response_set_status(resp, 200));
        int s = DFNS_OK;
        for (int i = 0; i < 17 && s == DFNS_OK; i++) s = dfns_http_response_append_body(resp, chunk, sizeof chunk);
        expect_refused(f, s);
        return 0;
    }
    case FAKE_NULL_BODY:
        ignore(dfns_http_response_set_status(resp, 200));
        expect_refused(f, dfns_http_response_append_body(resp, NULL, 5));
        return 0;
    case FAKE_TIMEOUT:
        return DFNS_ERR_TRANSPORT_TIMEOUT;
    case FAKE_RETURN_STATUS_NAME:
        return DFNS_ERR_SIGNER;
    default:
        return -1;
    }
}

/* Options with quick retries off by default (max_attempts 1) unless `attempts` says otherwise. */
static dfns_client_options test_options(uint32_t attempts) {
    dfns_client_options o;
    if (dfns_client_options_init(&o, sizeof o) != DFNS_OK) memset(&o, 0, sizeof o);
    o.max_attempts = attempts;
    return o;
}

static dfns_client_t *fake_client(fake_t *f, uint32_t attempts, const dfns_client_options *override_options) {
    dfns_client_options o = test_options(attempts);
    dfns_transport t = { sizeof(dfns_transport), fake_send, f, NULL };
    dfns_client_t *c = NULL;
    CHECK_OK(dfns_client_new(BASE, "tok-a", override_options ? override_options : &o, &t, &c));
    return c;
}

/* The result's body as a string (borrowed), or "" */
static const char *result_body(const dfns_result_t *r) {
    const char *body = NULL;
    size_t len = 0;
    if (dfns_result_body(r, &body, &len) != DFNS_OK || body == NULL) return "";
    return body;
}

/* A P-256 Key signer from a fresh key; its credential id into `credential_id`. */
static dfns_signer_t *make_key_signer(char *credential_id, size_t cap, char **public_pem_out) {
    char *priv = NULL, *pub = NULL, *cred = NULL;
    dfns_signer_t *signer = NULL;
    CHECK_OK(dfns_key_generate(DFNS_KEY_P256, 0, &priv, &pub, &cred));
    if (priv && cred) {
        CHECK_OK(dfns_signer_new_key((const uint8_t *)priv, strlen(priv), cred, &signer));
        snprintf(credential_id, cap, "%s", cred);
        memset(priv, 0, strlen(priv));
    }
    dfns_free(priv);
    dfns_free(cred);
    if (public_pem_out) *public_pem_out = pub; else dfns_free(pub);
    return signer;
}

/* ----------------------------------------------------------------------------------------------
 * 1. Arguments
 * ------------------------------------------------------------------------------------------- */

static int dummy_send(void *user, const dfns_http_request *req, dfns_http_response_t *resp) {
    (void)user; (void)req; (void)resp;
    return -1;
}

static void test_arguments(void) {
    dfns_client_options o;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_options_init(NULL, sizeof o));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_options_init(&o, 4));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_options_init(&o, 1u << 20));
    CHECK_OK(dfns_client_options_init(&o, sizeof o));
    CHECK(o.struct_size == sizeof o && o.connect_timeout_ms == 10000 && o.timeout_ms == 30000 && o.max_attempts == 3 &&
          o.verify_returned_signatures == 1 && o.allow_insecure_http == 0 && o.user_agent_suffix == NULL &&
          o.ca_bundle_path == NULL, "option defaults");

    /* A newer header's bigger struct: accepted with zero tail, refused with a set unknown field. */
    struct { dfns_client_options o; uint64_t future; } bigger;
    CHECK_OK(dfns_client_options_init(&bigger.o, sizeof bigger));
    CHECK(bigger.future == 0 && bigger.o.struct_size == sizeof bigger, "init zeroes the unknown tail");
    dfns_client_t *c = (dfns_client_t *)&o; /* poison: must be set to NULL on failure */
    CHECK_OK(dfns_client_new(BASE, NULL, &bigger.o, NULL, &c));
    dfns_client_free(&c);
    CHECK(c == NULL, "dfns_client_free sets the pointer to NULL");
    bigger.future = 1;
    c = (dfns_client_t *)&o;
    EXPECT_FAIL(DFNS_ERR_UNSUPPORTED, dfns_client_new(BASE, NULL, &bigger.o, NULL, &c));
    CHECK(c == NULL, "out is NULL after a failure");

    dfns_client_options bad = test_options(3);
    bad.struct_size = 8;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));
    bad = test_options(0);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));
    bad = test_options(11);
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));
    bad = test_options(3);
    bad.timeout_ms = 0;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));
    bad = test_options(3);
    bad.connect_timeout_ms = 0;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));
    bad = test_options(3);
    bad.user_agent_suffix = "evil\r\nX-Injected: 1";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));
    bad = test_options(3);
    bad.ca_bundle_path = "";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, &bad, NULL, &c));

    /* Base URLs and tokens */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(NULL, NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("", NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("ftp://api.dfns.io", NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("https://", NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("https://api.dfns.io/?q=1", NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("https://user@api.dfns.io", NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("http://api.dfns.io", NULL, NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, "tok\r\nX-Injected: 1", NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, "", NULL, NULL, &c));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, "tok", NULL, NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, "secret-token\n", NULL, NULL, &c));
    CHECK(strstr(dfns_last_error(), "secret-token") == NULL, "a token in a message: %s", dfns_last_error());
    static const char invalid_utf8[] = { 'h', 't', 't', 'p', 's', ':', '/', '/', (char)0xC3, (char)0x28, 0 };
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(invalid_utf8, NULL, NULL, NULL, &c));
    dfns_client_options insecure = test_options(3);
    insecure.allow_insecure_http = 1;
    CHECK_OK(dfns_client_new("http://api.dfns.test/prefix/", NULL, &insecure, NULL, &c));
    dfns_client_free(&c);
    CHECK_OK(dfns_client_new("http://127.0.0.1:1", NULL, NULL, NULL, &c));
    dfns_client_free(&c);

    /* Transport structs: bad ones fail and never call free_user. */
    atomic_store(&g_free_user_calls, 0);
    dfns_transport t = { sizeof(dfns_transport), NULL, NULL, fake_free_user };
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, NULL, &t, &c));
    t.send = dummy_send;
    t.struct_size = 4;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new(BASE, NULL, NULL, &t, &c));
    t.struct_size = sizeof t;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_new("nope", NULL, NULL, &t, &c));
    CHECK(atomic_load(&g_free_user_calls) == 0, "free_user ran after a failed dfns_client_new");
    CHECK_OK(dfns_client_new(BASE, NULL, NULL, &t, &c));
    CHECK(atomic_load(&g_free_user_calls) == 0, "free_user ran before the client was freed");
    dfns_client_free(&c);
    CHECK(atomic_load(&g_free_user_calls) == 1, "free_user ran %d times, expected once", atomic_load(&g_free_user_calls));
    dfns_client_free(&c);
    dfns_client_free(NULL);
    CHECK(atomic_load(&g_free_user_calls) == 1, "free_user ran again");

    /* Setters and requests on NULL / wrong handles */
    fake_t f = { .mode = FAKE_SERVER };
    c = fake_client(&f, 1, NULL);
    dfns_policy_t *policy = NULL;
    CHECK_OK(dfns_policy_new("example.org", &policy));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_set_auth_token(NULL, "tok-b"));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_set_auth_token(c, "tok\nb"));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_set_auth_token(c, ""));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_set_auth_token((dfns_client_t *)policy, "tok-b"));
    CHECK_OK(dfns_client_set_auth_token(c, NULL));
    CHECK_OK(dfns_client_set_auth_token(c, "tok-a"));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_set_signer(NULL, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_set_signer(c, (const dfns_signer_t *)policy));
    CHECK_OK(dfns_client_set_signer(c, NULL));

    dfns_result_t *r = (dfns_result_t *)&o;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(NULL, "GET", "/wallets", NULL, &r));
    CHECK(r == NULL, "result is NULL after a failure");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request((const dfns_client_t *)policy, "GET", "/wallets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, NULL, "/wallets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "get", "/wallets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "CONNECT", "/wallets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "GET", NULL, NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "GET", "wallets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "GET", "/wal lets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "GET", "/wallets", "{}", &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "POST", "/auth/tokens", "{not json", &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "POST", "/auth/tokens", "", &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_request(c, "GET", "/wallets", NULL, NULL));
    CHECK(atomic_load(&f.calls) == 0, "a refused request reached the transport");

    char *challenge = (char *)&o;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(NULL, "POST", "/wallets", "{}", &challenge));
    CHECK(challenge == NULL, "challenge_json is NULL after a failure");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(c, "POST", "/wallets", "{}", NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(c, "BREW", "/wallets", "{}", &challenge));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(c, "POST", NULL, "{}", &challenge));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(c, "POST", "/wallets", "[1,", &challenge));
    /* needs no user action: send it directly */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(c, "GET", "/wallets", NULL, &challenge));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_init(c, "POST", "/auth/action/init", "{}", &challenge));

    static const char ff[] = "{\"kind\":\"Key\",\"credentialAssertion\":{}}";
    static const char dr[] = "{\"method\":\"POST\",\"path\":\"/wallets\",\"body\":\"{}\","
                             "\"challenge\":{\"challenge\":\"abc\",\"challengeIdentifier\":\"cid-1\"}}";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(NULL, dr, ff, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, NULL, ff, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, dr, NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, dr, ff, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, "[]", ff, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, "{\"method\":\"POST\"}", ff, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, "{\"challenge\":", ff, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, dr, "\"Key\"", &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, dr, "{", &r));
    static const char bad_method[] = "{\"method\":\"BREW\",\"path\":\"/wallets\",\"body\":\"\","
                                     "\"challenge\":{\"challenge\":\"abc\",\"challengeIdentifier\":\"cid-1\"}}";
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_client_delegated_complete(c, bad_method, ff, &r));
    CHECK(atomic_load(&f.calls) == 0, "a refused delegated call reached the transport");

    /* Result getters */
    int v = 0;
    const char *s = NULL;
    size_t len = 7;
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_http_status(NULL, &v));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_outcome(NULL, &v));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_body(NULL, &s, &len));
    CHECK(s == NULL && len == 0, "body outputs cleared on failure");
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_error_id(NULL, &s));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_request_id(NULL, &s));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_approval_id(NULL, &s));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_http_status((const dfns_result_t *)policy, &v));
    dfns_result_free(NULL);
    r = NULL;
    dfns_result_free(&r);

    CHECK_OK(dfns_client_request(c, "GET", "/wallets", NULL, &r));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_http_status(r, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_outcome(r, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_body(r, NULL, &len));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_body(r, &s, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_error_id(r, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_request_id(r, NULL));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_result_approval_id(r, NULL));
    s = "poison";
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_result_error_id(r, &s));
    CHECK(s == NULL, "absent error id is NULL");
    EXPECT_FAIL(DFNS_ERR_NOT_FOUND, dfns_result_approval_id(r, &s));
    dfns_result_free(&r);
    CHECK(r == NULL, "dfns_result_free sets the pointer to NULL");

    /* The fill functions outside a callback */
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_http_response_set_status(NULL, 200));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_http_response_add_header(NULL, "A", "b"));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_http_response_append_body(NULL, (const uint8_t *)"x", 1));
    EXPECT_FAIL(DFNS_ERR_INVALID_ARGUMENT, dfns_http_response_set_status((dfns_http_response_t *)policy, 200));

    dfns_policy_free(&policy);
    dfns_client_free(&c);
}

/* ----------------------------------------------------------------------------------------------
 * 2. Host transports that break their contract
 * ------------------------------------------------------------------------------------------- */

static void run_broken(int mode, int expected, const char *what) {
    fake_t f = { .mode = mode };
    dfns_client_t *c = fake_client(&f, 3, NULL);
    dfns_result_t *r = NULL;
    int s = dfns_client_request(c, "GET", "/wallets", NULL, &r);
    check_failed(__FILE__, __LINE__, what, s, expected);
    CHECK(r == NULL, "%s: a result after a transport failure", what);
    CHECK(atomic_load(&f.calls) == 1, "%s: %d calls, expected 1 (a broken callback is not retried)", what, atomic_load(&f.calls));
    CHECK(atomic_load(&f.unexpected_fill_ok) == 0, "%s: a fill call accepted garbage", what);
    dfns_result_free(&r);
    dfns_client_free(&c);
}

static void test_broken_transports(void) {
    run_broken(FAKE_RETURN_FAILURE, DFNS_ERR_TRANSPORT_CALLBACK, "callback returns -1");
    CHECK(strstr(dfns_last_error(), "-1") != NULL, "the message names the value: %s", dfns_last_error());
    run_broken(FAKE_RETURN_STATUS_NAME, DFNS_ERR_TRANSPORT_CALLBACK, "callback returns a non-transport status");
    run_broken(FAKE_NO_STATUS, DFNS_ERR_TRANSPORT_CALLBACK, "callback never sets a status");
    run_broken(FAKE_BAD_STATUS, DFNS_ERR_TRANSPORT_CALLBACK, "status 42");
    run_broken(FAKE_BAD_STATUS_HIGH, DFNS_ERR_TRANSPORT_CALLBACK, "status 600");
    run_broken(FAKE_HEADER_CRLF, DFNS_ERR_TRANSPORT_CALLBACK, "a header value with CR LF");
    run_broken(FAKE_HEADER_NAME, DFNS_ERR_TRANSPORT_CALLBACK, "a header name with a space");
    run_broken(FAKE_PROMISED_BODY, DFNS_ERR_TRANSPORT_CALLBACK, "Content-Length 100, 10 bytes given");
    CHECK(strstr(dfns_last_error(), "100") != NULL, "the message names the promised length: %s", dfns_last_error());
    run_broken(FAKE_BAD_LENGTH, DFNS_ERR_TRANSPORT_CALLBACK, "Content-Length abc");
    run_broken(FAKE_NULL_BODY, DFNS_ERR_TRANSPORT_CALLBACK, "body bytes at NULL");
    run_broken(FAKE_TOO_LARGE, DFNS_ERR_TRANSPORT_RESPONSE_TOO_LARGE, "a body above 16 MiB");

    /* A network failure the callback reports: reads are retried (max_attempts), writes never. */
    fake_t f = { .mode = FAKE_TIMEOUT };
    dfns_client_t *c = fake_client(&f, 2, NULL);
    dfns_result_t *r = NULL;
    CHECK_STATUS(DFNS_ERR_TRANSPORT_TIMEOUT, dfns_client_request(c, "GET", "/wallets", NULL, &r));
    CHECK(atomic_load(&f.calls) == 2, "a timed-out read made %d attempts, expected 2", atomic_load(&f.calls));
    atomic_store(&f.calls, 0);
    CHECK_STATUS(DFNS_ERR_TRANSPORT_TIMEOUT, dfns_client_request(c, "POST", "/auth/tokens", "{\"name\":\"x\"}", &r));
    CHECK(atomic_load(&f.calls) == 1, "a timed-out write was sent %d times", atomic_load(&f.calls));
    CHECK(r == NULL, "no result after a timeout");
    dfns_client_free(&c);
}

/* A callback that answers with random garbage: random status (sometimes valid), random header
 * names and values (random bytes, NUL-terminated), a random Content-Length, random body bytes and a
 * random return value. Whatever it does, the call returns a defined status and never crashes. */
static int random_send(void *user, const dfns_http_request *req, dfns_http_response_t *resp) {
    (void)user; (void)req;
    uint64_t r = rng_next();
    if (r % 7 != 0) ignore(dfns_http_response_set_status(resp, (int)(r >> 8) % 2 ? 200 + (int)((r >> 16) % 400) : (int)((r >> 16) % 1000) - 100));
    int headers = (int)((r >> 24) % 4);
    for (int i = 0; i < headers; i++) {
        char name[12], value[24];
        rng_fill((uint8_t *)name, sizeof name - 1);
        rng_fill((uint8_t *)value, sizeof value - 1);
        name[sizeof name - 1] = 0;
        value[sizeof value - 1] = 0;
        if ((r >> (32 + i)) & 1) snprintf(name, sizeof name, "X-Test-%d", i);
        if ((r >> (40 + i)) & 1) snprintf(value, sizeof value, "v%d", i);
        ignore(dfns_http_response_add_header(resp, name, value));
    }
    uint8_t body[64];
    size_t body_len = (size_t)((r >> 48) % sizeof body);
    rng_fill(body, body_len);
    if ((r >> 56) & 1) {
        char length[16];
        snprintf(length, sizeof length, "%zu", (size_t)((r >> 58) % 2 ? body_len : body_len + 1));
        ignore(dfns_http_response_add_header(resp, "Content-Length", length));
    }
    ignore(dfns_http_response_append_body(resp, body, body_len));
    return (r >> 60) == 0 ? -3 : 0;
}

static void test_random_transport(void) {
    dfns_transport t = { sizeof(dfns_transport), random_send, NULL, NULL };
    dfns_client_options o = test_options(1);
    dfns_client_t *c = NULL;
    CHECK_OK(dfns_client_new(BASE, "tok-a", &o, &t, &c));
    int undefined = 0, leaked = 0, ok = 0;
    for (int i = 0; i < 300; i++) {
        dfns_result_t *r = NULL;
        int s = dfns_client_request(c, i % 2 ? "GET" : "POST", i % 2 ? "/wallets" : "/auth/tokens", i % 2 ? NULL : "{}", &r);
        if (!status_is_defined(s) || s > 0) undefined++;
        if (s != DFNS_OK && s != DFNS_ERR_API && r != NULL) leaked++;
        if (s == DFNS_OK) ok++;
        dfns_result_free(&r);
    }
    CHECK(undefined == 0, "%d random answers gave an undefined status", undefined);
    CHECK(leaked == 0, "%d failures still gave a result", leaked);
    CHECK(ok > 0, "no random answer was accepted (the generator is too hostile to test anything)");
    dfns_client_free(&c);
}

/* ----------------------------------------------------------------------------------------------
 * 3. Requests against the playing server
 * ------------------------------------------------------------------------------------------- */

static int fail_sign(void *user, int key_kind, const uint8_t *message, size_t message_len, uint8_t *signature,
                     size_t signature_capacity, size_t *signature_len) {
    (void)user; (void)key_kind; (void)message; (void)message_len; (void)signature; (void)signature_capacity;
    *signature_len = 0;
    return 7;
}

/* A host transport that, inside its callback, makes a request on another client: the library runs
 * callbacks on the calling thread and must not deadlock. */
static dfns_client_t *g_inner;

static int reentrant_send(void *user, const dfns_http_request *req, dfns_http_response_t *resp) {
    (void)user; (void)req;
    dfns_result_t *inner = NULL;
    int s = dfns_client_request(g_inner, "GET", "/wallets", NULL, &inner);
    int rc = s == DFNS_OK ? respond(resp, 200, result_body(inner), "req-outer") : -1;
    dfns_result_free(&inner);
    return rc;
}

static void test_reentrancy(void) {
    fake_t f = { .mode = FAKE_SERVER };
    g_inner = fake_client(&f, 1, NULL);
    dfns_transport t = { sizeof(dfns_transport), reentrant_send, NULL, NULL };
    dfns_client_t *outer = NULL;
    CHECK_OK(dfns_client_new(BASE, "tok-a", NULL, &t, &outer));
    dfns_result_t *r = NULL;
    CHECK_OK(dfns_client_request(outer, "GET", "/anything", NULL, &r));
    CHECK(strcmp(result_body(r), "{\"items\":[]}") == 0, "re-entrant body %s", result_body(r));
    dfns_result_free(&r);
    dfns_client_free(&outer);
    dfns_client_free(&g_inner);
}

static void test_requests(void) {
    fake_t f = { .mode = FAKE_SERVER };
    dfns_client_t *c = fake_client(&f, 1, NULL);
    dfns_result_t *r = NULL;
    int v = 0;
    const char *s = NULL;
    size_t len = 0;

    /* A read */
    CHECK_OK(dfns_client_request(c, "GET", "/wallets", NULL, &r));
    CHECK_OK(dfns_result_http_status(r, &v));
    CHECK(v == 200, "status %d", v);
    CHECK_OK(dfns_result_outcome(r, &v));
    CHECK(v == DFNS_OUTCOME_DONE, "outcome %d", v);
    CHECK_OK(dfns_result_body(r, &s, &len));
    CHECK(len == strlen("{\"items\":[]}") && strcmp(s, "{\"items\":[]}") == 0, "body %s", s);
    CHECK_OK(dfns_result_request_id(r, &s));
    CHECK(s && strcmp(s, "req-list") == 0, "request id %s", s ? s : "(null)");
    dfns_result_free(&r);

    /* An API error: DFNS_ERR_API *and* a result */
    CHECK_STATUS(DFNS_ERR_API, dfns_client_request(c, "GET", "/missing", NULL, &r));
    CHECK(r != NULL, "DFNS_ERR_API gives a result");
    CHECK(strstr(dfns_last_error(), "404") != NULL && strstr(dfns_last_error(), "NotFound") != NULL,
          "message %s", dfns_last_error());
    if (r) {
        CHECK_OK(dfns_result_http_status(r, &v));
        CHECK(v == 404, "status %d", v);
        CHECK_OK(dfns_result_outcome(r, &v));
        CHECK(v == DFNS_OUTCOME_FAILED, "outcome %d", v);
        CHECK_OK(dfns_result_error_id(r, &s));
        CHECK(s && strcmp(s, "NotFound") == 0, "error id %s", s ? s : "(null)");
        CHECK_OK(dfns_result_request_id(r, &s));
        CHECK(s && strcmp(s, "req-404") == 0, "request id %s", s ? s : "(null)");
        CHECK(strstr(result_body(r), "no such thing") != NULL, "error body %s", result_body(r));
        /* Headers, in the order sent, looked up without regard to case */
        const char *name = NULL;
        CHECK_OK(dfns_result_header_count(r, &len));
        CHECK(len == 3, "header count %zu", len);
        CHECK_OK(dfns_result_header_at(r, 0, &name, &s));
        CHECK(name && s && strcmp(name, "Content-Type") == 0 && strcmp(s, "application/json") == 0, "header 0 %s: %s",
              name ? name : "(null)", s ? s : "(null)");
        CHECK_OK(dfns_result_header_at(r, 2, &name, &s));
        CHECK(name && s && strcmp(name, "X-Request-ID") == 0 && strcmp(s, "req-404") == 0, "header 2");
        CHECK_STATUS(DFNS_ERR_NOT_FOUND, dfns_result_header_at(r, 3, &name, &s));
        CHECK(name == NULL && s == NULL, "no field 3: outputs NULL");
        CHECK_STATUS(DFNS_ERR_NOT_FOUND, dfns_result_header_at(r, (size_t)-1, &name, &s));
        CHECK_OK(dfns_result_header(r, "x-request-id", &s));
        CHECK(s && strcmp(s, "req-404") == 0, "x-request-id %s", s ? s : "(null)");
        CHECK_OK(dfns_result_header(r, "CONTENT-LENGTH", &s));
        CHECK(s && atoi(s) == (int)strlen(result_body(r)), "content-length %s", s ? s : "(null)");
        CHECK_STATUS(DFNS_ERR_NOT_FOUND, dfns_result_header(r, "Retry-After", &s));
        CHECK(s == NULL, "absent header: NULL");
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header(r, NULL, &s));
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header(NULL, "x-request-id", &s));
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header(r, "x-request-id", NULL));
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header_count(NULL, &len));
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header_count(r, NULL));
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header_at(r, 0, NULL, &s));
        CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT, dfns_result_header_at(r, 0, &name, NULL));
    }
    dfns_result_free(&r);

    /* A write that needs a user action, without a signer */
    int before = atomic_load(&f.calls);
    CHECK_STATUS(DFNS_ERR_SIGNER_REQUIRED, dfns_client_request(c, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &r));
    CHECK(r == NULL && atomic_load(&f.calls) == before, "nothing is sent without a signer");

    /* ... with a Key signer: init, sign, action, then the request with X-DFNS-USERACTION */
    dfns_signer_t *signer = make_key_signer(f.credential_id, sizeof f.credential_id, NULL);
    CHECK_OK(dfns_client_set_signer(c, signer));
    dfns_signer_free(&signer); /* the client keeps its own reference */
    before = atomic_load(&f.calls);
    CHECK_OK(dfns_client_request(c, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &r));
    CHECK(atomic_load(&f.calls) - before == 3, "a signed write took %d exchanges, expected 3", atomic_load(&f.calls) - before);
    CHECK(atomic_load(&f.signed_writes) == 1, "the write arrived without the user-action token");
    CHECK_OK(dfns_result_request_id(r, &s));
    CHECK(s && strcmp(s, "req-wallet") == 0, "request id %s", s ? s : "(null)");
    CHECK(strstr(result_body(r), "\"wa-1\"") != NULL, "body %s", result_body(r));
    dfns_result_free(&r);

    /* A challenge that does not list the signer's credential: nothing is signed */
    char saved[256];
    snprintf(saved, sizeof saved, "%s", f.credential_id);
    snprintf(f.credential_id, sizeof f.credential_id, "someone-else");
    CHECK_STATUS(DFNS_ERR_SIGNER, dfns_client_request(c, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &r));
    CHECK(r == NULL, "no result after a signer failure");
    snprintf(f.credential_id, sizeof f.credential_id, "%s", saved);

    /* Pending (202 with an approval id) and failed entities */
    CHECK_OK(dfns_client_request(c, "POST", "/keys/k1/signatures", "{\"kind\":\"Hash\",\"hash\":\"0x00\"}", &r));
    CHECK_OK(dfns_result_outcome(r, &v));
    CHECK(v == DFNS_OUTCOME_PENDING, "outcome %d", v);
    CHECK_OK(dfns_result_approval_id(r, &s));
    CHECK(s && strcmp(s, "ap-1") == 0, "approval id %s", s ? s : "(null)");
    CHECK_OK(dfns_result_http_status(r, &v));
    CHECK(v == 202, "status %d", v);
    dfns_result_free(&r);
    CHECK_OK(dfns_client_request(c, "POST", "/keys/k2/signatures", "{\"kind\":\"Hash\",\"hash\":\"0x00\"}", &r));
    CHECK_OK(dfns_result_outcome(r, &v));
    CHECK(v == DFNS_OUTCOME_FAILED, "outcome %d", v);
    dfns_result_free(&r);

    /* A returned signature that is not by the key: refused (verification is on by default) ... */
    static const char hash_body[] =
        "{\"kind\":\"Hash\",\"hash\":\"0x1111111111111111111111111111111111111111111111111111111111111111\"}";
    CHECK_STATUS(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_client_request(c, "POST", "/keys/k3/signatures", hash_body, &r));
    CHECK(r == NULL, "no result for a refused signature");
    /* ... and handed out with the option off */
    dfns_client_options o = test_options(1);
    o.verify_returned_signatures = 0;
    dfns_client_t *c2 = fake_client(&f, 1, &o);
    signer = make_key_signer(f.credential_id, sizeof f.credential_id, NULL);
    CHECK_OK(dfns_client_set_signer(c2, signer));
    CHECK_OK(dfns_client_set_signer(c, signer)); /* same credential for the rest of the test */
    CHECK_OK(dfns_client_request(c2, "POST", "/keys/k3/signatures", hash_body, &r));
    dfns_result_free(&r);
    dfns_client_free(&c2);

    /* The delegated pair: init here, sign "on the device", complete here */
    char *challenge = NULL, *first_factor = NULL;
    dfns_client_t *server = fake_client(&f, 1, NULL); /* the host's backend: no signer */
    CHECK_OK(dfns_client_delegated_init(server, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &challenge));
    CHECK(challenge && strstr(challenge, "\"challengeIdentifier\":\"cid-1\"") && strstr(challenge, "\"method\":\"POST\"") &&
          strstr(challenge, "\"path\":\"/wallets\""), "challenge json %s", challenge ? challenge : "(null)");
    CHECK_OK(dfns_signer_sign_challenge(signer, challenge, &first_factor));
    int signed_before = atomic_load(&f.signed_writes);
    CHECK_OK(dfns_client_delegated_complete(server, challenge, first_factor, &r));
    CHECK(atomic_load(&f.signed_writes) == signed_before + 1, "the delegated write was not signed");
    CHECK(strstr(result_body(r), "\"wa-1\"") != NULL, "body %s", result_body(r));
    dfns_result_free(&r);
    /* The delegated path checks returned signatures too: k3 answers a signature not by the key */
    char *k3_challenge = NULL, *k3_factor = NULL;
    CHECK_OK(dfns_client_delegated_init(server, "POST", "/keys/k3/signatures", hash_body, &k3_challenge));
    CHECK_OK(dfns_signer_sign_challenge(signer, k3_challenge, &k3_factor));
    CHECK_STATUS(DFNS_ERR_RETURNED_SIGNATURE_INVALID, dfns_client_delegated_complete(server, k3_challenge, k3_factor, &r));
    CHECK(r == NULL, "no result for a refused delegated signature");
    dfns_free(k3_challenge);
    dfns_free(k3_factor);
    /* A challenge request the server refuses: dfns_client_delegated_init gives the status only,
     * dfns_client_delegated_init_with_result the answer as well */
    static const char forbidden_path[] = "/keys/forbidden/signatures";
    char *refused = NULL;
    CHECK_STATUS(DFNS_ERR_API, dfns_client_delegated_init(server, "POST", forbidden_path, hash_body, &refused));
    CHECK(refused == NULL && strstr(dfns_last_error(), "Forbidden") != NULL, "message %s", dfns_last_error());
    CHECK_STATUS(DFNS_ERR_API, dfns_client_delegated_init_with_result(server, "POST", forbidden_path, hash_body, &refused, &r));
    CHECK(refused == NULL && r != NULL, "DFNS_ERR_API: no challenge, a result");
    if (r) {
        CHECK_OK(dfns_result_http_status(r, &v));
        CHECK(v == 403, "status %d", v);
        CHECK_OK(dfns_result_error_id(r, &s));
        CHECK(s && strcmp(s, "Forbidden") == 0, "error id %s", s ? s : "(null)");
        CHECK_OK(dfns_result_request_id(r, &s));
        CHECK(s && strcmp(s, "req-init-403") == 0, "request id %s", s ? s : "(null)");
    }
    dfns_result_free(&r);
    r = (dfns_result_t *)&v; /* not NULL: a success must clear it */
    CHECK_OK(dfns_client_delegated_init_with_result(server, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &refused, &r));
    CHECK(refused != NULL && r == NULL, "a success gives the challenge and no result");
    dfns_free(refused);
    refused = NULL;
    CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT,
                 dfns_client_delegated_init_with_result(server, "POST", "/wallets", "{}", &refused, NULL));
    CHECK_STATUS(DFNS_ERR_INVALID_ARGUMENT,
                 dfns_client_delegated_init_with_result(server, "POST", "/wallets", "{}", NULL, &r));
    CHECK(r == NULL, "outputs cleared on an argument error");
    /* A first factor the server refuses: DFNS_ERR_API with a result */
    CHECK_STATUS(DFNS_ERR_API, dfns_client_delegated_complete(server, challenge, "{\"kind\":\"Key\"}", &r));
    CHECK(r != NULL, "DFNS_ERR_API gives a result");
    if (r) {
        CHECK_OK(dfns_result_error_id(r, &s));
        CHECK(s && strcmp(s, "Unauthorized") == 0, "error id %s", s ? s : "(null)");
    }
    dfns_result_free(&r);
    dfns_free(challenge);
    dfns_free(first_factor);
    dfns_client_free(&server);
    dfns_signer_free(&signer);

    /* An external signer whose callback fails */
    char *pub = NULL;
    dfns_signer_t *key_signer = make_key_signer(f.credential_id, sizeof f.credential_id, &pub);
    dfns_signer_t *external = NULL;
    if (pub) CHECK_OK(dfns_signer_new_external(f.credential_id, (const uint8_t *)pub, strlen(pub), fail_sign, NULL, NULL, &external));
    CHECK_OK(dfns_client_set_signer(c, external));
    CHECK_STATUS(DFNS_ERR_SIGNER_CALLBACK, dfns_client_request(c, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &r));
    CHECK(r == NULL, "no result after a signer callback failure");
    CHECK_OK(dfns_client_set_signer(c, NULL));
    CHECK_STATUS(DFNS_ERR_SIGNER_REQUIRED, dfns_client_request(c, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &r));
    dfns_signer_free(&external);
    dfns_signer_free(&key_signer);
    dfns_free(pub);

    CHECK(atomic_load(&f.violations) == 0, "%d requests broke the protocol", atomic_load(&f.violations));
    dfns_client_free(&c);
}

/* ----------------------------------------------------------------------------------------------
 * 4. 8 threads on one client
 * ------------------------------------------------------------------------------------------- */

static dfns_client_t *g_shared;
static int g_iterations = 40;
static atomic_int g_thread_errors;
static atomic_int g_stop_swapper;
static pthread_barrier_t g_barrier;

static void *client_worker(void *arg) {
    int id = (int)(intptr_t)arg;
    pthread_barrier_wait(&g_barrier);
    for (int i = 0; i < g_iterations; i++) {
        dfns_result_t *r = NULL;
        int s, v = 0;
        switch ((i + id) % 4) {
        case 3: {
            /* The 0.3 additions: a refused challenge request with its answer, and header lookups. */
            char *challenge = NULL;
            const char *rid = NULL;
            s = dfns_client_delegated_init_with_result(g_shared, "POST", "/keys/forbidden/signatures", "{\"kind\":\"Hash\"}",
                                                        &challenge, &r);
            if (s != DFNS_ERR_API || challenge != NULL || r == NULL || dfns_result_header(r, "x-request-id", &rid) != DFNS_OK ||
                strcmp(rid, "req-init-403") != 0 || strstr(dfns_last_error(), "Forbidden") == NULL)
                atomic_fetch_add(&g_thread_errors, 1);
            break;
        }
        case 0:
            s = dfns_client_request(g_shared, "POST", "/wallets", "{\"network\":\"EthereumSepolia\"}", &r);
            if (s != DFNS_OK || strstr(result_body(r), "\"wa-1\"") == NULL) {
                if (atomic_fetch_add(&g_thread_errors, 1) < 5)
                    fprintf(stderr, "thread %d: signed write -> %s (%s)\n", id, dfns_status_name(s), dfns_last_error());
            }
            break;
        case 1:
            s = dfns_client_request(g_shared, "GET", "/wallets", NULL, &r);
            if (s != DFNS_OK || dfns_result_http_status(r, &v) != DFNS_OK || v != 200) atomic_fetch_add(&g_thread_errors, 1);
            break;
        default: {
            s = dfns_client_request(g_shared, "GET", "/missing", NULL, &r);
            const char *eid = NULL;
            if (s != DFNS_ERR_API || r == NULL || dfns_result_error_id(r, &eid) != DFNS_OK || strcmp(eid, "NotFound") != 0 ||
                strstr(dfns_last_error(), "NotFound") == NULL)
                atomic_fetch_add(&g_thread_errors, 1);
            break;
        }
        }
        dfns_result_free(&r);
    }
    return NULL;
}

static void *token_swapper(void *arg) {
    (void)arg;
    pthread_barrier_wait(&g_barrier);
    for (int i = 0; !atomic_load(&g_stop_swapper); i++) {
        if (dfns_client_set_auth_token(g_shared, (i & 1) ? "tok-b" : "tok-a") != DFNS_OK) atomic_fetch_add(&g_thread_errors, 1);
        struct timespec pause = { 0, 200 * 1000 };
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void test_threads(void) {
    fake_t f = { .mode = FAKE_SERVER };
    g_shared = fake_client(&f, 1, NULL);
    dfns_signer_t *signer = make_key_signer(f.credential_id, sizeof f.credential_id, NULL);
    CHECK_OK(dfns_client_set_signer(g_shared, signer));
    dfns_signer_free(&signer);
    pthread_t threads[THREADS], swapper;
    pthread_barrier_init(&g_barrier, NULL, THREADS + 1);
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, client_worker, (void *)(intptr_t)i);
    pthread_create(&swapper, NULL, token_swapper, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    atomic_store(&g_stop_swapper, 1);
    pthread_join(swapper, NULL);
    pthread_barrier_destroy(&g_barrier);
    CHECK(atomic_load(&g_thread_errors) == 0, "%d thread requests went wrong", atomic_load(&g_thread_errors));
    CHECK(atomic_load(&f.violations) == 0, "%d requests broke the protocol under threads", atomic_load(&f.violations));
    int expected_signed = 0;
    for (int id = 0; id < THREADS; id++)
        for (int i = 0; i < g_iterations; i++) expected_signed += ((i + id) % 4 == 0);
    CHECK(atomic_load(&f.signed_writes) == expected_signed, "%d signed writes, expected %d", atomic_load(&f.signed_writes), expected_signed);
    dfns_client_free(&g_shared);
}

/* ----------------------------------------------------------------------------------------------
 * 5. The libcurl transport against a loopback HTTP/1.1 responder
 * ------------------------------------------------------------------------------------------- */

typedef struct loop_server {
    int fd;
    int port;
    pthread_t thread;
    atomic_int stop;
    atomic_int served;
    atomic_int saw_token;       /* Authorization: Bearer tok-loop */
    atomic_int saw_user_agent;  /* User-Agent: dfns-bridge/... test-suite/1 */
} loop_server_t;

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void loop_answer(int fd, int status, const char *reason, const char *body, size_t promised) {
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "X-Request-ID: loop-%d\r\nConnection: close\r\n\r\n",
                     status, reason, promised, status);
    (void)write_all(fd, head, (size_t)n);
    (void)write_all(fd, body, strlen(body));
}

static void *loop_main(void *arg) {
    loop_server_t *srv = arg;
    static char buf[65536];
    for (;;) {
        int c = accept(srv->fd, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (atomic_load(&srv->stop)) {
            close(c);
            break;
        }
        size_t got = 0;
        char *end = NULL;
        while (got < sizeof buf - 1) {
            ssize_t n = recv(c, buf + got, sizeof buf - 1 - got, 0);
            if (n <= 0) break;
            got += (size_t)n;
            buf[got] = 0;
            if ((end = strstr(buf, "\r\n\r\n")) != NULL) break;
        }
        if (end) {
            /* read the body the request announced, if any */
            size_t header_len = (size_t)(end - buf) + 4, want = 0;
            for (char *line = buf; line && line < end; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL) {
                if (strncasecmp(line, "Content-Length:", 15) == 0) want = (size_t)strtoul(line + 15, NULL, 10);
                if (strncmp(line, "Authorization: Bearer tok-loop\r\n", 32) == 0) atomic_store(&srv->saw_token, 1);
                if (strncasecmp(line, "User-Agent: dfns-bridge/", 24) == 0 && strstr(line, "test-suite/1") &&
                    strstr(line, "test-suite/1") < strstr(line, "\r\n"))
                    atomic_store(&srv->saw_user_agent, 1);
            }
            while (got < header_len + want && got < sizeof buf - 1) {
                ssize_t n = recv(c, buf + got, sizeof buf - 1 - got, 0);
                if (n <= 0) break;
                got += (size_t)n;
            }
            if (strncmp(buf, "GET /wallets ", 13) == 0)
                loop_answer(c, 200, "OK", "{\"items\":[]}", 12);
            else if (strncmp(buf, "GET /truncated ", 15) == 0)
                loop_answer(c, 200, "OK", "{\"items\":[", 100); /* promises 100 bytes, sends 10, closes */
            else
                loop_answer(c, 404, "Not Found", "{\"error\":{\"id\":\"NotFound\",\"status\":404,\"message\":\"nothing\"}}",
                            strlen("{\"error\":{\"id\":\"NotFound\",\"status\":404,\"message\":\"nothing\"}}"));
            atomic_fetch_add(&srv->served, 1);
        }
        shutdown(c, SHUT_RDWR);
        close(c);
    }
    return NULL;
}

/* A listening socket on 127.0.0.1 with a free port; -1 on failure. */
static int loop_listen(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static void test_loopback_curl(void) {
    loop_server_t srv;
    memset(&srv, 0, sizeof srv);
    srv.fd = loop_listen(&srv.port);
    CHECK(srv.fd >= 0, "cannot listen on loopback: %s", strerror(errno));
    if (srv.fd < 0) return;
    pthread_create(&srv.thread, NULL, loop_main, &srv);

    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
    dfns_client_options o = test_options(1);
    o.user_agent_suffix = "test-suite/1";
    o.timeout_ms = 10000;
    dfns_client_t *c = NULL;
    CHECK_OK(dfns_client_new(url, "tok-loop", &o, NULL, &c));
    dfns_result_t *r = NULL;
    int v = 0;
    const char *s = NULL;

    CHECK_OK(dfns_client_request(c, "GET", "/wallets", NULL, &r));
    CHECK_OK(dfns_result_http_status(r, &v));
    CHECK(v == 200, "status %d", v);
    CHECK(strcmp(result_body(r), "{\"items\":[]}") == 0, "body %s", result_body(r));
    CHECK_OK(dfns_result_request_id(r, &s));
    CHECK(s && strcmp(s, "loop-200") == 0, "request id %s", s ? s : "(null)");
    dfns_result_free(&r);
    CHECK(atomic_load(&srv.saw_token), "the server did not see the bearer token");
    CHECK(atomic_load(&srv.saw_user_agent), "the server did not see the User-Agent with its suffix");

    CHECK_STATUS(DFNS_ERR_API, dfns_client_request(c, "GET", "/elsewhere", NULL, &r));
    if (r) {
        CHECK_OK(dfns_result_http_status(r, &v));
        CHECK(v == 404, "status %d", v);
        CHECK_OK(dfns_result_error_id(r, &s));
        CHECK(s && strcmp(s, "NotFound") == 0, "error id %s", s ? s : "(null)");
    }
    dfns_result_free(&r);

    CHECK_STATUS(DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE, dfns_client_request(c, "GET", "/truncated", NULL, &r));
    CHECK(r == NULL, "no result for a truncated answer");
    dfns_client_free(&c);

    /* stop the responder: flag, then wake accept() */
    atomic_store(&srv.stop, 1);
    int wake = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)srv.port);
    if (wake >= 0) {
        (void)connect(wake, (struct sockaddr *)&a, sizeof a);
        close(wake);
    }
    pthread_join(srv.thread, NULL);
    close(srv.fd);
    CHECK(atomic_load(&srv.served) == 3, "served %d requests, expected 3", atomic_load(&srv.served));

    /* A port nobody listens on: refused */
    int port = 0, fd = loop_listen(&port);
    if (fd >= 0) close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    CHECK_OK(dfns_client_new(url, "tok-loop", &o, NULL, &c));
    CHECK_STATUS(DFNS_ERR_TRANSPORT_CONNECT, dfns_client_request(c, "GET", "/wallets", NULL, &r));
    CHECK(r == NULL, "no result for a refused connection");
    dfns_client_free(&c);
}

/* A responder for one kept-alive connection: answers its first request (a GET) and keeps the
 * connection open; on the second (a write), counts it, optionally stops listening first (so that
 * libcurl's re-send on a new connection is refused), and closes without a reply. */
typedef struct drop_server {
    int fd;
    int port;
    int close_listener;
    pthread_t thread;
    atomic_int writes;          /* requests other than the first GET that arrived */
} drop_server_t;

/* Reads one request (headers and Content-Length body) from `c` into buf; 0 when none came. */
static size_t drop_read_request(int c, char *buf, size_t cap) {
    size_t got = 0;
    char *end = NULL;
    while (got < cap - 1) {
        ssize_t n = recv(c, buf + got, cap - 1 - got, 0);
        if (n <= 0) return 0;
        got += (size_t)n;
        buf[got] = 0;
        if ((end = strstr(buf, "\r\n\r\n")) != NULL) break;
    }
    if (end == NULL) return 0;
    size_t header_len = (size_t)(end - buf) + 4, want = 0;
    for (char *line = buf; line && line < end; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL)
        if (strncasecmp(line, "Content-Length:", 15) == 0) want = (size_t)strtoul(line + 15, NULL, 10);
    while (got < header_len + want && got < cap - 1) {
        ssize_t n = recv(c, buf + got, cap - 1 - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
    }
    return got;
}

static void *drop_main(void *arg) {
    drop_server_t *srv = arg;
    char buf[8192];
    struct pollfd p = {srv->fd, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) return NULL;
    int c = accept(srv->fd, NULL, NULL);
    if (c < 0) return NULL;
    if (drop_read_request(c, buf, sizeof buf) > 0) {
        const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"items\":[]}";
        (void)write_all(c, ok, strlen(ok));
        if (drop_read_request(c, buf, sizeof buf) > 0) {
            atomic_fetch_add(&srv->writes, 1);
            if (srv->close_listener) {
                close(srv->fd);
                srv->fd = -1;
            }
        }
    }
    shutdown(c, SHUT_RDWR);
    close(c);
    if (srv->fd >= 0) {
        /* libcurl may open a new connection for its re-send: nothing may arrive on it */
        struct timeval tv = {2, 0};
        p.fd = srv->fd;
        int c2 = poll(&p, 1, 2000) == 1 ? accept(srv->fd, NULL, NULL) : -1;
        if (c2 >= 0) {
            setsockopt(c2, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            if (drop_read_request(c2, buf, sizeof buf) > 0) atomic_fetch_add(&srv->writes, 1);
            close(c2);
        }
    }
    return NULL;
}

static void test_write_not_resent(int close_listener) {
    drop_server_t srv;
    memset(&srv, 0, sizeof srv);
    srv.close_listener = close_listener;
    srv.fd = loop_listen(&srv.port);
    CHECK(srv.fd >= 0, "cannot listen on loopback: %s", strerror(errno));
    if (srv.fd < 0) return;
    pthread_create(&srv.thread, NULL, drop_main, &srv);

    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", srv.port);
    dfns_client_options o = test_options(1);
    o.timeout_ms = 10000;
    dfns_client_t *c = NULL;
    dfns_result_t *r = NULL;
    CHECK_OK(dfns_client_new(url, "tok-loop", &o, NULL, &c));
    CHECK_OK(dfns_client_request(c, "GET", "/wallets", NULL, &r));
    dfns_result_free(&r);
    /* POST /auth/tokens: a write that needs no user action, on the kept-alive connection */
    CHECK_STATUS(DFNS_ERR_TRANSPORT_MALFORMED_RESPONSE, dfns_client_request(c, "POST", "/auth/tokens", "{}", &r));
    CHECK(r == NULL, "no result for a write without a reply");
    CHECK(strstr(dfns_last_error(), "not sent again") != NULL, "message: %s", dfns_last_error());
    dfns_client_free(&c);
    pthread_join(srv.thread, NULL);
    if (srv.fd >= 0) close(srv.fd);
    CHECK(atomic_load(&srv.writes) == 1, "the server received the write %d times (listener %s)", atomic_load(&srv.writes),
          close_listener ? "closed" : "open");
}

int main(int argc, char **argv) {
    const char *env = getenv("DFNS_TEST_CLIENT_ITERATIONS");
    if (argc > 1) g_iterations = atoi(argv[1]);
    else if (env) g_iterations = atoi(env);
    if (g_iterations < 1) g_iterations = 1;
    if (!primers_init()) return test_summary("test_client");

    test_arguments();
    test_broken_transports();
    test_random_transport();
    test_requests();
    test_reentrancy();
    test_threads();
    test_loopback_curl();
    test_write_not_resent(0);
    test_write_not_resent(1);
    return test_summary("test_client");
}
