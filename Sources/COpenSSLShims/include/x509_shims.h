#ifndef DFNS_OPENSSL_SHIMS_X509_H
#define DFNS_OPENSSL_SHIMS_X509_H

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Thin wrappers for OpenSSL function-like macros (STACK_OF helpers, OPENSSL_free, ERR_GET_*) and
 * union accessors used by DfnsCrypto's X.509 code (Certificate, CertificateChain). */

/* --- STACK_OF(X509) --- */

/** sk_X509_new_null(). Returns NULL on allocation failure. */
STACK_OF(X509) *dfns_x509_stack_new(void);
/** sk_X509_push(): does NOT take a reference. Returns the new count, or 0 on failure. */
int dfns_x509_stack_push(STACK_OF(X509) *stack, X509 *cert);
/** sk_X509_num(); -1 when stack is NULL. */
int dfns_x509_stack_count(const STACK_OF(X509) *stack);
/** sk_X509_value(); NULL when out of range. */
X509 *dfns_x509_stack_value(const STACK_OF(X509) *stack, int index);
/** sk_X509_free(): frees the stack only, not the certificates. NULL is ignored. */
void dfns_x509_stack_free(STACK_OF(X509) *stack);
/** sk_X509_pop_free(stack, X509_free): releases every certificate and the stack. NULL is ignored. */
void dfns_x509_stack_pop_free(STACK_OF(X509) *stack);

/* --- GENERAL_NAMES (subjectAltName) --- */

/** sk_GENERAL_NAME_num(); -1 when names is NULL. */
int dfns_x509_general_names_count(const GENERAL_NAMES *names);
/** The directoryName of names[index] when its type is GEN_DIRNAME, else NULL (borrowed pointer). */
X509_NAME *dfns_x509_general_name_dirname(const GENERAL_NAMES *names, int index);

/* --- EXTENDED_KEY_USAGE (STACK_OF(ASN1_OBJECT)) --- */

/** sk_ASN1_OBJECT_num(); -1 when eku is NULL. */
int dfns_x509_eku_count(const EXTENDED_KEY_USAGE *eku);
/** sk_ASN1_OBJECT_value(); NULL when out of range (borrowed pointer). */
ASN1_OBJECT *dfns_x509_eku_value(const EXTENDED_KEY_USAGE *eku, int index);

/* --- memory and errors --- */

/** OPENSSL_free() for buffers returned by ASN1_STRING_to_UTF8, PEM_read_bio, ... NULL is ignored. */
void dfns_x509_openssl_free(void *ptr);
/** 1 when the packed error code is PEM_R_NO_START_LINE from the PEM library (end of PEM input). */
int dfns_x509_error_is_pem_no_start_line(unsigned long code);

#endif
