#pragma once
// GET a price API's body; every non-200 answer becomes an honest retryable error.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/http_client.hpp"

namespace kt::pricing {

/// The body of a 200 answer. 429: retryable "E-PRICE-RATE-LIMIT" with Retry-After (seconds);
/// other statuses: retryable "E-PRICE-HTTP"; transport errors pass through ("E-NETWORK").
/// Messages name `api` and the status, never the URL (it may carry a key).
inline Result<std::string> fetch_body(http::Client& client, std::string url,
                                      std::vector<std::pair<std::string, std::string>> headers, Millis timeout,
                                      std::string_view api) {
  http::Request request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = timeout;
  KT_TRY(http::Response response, client.perform(request));
  if (response.status == 200) return std::move(response.body);
  if (response.status == 429) {
    Millis retry_after{1000};
    try {
      const auto header = response.header("retry-after");
      if (!header.empty()) retry_after = Millis{std::stoll(header) * 1000};
    } catch (const std::exception&) {
      // A Retry-After that is not a number of seconds: keep the default pause.
    }
    return retryable("E-PRICE-RATE-LIMIT", std::string(api) + " is rate limiting us (HTTP 429)", retry_after);
  }
  return retryable("E-PRICE-HTTP", std::string(api) + " answered HTTP " + std::to_string(response.status));
}

}  // namespace kt::pricing
