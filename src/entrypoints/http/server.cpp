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
#include <list>
#include <memory>
#include <optional>

#include "common/thread_name.hpp"
#include "entrypoints/http/request_awaiting.hpp"
#include "entrypoints/http/request_handler.hpp"
#include "entrypoints/http/routes.hpp"

namespace allocation::entrypoints::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::ip::tcp;
using WireResponse = bhttp::response<bhttp::string_body>;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using asio::use_awaitable;
const auto& http_error_category = bhttp::make_error_code(bhttp::error::bad_target).category();

WireResponse to_wire(Response response) {
  WireResponse wire{static_cast<bhttp::status>(response.status), 11};
  wire.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) wire.set(name, value);
  wire.body() = std::move(response.body);
  return wire;
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServicePorts service, ServerSettings settings)
      : settings{std::move(settings)},
        figures{std::move(service.figures)},
        handler{api_routes(
                    {service.commands, service.clock, query_on_reader(service.read_model),
                     [this] { return metrics_text(); }, service.broker_problems,
                     service.check_consistency,
                     [this](std::function<void()> check) { asio::post(checker, std::move(check)); },
                     this->settings.input}),
                Access{this->settings.authenticator, this->settings.token_requests_per_second_max},
                this->settings.input, this->settings.access_log_level} {
    asio::post(reader, [] { name_this_thread("reader"); });
    asio::post(checker, [] { name_this_thread("checker"); });
  }

  struct Connection {
    beast::tcp_stream* stream;
    bool handling_request = false;
  };

  ServerSettings settings;
  std::function<ServiceFigures()> figures;
  asio::io_context io{1};
  asio::thread_pool reader{1};
  // Consistency checks, one at a time: a long one holds up no query.
  asio::thread_pool checker{1};
  RequestHandler handler;
  tcp::acceptor acceptor{io};
  std::list<Connection> connections;
  bool stopping = false;
  // Responses sent, by the first digit of their status.
  std::array<std::uint64_t, 5> responses_by_class{};
  // Ends a shutdown whose in-flight requests outlast the grace period.
  asio::steady_timer shutdown_deadline{io};

  // Runs queries on the reader thread, so that the event loop never waits on storage.
  std::function<void(std::function<void(service_layer::ReadModelReader&)>)> query_on_reader(
      service_layer::ReadModelReader& read_model) {
    return [this, &read_model](std::function<void(service_layer::ReadModelReader&)> query) {
      asio::post(reader, [&read_model, query = std::move(query)] { query(read_model); });
    };
  }
  // Called on the event loop, where the connection figures live.
  std::string metrics_text() {
    return prometheus_text(figures(),
                           {connections.size(), settings.connections_max, responses_by_class});
  }

  void bind();
  awaitable<void> accept_connections();
  awaitable<void> serve(tcp::socket socket);
  // Reads one request; nullopt when the connection is to close, after `refusal_for`'s answer.
  awaitable<std::optional<Request>> read_request(beast::tcp_stream& stream,
                                                 beast::flat_buffer& buffer);
  // The answer to a request that could not be read, or nullopt when there is no one to answer.
  std::optional<Response> refusal_for(const boost::system::error_code& error);
  awaitable<void> send_and_close(beast::tcp_stream& stream, WireResponse response);
  void count(const WireResponse& response);
  awaitable<void> refuse_connection(tcp::socket socket);
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
    std::optional<Request> request = co_await read_request(stream, buffer);
    if (!request) break;
    connection->handling_request = true;
    HttpRequest received = decoded(*request);
    if (handler.presents_unknown_token(received)) co_await until_refreshed(*settings.authenticator);
    WireResponse response = to_wire(co_await async_handle(handler, received, use_awaitable));
    connection->handling_request = false;
    response.keep_alive(request->keep_alive() && !stopping &&
                        requests < settings.requests_per_connection_max);
    response.prepare_payload();
    if (request->method() == bhttp::verb::head) {
      // The header of the GET, without its body.
      auto length = response.body().size();
      response.body().clear();
      response.content_length(length);
    }
    count(response);
    stream.expires_after(settings.write_timeout);
    auto [write_error, _] = co_await bhttp::async_write(stream, response, use_tuple);
    if (write_error || !response.keep_alive()) break;
  }
  connections.erase(connection);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (stopping && connections.empty()) shutdown_deadline.cancel();
}

awaitable<std::optional<Request>> HttpServer::Impl::read_request(beast::tcp_stream& stream,
                                                                 beast::flat_buffer& buffer) {
  if (buffer.size() == 0) {
    // A small read while idle, so that an idle connection holds little memory.
    constexpr std::size_t idle_read_bytes = 512;
    stream.expires_after(settings.idle_timeout);
    auto [idle_error, received] =
        co_await stream.async_read_some(buffer.prepare(idle_read_bytes), use_tuple);
    if (idle_error) co_return std::nullopt;
    buffer.commit(received);
  }
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(settings.header_bytes_max));
  parser.body_limit(settings.body_bytes_max);
  stream.expires_after(settings.header_timeout);
  auto [header_error, _] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
  std::optional<Response> refusal;
  if (header_error) {
    refusal = refusal_for(header_error);
  } else if (parser.get().target().size() > settings.url_bytes_max) {
    refusal = message_response(
        Status::uri_too_long,
        "request URL is longer than " + std::to_string(settings.url_bytes_max) + " bytes");
  } else {
    if (!parser.is_done() && parser.get().version() >= 11 &&
        beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      // The client waits for this before it sends the body.
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
      stream.expires_after(settings.write_timeout);
      auto [continue_error, ___] = co_await bhttp::async_write(stream, go_on, use_tuple);
      if (continue_error) co_return std::nullopt;
    }
    stream.expires_after(settings.body_timeout);
    auto [body_error, __] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    if (!body_error) co_return parser.release();
    refusal = refusal_for(body_error);
  }
  if (refusal) co_await send_and_close(stream, to_wire(std::move(*refusal)));
  co_return std::nullopt;
}

std::optional<Response> HttpServer::Impl::refusal_for(const boost::system::error_code& error) {
  if (error == bhttp::error::body_limit) {
    return message_response(
        Status::payload_too_large,
        "request body is larger than " + std::to_string(settings.body_bytes_max) + " bytes");
  }
  if (error == bhttp::error::header_limit) {
    return message_response(
        Status::request_header_fields_too_large,
        "request header is larger than " + std::to_string(settings.header_bytes_max) + " bytes");
  }
  if (error.category() == http_error_category && error != bhttp::error::end_of_stream &&
      error != bhttp::error::partial_message) {
    return message_response(Status::bad_request, "malformed HTTP request: " + error.message());
  }
  return std::nullopt;
}

void HttpServer::Impl::count(const WireResponse& response) {
  auto status_class = response.result_int() / 100;
  if (status_class >= 1 && status_class <= 5) ++responses_by_class[status_class - 1];
}

awaitable<void> HttpServer::Impl::send_and_close(beast::tcp_stream& stream, WireResponse response) {
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
      message_response(Status::service_unavailable,
                       "the server has " + std::to_string(settings.connections_max) +
                           " connections open, its limit; try again later")
          .with_header("Retry-After", "1");
  co_await send_and_close(stream, to_wire(std::move(response)));
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

HttpServer::HttpServer(ServicePorts service, ServerSettings settings)
    : impl_{std::make_unique<Impl>(std::move(service), std::move(settings))} {
  impl_->bind();
}

HttpServer::~HttpServer() {
  impl_->reader.join();
  impl_->checker.join();
}

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
