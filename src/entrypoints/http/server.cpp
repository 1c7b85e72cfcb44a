#include "entrypoints/http/server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdio>
#include <list>
#include <optional>
#include <random>
#include <vector>

#include "common/overloaded.hpp"
#include "common/thread_name.hpp"
#include "entrypoints/http/metrics.hpp"
#include "entrypoints/http/rate_limiter.hpp"
#include "service_layer/errors.hpp"

namespace allocation::entrypoints::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using asio::awaitable;
using asio::ip::tcp;
using service_layer::ErrorKind;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
const auto& http_error_category = bhttp::make_error_code(bhttp::error::bad_target).category();

// Makes request ids unique across restarts and processes.
std::string random_prefix() {
  std::random_device random;
  char text[9];
  std::snprintf(text, sizeof text, "%08x", random());
  return text;
}

Response text_response(bhttp::status status, std::string body) {
  Response response{status, 11};
  response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::move(body);
  return response;
}

Response json_response(bhttp::status status, const json::value& body) {
  Response response{status, 11};
  response.set(bhttp::field::content_type, "application/json");
  response.body() = json::serialize(body);
  return response;
}

Response message_response(bhttp::status status, std::string_view message) {
  return json_response(status, json::object{{"message", message}});
}

Response rejection_response(const service_layer::Rejection& rejection) {
  switch (rejection.kind) {
    case ErrorKind::invalid_sku:
      return message_response(bhttp::status::bad_request, rejection.message);
    case ErrorKind::unknown_batch:
      return message_response(bhttp::status::not_found, rejection.message);
    case ErrorKind::duplicate_batch:
      return message_response(bhttp::status::conflict, rejection.message);
    case ErrorKind::conflict:
    case ErrorKind::unavailable:
    case ErrorKind::overloaded:
      break;
  }
  Response response = message_response(bhttp::status::service_unavailable, rejection.message);
  response.set(bhttp::field::retry_after, "1");
  return response;
}

// Hands `command` to the writer and resumes the awaiting coroutine on its own executor
// once the outcome is durable.
template <class CompletionToken>
auto async_handle(service_layer::GroupCommitter& committer, domain::Command command,
                  service_layer::Actor actor, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(service_layer::Outcome)>(
      [&committer](auto handler, domain::Command command, service_layer::Actor actor) {
        auto executor = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
        auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
        committer.submit(
            std::move(command),
            [shared_handler, executor](service_layer::Outcome outcome) {
              asio::post(executor, [shared_handler, outcome = std::move(outcome)]() mutable {
                std::move (*shared_handler)(std::move(outcome));
              });
            },
            std::move(actor));
      },
      token, std::move(command), std::move(actor));
}

awaitable<std::vector<service_layer::AllocationView>> query_allocations(
    service_layer::ReadModelReader& read_model, std::string orderid) {
  co_return read_model.allocations_for_order(orderid);
}

awaitable<std::vector<service_layer::BatchView>> query_batches(
    service_layer::ReadModelReader& read_model, std::string sku) {
  co_return read_model.batches_for_sku(sku);
}

}  // namespace

struct HttpServer::Impl {
  Impl(service_layer::GroupCommitter& commands, service_layer::ReadModelReader& read_model,
       ServerSettings settings)
      : commands{commands}, read_model{read_model}, settings{std::move(settings)} {
    asio::post(reader, [] { name_this_thread("reader"); });
  }

  struct Connection {
    beast::tcp_stream* stream;
    bool handling_request = false;
  };

  service_layer::GroupCommitter& commands;
  service_layer::ReadModelReader& read_model;
  ServerSettings settings;
  RateLimiter rate_limiter{settings.token_requests_per_second_max};
  asio::io_context io{1};
  asio::thread_pool reader{1};
  tcp::acceptor acceptor{io};
  std::list<Connection> connections;
  bool stopping = false;
  std::string request_id_prefix = random_prefix();
  std::uint64_t requests_received = 0;
  // Responses sent, by the first digit of their status.
  std::array<std::uint64_t, 5> responses_by_class{};
  // Ends a shutdown whose in-flight requests outlast the grace period.
  asio::steady_timer shutdown_deadline{io};

