#include "http/curl_easy_setup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string_view>

namespace kt::http::detail {
namespace {

/// "scheme://host:port" of a URL: what an error message may show (path and query can hold secrets).
std::string url_origin(const std::string& url) {
  auto scheme_end = url.find("://");
  std::size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  auto host_end = url.find_first_of("/?#", host_start);
  std::string authority =
      url.substr(host_start, host_end == std::string::npos ? std::string::npos : host_end - host_start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  return url.substr(0, host_start) + authority;
}

/// Removes any trace of the URL's path and query from a libcurl message.
std::string scrub(std::string message, const std::string& url) {
  std::string origin = url_origin(url);
  if (url.size() > origin.size()) {
    std::string rest = url.substr(origin.size());
    if (rest.size() > 1) {
      for (auto pos = message.find(rest); pos != std::string::npos; pos = message.find(rest)) {
        message.replace(pos, rest.size(), "/…");
      }
    }
  }
  return message;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * count);
  // A new status line (redirect, 100-continue): only the final response's headers count.
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  headers->emplace_back(std::move(name), std::string(value));
  return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

void curl_global_init_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void setup_easy(CURL* h, const Request& request, Transfer& transfer) {
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, transfer.error_buffer);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(request.timeout.count(), 10'000)));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer.response.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer.response.headers);

  if (request.cancel != nullptr) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
  }

  auto add_header = [&](const std::string& line) {
    curl_slist* appended = curl_slist_append(transfer.headers.get(), line.c_str());
    if (appended != nullptr) {
      (void)transfer.headers.release();
      transfer.headers.reset(appended);
    }
  };
  for (const auto& [name, value] : request.headers) add_header(name + ": " + value);
  add_header("Expect:");  // no 100-continue round trip for larger bodies
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, transfer.headers.get());

  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.form.empty()) {
    transfer.mime.reset(curl_mime_init(h));
    for (const auto& part : request.form) {
      curl_mimepart* p = curl_mime_addpart(transfer.mime.get());
      curl_mime_name(p, part.name.c_str());
      curl_mime_data(p, part.value.data(), part.value.size());
      if (!part.filename.empty()) curl_mime_filename(p, part.filename.c_str());
      if (!part.content_type.empty()) curl_mime_type(p, part.content_type.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MIMEPOST, transfer.mime.get());
  } else {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }
}

void detach_easy(CURL* h) {
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_MIMEPOST, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
}

Result<Response> transfer_result(CURL* h, CURLcode code, const Request& request, Transfer& transfer) {
  if (code == CURLE_ABORTED_BY_CALLBACK) return cancelled_error(request);
  if (code != CURLE_OK) {
    std::string detail = transfer.error_buffer[0] != '\0' ? transfer.error_buffer : curl_easy_strerror(code);
    return retryable(
        "E-NETWORK",
        scrub(fmt::format("{} {} failed: {}", request.method, url_origin(request.url), detail), request.url));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return std::move(transfer.response);
}

Error cancelled_error(const Request& request) {
  return retryable("E-CANCELLED", fmt::format("{} {} cancelled", request.method, url_origin(request.url)));
}

}  // namespace kt::http::detail
