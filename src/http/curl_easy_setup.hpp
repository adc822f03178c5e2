#pragma once
// Internal to kt_http: the one place an easy handle is set up for a Request and its outcome turned
// into a Result, shared by the blocking perform() and the multi-interface start().
#include <curl/curl.h>

#include <memory>

#include "http/http_client.hpp"

namespace kt::http::detail {

void curl_global_init_once();

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

/// What libcurl points into while a transfer runs: it must stay put (and the Request, whose body
/// libcurl does not copy, stay alive) until the handle is reset or detached.
struct Transfer {
  Response response;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  std::unique_ptr<curl_mime, MimeDeleter> mime;
};

/// Sets every option of `request` on `handle`, which must be fresh or reset.
void setup_easy(CURL* handle, const Request& request, Transfer& transfer);

/// Drops the handle's pointers into `transfer`, for a handle kept after the transfer is gone.
void detach_easy(CURL* handle);

/// The outcome of a finished transfer, as perform() and start() report it; moves the response out.
Result<Response> transfer_result(CURL* handle, CURLcode code, const Request& request, Transfer& transfer);

/// The error of a transfer aborted through Request::cancel or by the client shutting down.
Error cancelled_error(const Request& request);

}  // namespace kt::http::detail