  void bind();
  awaitable<void> accept_connections();
  awaitable<void> serve(tcp::socket socket);
  // The answer to a request that could not be read, or nullopt when there is no one to answer.
  std::optional<Response> refusal_for(const boost::system::error_code& error);
  awaitable<void> send_and_close(beast::tcp_stream& stream, Response response);
  void count(const Response& response);
  awaitable<void> refuse_connection(tcp::socket socket);
  awaitable<Response> route(const Request& request, const std::string& request_id);
  template <class Command>
  awaitable<Response> handle_command(const Decoded<Command>& decoded, bhttp::status success,
                                     service_layer::Actor actor);
  // The client's X-Request-Id when it sends a valid one, else a new one.
  std::variant<std::string, InvalidInput> request_id_of(const Request& request);
  awaitable<Response> get_allocations(std::string_view orderid);
  awaitable<Response> get_product(std::string_view sku);
  void shut_down();
};

void HttpServer::Impl::bind() {
  boost::system::error_code error;
  auto address =
      asio::ip::make_address(settings.host == "localhost" ? "127.0.0.1" : settings.host, error);
  std::string name = settings.host + ":" + std::to_string(settings.port);
  if (error) throw ListenError{"cannot listen on " + name + ": not an IP address"};
  if (settings.authenticator == nullptr && !address.is_loopback()) {
    throw ListenError{"refusing to listen on " + name +
                      " without authentication: anyone who reaches it could change stock. "
                      "Use --auth on (tokens come from `allocation token create`), or listen on "
                      "127.0.0.1"};
  }
  tcp::endpoint endpoint{address, settings.port};
  if (acceptor.open(endpoint.protocol(), error) ||
      acceptor.set_option(tcp::acceptor::reuse_address(true), error) ||
      acceptor.bind(endpoint, error) ||
      acceptor.listen(asio::socket_base::max_listen_connections, error)) {
    throw ListenError{"cannot listen on " + name + ": " + error.message()};
  }
}

awaitable<void> HttpServer::Impl::accept_connections() {
  asio::steady_timer pause{io};
  while (!stopping) {
    auto [error, socket] = co_await acceptor.async_accept(use_tuple);
    if (error == asio::error::operation_aborted) break;
    if (error) {
      // Out of file descriptors, typically: wait for connections to close rather than spin.
      spdlog::warn("msg=\"accept failed\" error=\"{}\"", error.message());
      pause.expires_after(std::chrono::milliseconds{100});
      co_await pause.async_wait(use_tuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), error);
    if (connections.size() >= settings.connections_max) {
      asio::co_spawn(io, refuse_connection(std::move(socket)), asio::detached);
      continue;
    }
    asio::co_spawn(io, serve(std::move(socket)), asio::detached);
  }
}

awaitable<void> HttpServer::Impl::serve(tcp::socket socket) {
  beast::tcp_stream stream{std::move(socket)};
  auto connection = connections.insert(connections.end(), Connection{&stream});
  beast::flat_buffer buffer;
  for (std::size_t requests = 1; !stopping; ++requests) {
    if (buffer.size() == 0) {
      // A small read while idle, so that an idle connection holds little memory.
      constexpr std::size_t idle_read_bytes = 512;
      stream.expires_after(settings.idle_timeout);
      auto [idle_error, received] =
          co_await stream.async_read_some(buffer.prepare(idle_read_bytes), use_tuple);
      if (idle_error) break;
      buffer.commit(received);
    }
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.header_bytes_max));
    parser.body_limit(settings.body_bytes_max);
    stream.expires_after(settings.header_timeout);
    auto [header_error, _] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
    std::optional<Response> refusal;
    bool request_read = false;
    if (header_error) {
      refusal = refusal_for(header_error);
    } else if (parser.get().target().size() > settings.url_bytes_max) {
      refusal = message_response(
          bhttp::status::uri_too_long,
          "request URL is longer than " + std::to_string(settings.url_bytes_max) + " bytes");
    } else {
      stream.expires_after(settings.body_timeout);
      auto [body_error, __] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      if (body_error) refusal = refusal_for(body_error);
      request_read = !body_error;
    }
    if (!request_read) {
      if (refusal) co_await send_and_close(stream, std::move(*refusal));
      break;
    }
    connection->handling_request = true;
    auto request_id = request_id_of(parser.get());
    Response response;
    if (const auto* invalid = std::get_if<InvalidInput>(&request_id)) {
      response = message_response(bhttp::status::bad_request, invalid->message);
    } else {
      response = co_await route(parser.get(), std::get<std::string>(request_id));
      response.set("X-Request-Id", std::get<std::string>(request_id));
    }
    connection->handling_request = false;
    response.keep_alive(parser.get().keep_alive() && !stopping &&
                        requests < settings.requests_per_connection_max);
    response.prepare_payload();
    count(response);
    stream.expires_after(settings.write_timeout);
    auto [write_error, ___] = co_await bhttp::async_write(stream, response, use_tuple);
    if (write_error || !response.keep_alive()) break;
  }
  connections.erase(connection);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (stopping && connections.empty()) shutdown_deadline.cancel();
}

