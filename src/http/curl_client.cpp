// libcurl behind the Client port. perform(): one easy handle per thread, reset between requests, so
// its connection cache keeps connections alive across requests made by that thread. start(): one
// background thread drives every started transfer through a multi handle, whose connection cache
// keeps connections alive across transfers.
#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_name.hpp"
#include "http/curl_easy_setup.hpp"
#include "http/http_client.hpp"

namespace kt::http {
namespace {

/// The calling thread's easy handle; cleaned up when the thread ends.
struct ThreadHandle {
  CURL* handle = nullptr;
  ThreadHandle() {
    detail::curl_global_init_once();
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

/// A started request: owned by the queue, then, while in flight, by its easy handle (CURLOPT_PRIVATE).
struct AsyncTransfer {
  Request request;  // a copy: libcurl reads the body from it while the transfer runs
  Client::Done done;
  detail::Transfer transfer;
};

/// Finished easy handles kept for the next transfers; a burst beyond this creates (and frees) more.
constexpr std::size_t kHandlePoolSize = 8;
/// The longest the loop sleeps: libcurl calls the progress callback, and so sees Request::cancel,
/// only when the loop drives it.
constexpr long kMaxPollMs = 1000;
/// Idle connections kept alive: at least the most calls any caller keeps in flight.
constexpr long kMaxKeptConnections = 1024;

class CurlClient final : public Client {
 public:
  CurlClient() { detail::curl_global_init_once(); }

  ~CurlClient() override {
    CURLM* multi = nullptr;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      multi = multi_;
    }
    if (multi == nullptr) return;  // start() never ran: no thread, no handles
    curl_multi_wakeup(multi);
    thread_.join();
    for (CURL* h : pool_) curl_easy_cleanup(h);
    curl_multi_cleanup(multi);
  }

  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  Result<Response> perform(const Request& request) override {
    CURL* h = thread_handle();
    if (h == nullptr) return fatal("E-NETWORK", "libcurl could not create a handle");
    curl_easy_reset(h);
    detail::Transfer transfer;
    detail::setup_easy(h, request, transfer);
    CURLcode code = curl_easy_perform(h);
    Result<Response> result = detail::transfer_result(h, code, request, transfer);
    // The handle outlives this call (its connection cache is the point): no pointers to our locals.
    detail::detach_easy(h);
    return result;
  }

  void start(Request request, Done done) override {
    auto transfer = std::make_unique<AsyncTransfer>();
    transfer->request = std::move(request);
    transfer->done = std::move(done);
    CURLM* multi = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (multi_ == nullptr) {
        multi_ = curl_multi_init();
        if (multi_ != nullptr) {
          // libcurl's default cache keeps 4 connections per transfer in flight and closes the rest
          // whenever the count drops, so every burst opened new ones (a TLS handshake each, against
          // Telegram; against a server with a short accept queue, SYNs retried after 1 s).
          curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, kMaxKeptConnections);
          thread_ = std::thread([this] { run(); });
        }
      }
      multi = multi_;
      // While the destructor drains, a `done` may still start requests: queued, they get cancelled too.
      if (multi != nullptr) queue_.push_back(std::move(transfer));
    }
    if (multi == nullptr) {
      transfer->done(fatal("E-NETWORK", "libcurl could not create a multi handle"));
      return;
    }
    curl_multi_wakeup(multi);
  }

 private:
  void run() {
    name_this_thread("kt-http-async");
    std::vector<std::unique_ptr<AsyncTransfer>> fresh;
    for (;;) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
        fresh.swap(queue_);
      }
      for (auto& transfer : fresh) add(std::move(transfer));
      fresh.clear();
      int running = 0;
      curl_multi_perform(multi_, &running);
      reap();
      long timeout_ms = -1;
      curl_multi_timeout(multi_, &timeout_ms);
      if (timeout_ms < 0 || timeout_ms > kMaxPollMs) timeout_ms = kMaxPollMs;
      curl_multi_poll(multi_, nullptr, 0, static_cast<int>(timeout_ms), nullptr);
    }
    shut_down();
  }

  void add(std::unique_ptr<AsyncTransfer> transfer) {
    CURL* h = take_handle();
    if (h == nullptr) {
      end(std::move(transfer), fatal("E-NETWORK", "libcurl could not create a handle"));
      return;
    }
    detail::setup_easy(h, transfer->request, transfer->transfer);
    curl_easy_setopt(h, CURLOPT_PRIVATE, transfer.get());
    if (CURLMcode code = curl_multi_add_handle(multi_, h); code != CURLM_OK) {
      recycle(h);
      end(std::move(transfer),
          retryable("E-NETWORK", std::string("libcurl could not add a transfer: ") + curl_multi_strerror(code)));
      return;
    }
    (void)transfer.release();  // reclaimed from CURLOPT_PRIVATE by finish()
    in_flight_.push_back(h);
  }

  void reap() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      // Copied out: removing the handle invalidates `msg`.
      CURL* h = msg->easy_handle;
      CURLcode code = msg->data.result;
      finish(h, &code);
    }
  }

  /// Takes `h` out of the multi handle and calls its `done`: with libcurl's outcome, or cancelled
  /// when `code` is null.
  void finish(CURL* h, const CURLcode* code) {
    char* priv = nullptr;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
    std::unique_ptr<AsyncTransfer> transfer(reinterpret_cast<AsyncTransfer*>(priv));
    curl_multi_remove_handle(multi_, h);
    in_flight_.erase(std::find(in_flight_.begin(), in_flight_.end(), h));
    Result<Response> result = code != nullptr ? detail::transfer_result(h, *code, transfer->request, transfer->transfer)
                                              : Result<Response>(detail::cancelled_error(transfer->request));
    recycle(h);
    end(std::move(transfer), std::move(result));
  }

  /// Frees the transfer before calling its `done`, which may start another one.
  static void end(std::unique_ptr<AsyncTransfer> transfer, Result<Response> result) {
    Done done = std::move(transfer->done);
    transfer.reset();
    done(std::move(result));
  }

  CURL* take_handle() {
    if (pool_.empty()) return curl_easy_init();
    CURL* h = pool_.back();
    pool_.pop_back();
    return h;
  }

  void recycle(CURL* h) {
    // Reset now, not at reuse: a pooled handle must not point into the transfer about to be freed.
    curl_easy_reset(h);
    if (pool_.size() < kHandlePoolSize) {
      pool_.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }

  /// Ends everything in flight, then everything queued, with E-CANCELLED; a `done` that starts
  /// another request queues it, so the drain repeats until the queue stays empty.
  void shut_down() {
    while (!in_flight_.empty()) finish(in_flight_.back(), nullptr);
    for (;;) {
      std::vector<std::unique_ptr<AsyncTransfer>> queued;
      {
        std::lock_guard lock(mutex_);
        queued.swap(queue_);
      }
      if (queued.empty()) break;
      for (auto& transfer : queued) {
        Error error = detail::cancelled_error(transfer->request);
        end(std::move(transfer), std::move(error));
      }
    }
  }

  std::mutex mutex_;  // guards multi_ (creation), queue_ and stopping_
  CURLM* multi_ = nullptr;
  std::vector<std::unique_ptr<AsyncTransfer>> queue_;
  bool stopping_ = false;
  std::thread thread_;
  // Touched only by the background thread (and the destructor after joining it).
  std::vector<CURL*> in_flight_;
  std::vector<CURL*> pool_;
};

}  // namespace

std::unique_ptr<Client> make_curl_client() { return std::make_unique<CurlClient>(); }

}  // namespace kt::http
