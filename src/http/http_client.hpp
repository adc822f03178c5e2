#pragma once
// Outbound HTTP port. The libcurl implementation keeps connections alive; tests use loopback fakes.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace kt::http {

/// A part of a multipart/form-data body (sendPhoto uploads).
struct FormPart {
  std::string name;
  std::string value;     ///< the field's content (bytes for a file)
  std::string filename;  ///< non-empty: sent as a file part
  std::string content_type;
};

struct Request {
  std::string method = "GET";  ///< GET or POST
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            ///< sent as is (set a Content-Type header)
  std::vector<FormPart> form;  ///< non-empty: multipart/form-data body instead of `body`
  std::chrono::milliseconds timeout{10'000};
  /// When set and it becomes true, the transfer is aborted (within about a second; long polls).
  const std::atomic<bool>* cancel = nullptr;
};

struct Response {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased

  /// First header with this lower-case name, or "".
  std::string header(std::string_view lower_name) const;
};

/// Performs one request. Transport failures (DNS, connect, timeout, TLS) are retryable errors with
/// code "E-NETWORK" whose message never contains the URL's path or query (they can hold secrets);
/// any HTTP status, 4xx and 5xx included, is a Response. A transfer aborted through
/// Request::cancel is a retryable "E-CANCELLED".
class Client {
 public:
  /// What an asynchronous request ends with: exactly what perform() would have returned.
  using Done = std::function<void(Result<Response>)>;

  virtual ~Client() = default;
  virtual Result<Response> perform(const Request& request) = 0;
  /// Starts `request` and returns; `done` runs exactly once with its outcome. Thread-safe. `done`
  /// must be quick and must not start a blocking call (it may call start()).
  /// This default performs the request on the calling thread before returning, so fakes and
  /// wrappers that only implement perform() stay deterministic; the libcurl client overrides it.
  virtual void start(Request request, Done done) { done(perform(request)); }
};

/// libcurl. perform(): a per-thread connection cache (keep-alive). start(): every started request
/// is driven by one background thread through libcurl's multi interface (many transfers in flight,
/// connections kept alive between them), `done` running on that thread; the thread starts with the
/// first start() and stops when the client is destroyed, finishing what is still in flight with a
/// retryable "E-CANCELLED". Thread-safe.
std::unique_ptr<Client> make_curl_client();

}  // namespace kt::http