std::optional<Response> HttpServer::Impl::refusal_for(const boost::system::error_code& error) {
  if (error == bhttp::error::body_limit) {
    return message_response(
        bhttp::status::payload_too_large,
        "request body is larger than " + std::to_string(settings.body_bytes_max) + " bytes");
  }
  if (error == bhttp::error::header_limit) {
    return message_response(
        bhttp::status::request_header_fields_too_large,
        "request header is larger than " + std::to_string(settings.header_bytes_max) + " bytes");
  }
  if (error.category() == http_error_category && error != bhttp::error::end_of_stream &&
      error != bhttp::error::partial_message) {
    return message_response(bhttp::status::bad_request,
                            "malformed HTTP request: " + error.message());
  }
  return std::nullopt;
}

void HttpServer::Impl::count(const Response& response) {
  auto status_class = response.result_int() / 100;
  if (status_class >= 1 && status_class <= 5) ++responses_by_class[status_class - 1];
}

awaitable<void> HttpServer::Impl::send_and_close(beast::tcp_stream& stream, Response response) {
  response.keep_alive(false);
  response.prepare_payload();
  count(response);
  stream.expires_after(settings.write_timeout);
  auto [write_error, _] = co_await bhttp::async_write(stream, response, use_tuple);
  if (write_error) co_return;
  // Reads what the client still sends until it closes too (briefly): closing with unread data
  // would reset the connection, and the client could lose the response.
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 1024> discarded;
  stream.expires_after(std::chrono::seconds{1});
  for (;;) {
    auto [read_error, __] = co_await stream.async_read_some(asio::buffer(discarded), use_tuple);
    if (read_error) break;
  }
}

awaitable<void> HttpServer::Impl::refuse_connection(tcp::socket socket) {
  beast::tcp_stream stream{std::move(socket)};
  Response response =
      message_response(bhttp::status::service_unavailable,
                       "the server has " + std::to_string(settings.connections_max) +
                           " connections open, its limit; try again later");
  response.set(bhttp::field::retry_after, "1");
  co_await send_and_close(stream, std::move(response));
}

std::variant<std::string, InvalidInput> HttpServer::Impl::request_id_of(const Request& request) {
  auto given = request.find("X-Request-Id");
  if (given == request.end()) return request_id_prefix + "-" + std::to_string(++requests_received);
  return decode_request_id(given->value(), settings.input);
}

