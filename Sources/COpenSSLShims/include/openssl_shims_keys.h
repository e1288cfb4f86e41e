#ifndef DFNS_OPENSSL_SHIMS_KEYS_H
#define DFNS_OPENSSL_SHIMS_KEYS_H

/* Key-handling shims for DfnsCrypto: functions the COpenSSL module map does not expose to Swift. */

#include <openssl/core.h>

/* OSSL_PARAM_free (declared in <openssl/params.h>, which COpenSSL's shim.h does not include):
   frees a parameter array built with OSSL_PARAM_BLD_to_param; the block holding parameters pushed
   from secure BIGNUMs is cleared before it is freed. NULL is ignored. */
void dfns_ossl_param_free(OSSL_PARAM *params);

#endif
