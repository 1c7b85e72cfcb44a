#pragma once

// What a connection's coroutine awaits for a request: its answer, and a refresh of the tokens
// before it when its token is not known yet. Included by server.cpp alone, the one translation
// unit that compiles Asio and Beast.

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

#include "entrypoints/http/request_handler.hpp"

namespace allocation::entrypoints::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Hands `request` to `handler` and resumes the awaiting coroutine on its own executor with
// the response, whichever thread responds.
template <class CompletionToken>
auto async_handle(RequestHandler& handler, const HttpRequest& request, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, void(Response)>(
      [&handler, &request](auto completion) {
        auto executor = boost::asio::prefer(boost::asio::get_associated_executor(completion),
                                            boost::asio::execution::outstanding_work.tracked);
        auto shared_completion = std::make_shared<decltype(completion)>(std::move(completion));
        handler.handle(request, [shared_completion, executor](Response response) {
          boost::asio::post(executor,
                            [shared_completion, response = std::move(response)]() mutable {
                              std::move (*shared_completion)(std::move(response));
                            });
        });
      },
      token);
}

// Until the tokens have been read again (at most 2 s), for a token created since the last read.
inline boost::asio::awaitable<void> until_refreshed(
    const service_layer::Authenticator& authenticator) {
  auto refresh = authenticator.refresh_soon();
  boost::asio::steady_timer poll{co_await boost::asio::this_coro::executor};
  for (int polls = 0; polls < 200 && !authenticator.refreshed(refresh); ++polls) {
    poll.expires_after(std::chrono::milliseconds{10});
    co_await poll.async_wait(boost::asio::use_awaitable);
  }
}

inline HttpRequest decoded(const Request& request) {
  auto header = [&](std::string_view name) -> std::optional<std::string_view> {
    auto given = request.find(name);
    if (given == request.end()) return std::nullopt;
    return given->value();
  };
  return {request.method_string(),
          request.target(),
          request[boost::beast::http::field::authorization],
          header("X-Request-Id"),
          header("Idempotency-Key"),
          request.body(),
          request[boost::beast::http::field::accept]};
}

}  // namespace allocation::entrypoints::http