awaitable<Response> HttpServer::Impl::route(const Request& request, const std::string& request_id) {
  std::optional<service_layer::Identity> identity;
  if (settings.authenticator != nullptr) {
    auto refuse = [](std::string_view message) {
      Response response = message_response(bhttp::status::unauthorized, message);
      response.set(bhttp::field::www_authenticate, "Bearer");
      return response;
    };
    auto authorization = request[bhttp::field::authorization];
    if (authorization.empty()) {
      co_return refuse("authentication required: send Authorization: Bearer <token>");
    }
    constexpr std::string_view scheme = "Bearer ";
    if (!authorization.starts_with(scheme)) {
      co_return refuse("unsupported authorization scheme: send Authorization: Bearer <token>");
    }
    identity = settings.authenticator->authenticate(authorization.substr(scheme.size()));
    if (!identity) co_return refuse("invalid or revoked token");
    auto wait = rate_limiter.admit(identity->name, RateLimiter::Clock::now());
    if (wait > RateLimiter::Clock::duration::zero()) {
      auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
      Response response = message_response(
          bhttp::status::too_many_requests,
          "token " + identity->name + " is over its limit of " +
              std::to_string(static_cast<std::int64_t>(settings.token_requests_per_second_max)) +
              " requests a second; retry after " + std::to_string(seconds) + " s");
      response.set(bhttp::field::retry_after, std::to_string(seconds));
      co_return response;
    }
  }

  auto url = boost::urls::parse_origin_form(request.target());
  if (!url) co_return message_response(bhttp::status::bad_request, "malformed request target");
  std::vector<std::string> segments(url->segments().begin(), url->segments().end());
  auto method = request.method();

  // Refuses a route to a token whose role is below `needed`.
  auto permitted = [&](service_layer::Role needed) -> std::optional<Response> {
    if (!identity || identity->role >= needed) return std::nullopt;
    return message_response(
        bhttp::status::forbidden,
        "a token of role " + std::string{service_layer::role_name(identity->role)} + " may not " +
            std::string{request.method_string()} + " " + std::string{url->path()} +
            "; it needs role " + std::string{service_layer::role_name(needed)});
  };
  using service_layer::Role;
  service_layer::Actor actor{identity ? identity->name : "", request_id};

  auto only = [&](bhttp::verb allowed) -> std::optional<Response> {
    if (method == allowed) return std::nullopt;
    Response response = message_response(bhttp::status::method_not_allowed,
                                         "method " + std::string{request.method_string()} +
                                             " is not allowed on " + std::string{url->path()} +
                                             "; use " + std::string{bhttp::to_string(allowed)});
    response.set(bhttp::field::allow, bhttp::to_string(allowed));
    return response;
  };

  if (segments.size() == 1) {
    const std::string& name = segments[0];
    if (name == "add_batch") {
      if (auto refusal = only(bhttp::verb::post)) co_return *refusal;
      if (auto refusal = permitted(Role::admin)) co_return *refusal;
      co_return co_await handle_command(decode_create_batch(request.body(), settings.input),
                                        bhttp::status::created, std::move(actor));
    }
    if (name == "allocate") {
      if (auto refusal = only(bhttp::verb::post)) co_return *refusal;
      if (auto refusal = permitted(Role::allocator)) co_return *refusal;
      co_return co_await handle_command(decode_allocate(request.body(), settings.input),
                                        bhttp::status::accepted, std::move(actor));
    }
    if (name == "change_batch_quantity") {
      if (auto refusal = only(bhttp::verb::post)) co_return *refusal;
      if (auto refusal = permitted(Role::admin)) co_return *refusal;
      co_return co_await handle_command(
          decode_change_batch_quantity(request.body(), settings.input), bhttp::status::ok,
          std::move(actor));
    }
    if (name == "healthz") {
      if (auto refusal = only(bhttp::verb::get)) co_return *refusal;
      co_return json_response(bhttp::status::ok, json::object{{"status", "ok"}});
    }
    if (name == "metrics") {
      if (auto refusal = only(bhttp::verb::get)) co_return *refusal;
      if (auto refusal = permitted(Role::reader)) co_return *refusal;
      Response response{bhttp::status::ok, 11};
      response.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.body() =
          prometheus_text(commands.statistics(),
                          {connections.size(), settings.connections_max, responses_by_class});
      co_return response;
    }
  }
  if (segments.size() == 2 && segments[0] == "allocations") {
    if (auto refusal = only(bhttp::verb::get)) co_return *refusal;
    if (auto refusal = permitted(Role::reader)) co_return *refusal;
    co_return co_await get_allocations(segments[1]);
  }
  if (segments.size() == 2 && segments[0] == "products") {
    if (auto refusal = only(bhttp::verb::get)) co_return *refusal;
    if (auto refusal = permitted(Role::reader)) co_return *refusal;
    co_return co_await get_product(segments[1]);
  }
  co_return message_response(
      bhttp::status::not_found,
      "no route for " + std::string{request.method_string()} + " " + std::string{url->path()});
}

