// libcurl behind the Client port: one easy handle per thread, reset between requests, so its
// connection cache keeps connections alive across requests made by that thread.
#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "http/http_client.hpp"

namespace kt::http {
namespace {

void global_init_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// The calling thread's easy handle; cleaned up when the thread ends.
struct ThreadHandle {
  CURL* handle = nullptr;
  ThreadHandle() {
    global_init_once();
    handle = curl_easy_init();
  }
  ~ThreadHandle() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
  ThreadHandle(const ThreadHandle&) = delete;
  ThreadHandle& operator=(const ThreadHandle&) = delete;
};

CURL* thread_handle() {
  thread_local ThreadHandle th;
  return th.handle;
}

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

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MimeDeleter {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

class CurlClient final : public Client {
 public:
  CurlClient() { global_init_once(); }

  Result<Response> perform(const Request& request) override {
    CURL* h = thread_handle();
    if (h == nullptr) return fatal("E-NETWORK", "libcurl could not create a handle");
    curl_easy_reset(h);

    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::int64_t>(request.timeout.count(), 10'000)));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);

    if (request.cancel != nullptr) {
      curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
      curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
    }

    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add_header = [&](const std::string& line) {
      curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
      if (appended != nullptr) {
        (void)headers.release();
        headers.reset(appended);
      }
    };
    for (const auto& [name, value] : request.headers) add_header(name + ": " + value);
    add_header("Expect:");  // no 100-continue round trip for larger bodies
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    std::unique_ptr<curl_mime, MimeDeleter> mime;
    if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      if (request.method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      if (!request.form.empty()) {
        mime.reset(curl_mime_init(h));
        for (const auto& part : request.form) {
          curl_mimepart* p = curl_mime_addpart(mime.get());
          curl_mime_name(p, part.name.c_str());
          curl_mime_data(p, part.value.data(), part.value.size());
          if (!part.filename.empty()) curl_mime_filename(p, part.filename.c_str());
          if (!part.content_type.empty()) curl_mime_type(p, part.content_type.c_str());
        }
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
      } else {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      }
    }

    CURLcode code = curl_easy_perform(h);
    // The handle outlives this call: drop pointers to our locals before returning.
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_MIMEPOST, nullptr);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      return retryable("E-CANCELLED", fmt::format("{} {} cancelled", request.method, url_origin(request.url)));
    }
    if (code != CURLE_OK) {
      std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
      return retryable(
          "E-NETWORK",
          scrub(fmt::format("{} {} failed: {}", request.method, url_origin(request.url), detail), request.url));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
};

}  // namespace

std::unique_ptr<Client> make_curl_client() { return std::make_unique<CurlClient>(); }

}  // namespace kt::http
