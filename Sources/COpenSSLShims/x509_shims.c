#include "x509_shims.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

STACK_OF(X509) *dfns_x509_stack_new(void) {
    return sk_X509_new_null();
}

int dfns_x509_stack_push(STACK_OF(X509) *stack, X509 *cert) {
    if (stack == NULL || cert == NULL) {
        return 0;
    }
    return sk_X509_push(stack, cert);
}

int dfns_x509_stack_count(const STACK_OF(X509) *stack) {
    if (stack == NULL) {
        return -1;
    }
    return sk_X509_num(stack);
}

X509 *dfns_x509_stack_value(const STACK_OF(X509) *stack, int index) {
    if (stack == NULL || index < 0 || index >= sk_X509_num(stack)) {
        return NULL;
    }
    return sk_X509_value(stack, index);
}

void dfns_x509_stack_free(STACK_OF(X509) *stack) {
    sk_X509_free(stack);
}

void dfns_x509_stack_pop_free(STACK_OF(X509) *stack) {
    sk_X509_pop_free(stack, X509_free);
}

int dfns_x509_general_names_count(const GENERAL_NAMES *names) {
    if (names == NULL) {
        return -1;
    }
    return sk_GENERAL_NAME_num(names);
}

X509_NAME *dfns_x509_general_name_dirname(const GENERAL_NAMES *names, int index) {
    if (names == NULL || index < 0 || index >= sk_GENERAL_NAME_num(names)) {
        return NULL;
    }
    const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, index);
    if (name == NULL || name->type != GEN_DIRNAME) {
        return NULL;
    }
    return name->d.directoryName;
}

int dfns_x509_eku_count(const EXTENDED_KEY_USAGE *eku) {
    if (eku == NULL) {
        return -1;
    }
    return sk_ASN1_OBJECT_num(eku);
}

ASN1_OBJECT *dfns_x509_eku_value(const EXTENDED_KEY_USAGE *eku, int index) {
    if (eku == NULL || index < 0 || index >= sk_ASN1_OBJECT_num(eku)) {
        return NULL;
    }
    return sk_ASN1_OBJECT_value(eku, index);
}

void dfns_x509_openssl_free(void *ptr) {
    OPENSSL_free(ptr);
}

int dfns_x509_error_is_pem_no_start_line(unsigned long code) {
    return (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) ? 1 : 0;
}