template <class Command>
awaitable<Response> HttpServer::Impl::handle_command(const Decoded<Command>& decoded,
                                                     bhttp::status success,
                                                     service_layer::Actor actor) {
  if (const auto* invalid = std::get_if<InvalidInput>(&decoded)) {
    co_return message_response(bhttp::status::bad_request, invalid->message);
  }
  service_layer::Outcome outcome = co_await async_handle(commands, std::get<Command>(decoded),
                                                         std::move(actor), asio::use_awaitable);
  if (const auto* rejection = std::get_if<service_layer::Rejection>(&outcome)) {
    co_return rejection_response(*rejection);
  }
  co_return text_response(success, "OK");
}

awaitable<Response> HttpServer::Impl::get_allocations(std::string_view orderid) {
  auto checked = decode_identifier("orderid", orderid, settings.input);
  if (const auto* invalid = std::get_if<InvalidInput>(&checked)) {
    co_return message_response(bhttp::status::bad_request, invalid->message);
  }
  std::vector<service_layer::AllocationView> rows;
  try {
    rows = co_await asio::co_spawn(
        reader, query_allocations(read_model, std::get<std::string>(checked)), asio::use_awaitable);
  } catch (const service_layer::ServiceError& error) {
    co_return rejection_response({error.kind(), error.what()});
  }
  if (rows.empty()) co_return text_response(bhttp::status::not_found, "not found");
  json::array body;
  body.reserve(rows.size());
  for (const auto& row : rows)
    body.push_back(json::object{{"sku", row.sku}, {"batchref", row.batchref}});
  co_return json_response(bhttp::status::ok, body);
}

awaitable<Response> HttpServer::Impl::get_product(std::string_view sku) {
  auto checked = decode_identifier("sku", sku, settings.input);
  if (const auto* invalid = std::get_if<InvalidInput>(&checked)) {
    co_return message_response(bhttp::status::bad_request, invalid->message);
  }
  const std::string& name = std::get<std::string>(checked);
  std::vector<service_layer::BatchView> rows;
  try {
    rows = co_await asio::co_spawn(reader, query_batches(read_model, name), asio::use_awaitable);
  } catch (const service_layer::ServiceError& error) {
    co_return rejection_response({error.kind(), error.what()});
  }
  if (rows.empty()) co_return message_response(bhttp::status::not_found, "Unknown sku " + name);
  json::array batches;
  batches.reserve(rows.size());
  for (const auto& row : rows) {
    json::value eta = nullptr;
    if (row.eta) eta = json::string{*row.eta};
    batches.push_back(json::object{{"ref", row.reference},
                                   {"eta", eta},
                                   {"purchased", row.purchased_quantity},
                                   {"available", row.available_quantity}});
  }
  co_return json_response(bhttp::status::ok, json::object{{"sku", name}, {"batches", batches}});
}

void HttpServer::Impl::shut_down() {
  if (stopping) return;
  stopping = true;
  spdlog::info("msg=\"shutting down\" open_connections={}", connections.size());
  boost::system::error_code ignored;
  acceptor.close(ignored);
  for (Connection& connection : connections) {
    if (!connection.handling_request) connection.stream->cancel();
  }
  if (connections.empty()) return;
  shutdown_deadline.expires_after(settings.shutdown_grace);
  shutdown_deadline.async_wait([this](const boost::system::error_code& cancelled) {
    if (cancelled) return;
    spdlog::warn(
        "msg=\"closing requests still in flight after the grace period\" open_connections={}",
        connections.size());
    io.stop();
  });
}

HttpServer::HttpServer(service_layer::GroupCommitter& commands,
                       service_layer::ReadModelReader& read_model, ServerSettings settings)
    : impl_{std::make_unique<Impl>(commands, read_model, std::move(settings))} {
  impl_->bind();
}

HttpServer::~HttpServer() { impl_->reader.join(); }

std::string HttpServer::local_address() const {
  auto endpoint = impl_->acceptor.local_endpoint();
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void HttpServer::run() {
  Impl& impl = *impl_;
  asio::signal_set signals{impl.io, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    spdlog::info("msg=\"signal received\" signal={}", signal);
    impl.shut_down();
  });
  asio::co_spawn(impl.io, impl.accept_connections(), asio::detached);
  spdlog::info("msg=\"listening\" address={}", local_address());
  impl.io.run();
}

}  // namespace allocation::entrypoints::http
