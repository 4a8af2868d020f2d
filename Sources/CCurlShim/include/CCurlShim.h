#ifndef RESTRACK_CCURLSHIM_H
#define RESTRACK_CCURLSHIM_H

// Typed doors into libcurl's easy interface for Swift, which cannot call
// the variadic curl_easy_setopt / curl_easy_getinfo.
#include <curl/curl.h>

/// curl_global_init(CURL_GLOBAL_DEFAULT), run once per process whichever
/// thread asks first; every later call returns the first call's result.
CURLcode restrack_curl_global_init(void);

CURLcode restrack_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode restrack_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode restrack_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode restrack_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode restrack_curl_setopt_write_function(CURL *handle, curl_write_callback callback);
CURLcode restrack_curl_setopt_headers(CURL *handle, struct curl_slist *headers);

CURLcode restrack_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
