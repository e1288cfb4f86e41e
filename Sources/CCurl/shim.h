#ifndef DFNS_CCURL_SHIM_H
#define DFNS_CCURL_SHIM_H

#include <curl/curl.h>

#endif
