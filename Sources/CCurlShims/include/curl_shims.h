#ifndef DFNS_CURL_SHIMS_H
#define DFNS_CURL_SHIMS_H

/* Non-variadic wrappers around libcurl's variadic curl_easy_setopt / curl_easy_getinfo (Swift cannot
 * call C variadics), plus the function-like or composite constants DfnsCurlTransport needs. Each
 * setopt wrapper passes its third argument with the exact C type libcurl reads for that option
 * class (long, curl_off_t, an object pointer, or a callback pointer): passing another type through
 * the variadic is undefined behaviour, so Swift code picks the wrapper matching the option's type. */

#include <curl/curl.h>

/** curl_global_init(CURL_GLOBAL_DEFAULT). Thread-safe in libcurl >= 7.84 built "threadsafe". */
CURLcode dfns_curl_global_init_default(void);

/** curl_easy_setopt for CURLOPTTYPE_LONG / CURLOPTTYPE_VALUES options. */
CURLcode dfns_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);

/** curl_easy_setopt for CURLOPTTYPE_OFF_T options (e.g. CURLOPT_POSTFIELDSIZE_LARGE). */
CURLcode dfns_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

/** curl_easy_setopt for CURLOPTTYPE_STRINGPOINT options (libcurl copies the string, except for
 *  CURLOPT_POSTFIELDS, which DfnsCurlTransport does not use). NULL resets the option. */
CURLcode dfns_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);

/** curl_easy_setopt for CURLOPTTYPE_OBJECTPOINT / CURLOPTTYPE_CBPOINT / CURLOPTTYPE_SLISTPOINT
 *  options (callback user data, header lists, the error buffer, CURLOPT_COPYPOSTFIELDS). */
CURLcode dfns_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);

/** curl_easy_setopt for CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION (both take a
 *  curl_write_callback). */
CURLcode dfns_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback);

/** curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback). */
CURLcode dfns_curl_easy_setopt_xferinfo_callback(CURL *handle, curl_xferinfo_callback callback);

/** curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback) (libcurl >= 7.80): called before
 *  every attempt to send the request, including libcurl's own re-send after a reused connection
 *  turned out dead. */
CURLcode dfns_curl_easy_setopt_prereq_callback(CURL *handle, curl_prereq_callback callback);

/** curl_easy_getinfo for CURLINFO_LONG items (e.g. CURLINFO_RESPONSE_CODE). */
CURLcode dfns_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);

/** curl_easy_getinfo for CURLINFO_STRING items (e.g. CURLINFO_CAINFO, libcurl >= 7.84: the built-in
 *  CA bundle path). *value is NULL when libcurl has none; it is libcurl's, never to be freed. */
CURLcode dfns_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/** CURL_ERROR_SIZE: the size of the buffer CURLOPT_ERRORBUFFER points to. */
size_t dfns_curl_error_size(void);

#endif
