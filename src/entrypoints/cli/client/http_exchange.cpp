#include "entrypoints/cli/client/http_exchange.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "entrypoints/cli/options.hpp"

namespace allocation::cli::client {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

ServerAddress ServerAddress::parse(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    throw UsageError{"--url must be http://HOST:PORT, not '" + url + "'"};
  }
  std::string path = parsed->path();
  if (!path.empty() && path != "/") {
    throw UsageError{"--url must be http://HOST:PORT without a path, not '" + url + "'"};
  }
  return {std::string{parsed->host()}, parsed->has_port() ? std::string{parsed->port()} : "80"};
}

namespace {

net::awaitable<HttpReply> exchange_on(const ServerAddress& server, const HttpCall& call,
                                      std::chrono::milliseconds timeout) {
  auto executor = co_await net::this_coro::executor;
  net::ip::tcp::resolver resolver{executor};
  beast::tcp_stream stream{executor};
  stream.expires_after(timeout);
  auto endpoints = co_await resolver.async_resolve(server.host, server.port, net::use_awaitable);
  co_await stream.async_connect(endpoints, net::use_awaitable);

  http::request<http::string_body> request{http::string_to_verb(call.method), call.target, 11};
  request.set(http::field::host, server.host + ":" + server.port);
  request.set(http::field::user_agent, "allocation-client");
  request.set(http::field::accept, "application/json");
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (!call.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = call.body;
  }
  request.prepare_payload();
  co_await http::async_write(stream, request, net::use_awaitable);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  co_await http::async_read(stream, buffer, parser, net::use_awaitable);
  auto& response = parser.get();
  HttpReply reply{static_cast<int>(response.result_int()),
                  std::string{response[http::field::content_type]}, std::move(response.body()),
                  std::nullopt};
  auto retry_after = response[http::field::retry_after];
  int seconds = 0;
  auto [end, error] =
      std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (error == std::errc{} && end == retry_after.data() + retry_after.size()) {
    reply.retry_after = seconds;
  }
  beast::error_code ignored;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  co_return reply;
}

}  // namespace

HttpReply exchange(const ServerAddress& server, const HttpCall& call,
                   std::chrono::milliseconds timeout) {
  net::io_context io;
  auto reply = net::co_spawn(io, exchange_on(server, call, timeout), net::use_future);
  io.run();
  try {
    return reply.get();
  } catch (const boost::system::system_error& error) {
    std::string reason =
        error.code() == beast::error::timeout ? "no answer in time" : error.code().message();
    throw Unreachable{"cannot reach http://" + server.host + ":" + server.port + ": " + reason};
  }
}

}  // namespace allocation::cli::client
