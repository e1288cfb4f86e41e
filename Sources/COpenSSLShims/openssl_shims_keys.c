#include "openssl_shims_keys.h"

#include <openssl/params.h>

void dfns_ossl_param_free(OSSL_PARAM *params) {
    OSSL_PARAM_free(params);
}
