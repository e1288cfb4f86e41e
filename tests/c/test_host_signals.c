/*
 * The library must not change the host's crash handling: loading libdfns_bridge.so and calling
 * into it installs no signal handler (the Swift runtime's backtracer would, in a build that links
 * the runtime dynamically). Loads the library with dlopen so the "before" state is the host's own.
 *
 * Usage: test_host_signals /path/to/libdfns_bridge.so.0
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const int signals[] = {SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGABRT, SIGTRAP};
#define SIGNAL_COUNT (sizeof(signals) / sizeof(signals[0]))

static int snapshot(struct sigaction *out) {
    for (size_t i = 0; i < SIGNAL_COUNT; i++) {
        if (sigaction(signals[i], NULL, &out[i]) != 0) return -1;
    }
    return 0;
}

static int compare(const struct sigaction *before, const struct sigaction *after, const char *when) {
    int failures = 0;
    for (size_t i = 0; i < SIGNAL_COUNT; i++) {
        if (before[i].sa_handler != after[i].sa_handler || before[i].sa_flags != after[i].sa_flags) {
            fprintf(stderr, "FAIL: the handler of signal %d changed %s\n", signals[i], when);
            failures++;
        }
    }
    return failures;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s /path/to/libdfns_bridge.so.0\n", argv[0]);
        return 2;
    }
    struct sigaction before[SIGNAL_COUNT], loaded[SIGNAL_COUNT], called[SIGNAL_COUNT];
    if (snapshot(before) != 0) { perror("sigaction"); return 2; }

    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) { fprintf(stderr, "FAIL: dlopen: %s\n", dlerror()); return 1; }
    if (snapshot(loaded) != 0) { perror("sigaction"); return 2; }
    int failures = compare(before, loaded, "when the library was loaded");

    const char *(*version)(void) = (const char *(*)(void))dlsym(library, "dfns_version");
    int (*policy_new)(const char *, void **) = (int (*)(const char *, void **))dlsym(library, "dfns_policy_new");
    if (!version || !policy_new) { fprintf(stderr, "FAIL: dlsym: %s\n", dlerror()); return 1; }
    printf("loaded dfns_bridge %s\n", version());
    void *policy = NULL;
    if (policy_new(NULL, &policy) >= 0 || policy != NULL) {  /* a failing call runs the error path */
        fprintf(stderr, "FAIL: dfns_policy_new(NULL) did not fail\n");
        failures++;
    }
    if (snapshot(called) != 0) { perror("sigaction"); return 2; }
    failures += compare(before, called, "after calls into the library");

    if (failures) printf("FAIL: %d signal handler changes\n", failures);
    else printf("ok: %zu signal handlers unchanged\n", SIGNAL_COUNT);
    return failures ? 1 : 0;
}
