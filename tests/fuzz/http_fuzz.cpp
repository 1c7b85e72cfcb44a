// Sends arbitrary bytes to the real server, over a real connection, on an SQLite database, and
// checks what comes back: nothing, or whole well-formed responses one after the other (never a
// desynchronised stream), none of them a 500, and the connection closed soon after the client
// stops sending.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "bootstrap/server.hpp"

namespace {

using namespace allocation;

[[noreturn]] void fail(const char* problem, std::string_view received) {
  std::cerr << "broken: " << problem << "\nreceived: " << received << "\n";
  std::abort();
}

// The server, started once and never stopped: the process ends with the fuzzer.
bootstrap::Server* server = nullptr;

std::uint16_t server_port() {
  static const std::uint16_t port = [] {
    char directory_template[] = "/tmp/allocation-fuzz-XXXXXX";
    const char* directory = mkdtemp(directory_template);
    if (directory == nullptr) fail("cannot create a temporary directory", "");
    bootstrap::ServiceSettings service_settings;
    service_settings.database_url = std::string{"sqlite://"} + directory + "/allocation.db";
    spdlog::set_level(spdlog::level::off);
    entrypoints::http::ServerSettings settings;
    settings.port = 0;
    settings.header_timeout = std::chrono::milliseconds{500};
    settings.body_timeout = std::chrono::milliseconds{500};
    settings.idle_timeout = std::chrono::milliseconds{500};
    server = new bootstrap::Server{service_settings, settings};
    std::string address = server->local_address();
    std::uint16_t bound = 0;
    std::string_view port_text = std::string_view{address}.substr(address.rfind(':') + 1);
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), bound);
    std::thread{[] { server->run(); }}.detach();
    return bound;
  }();
  return port;
}

// Checks that `received` is a sequence of whole responses. With `head_sent`, a response may
// also be a header alone, as the answer to a HEAD request is: the next response, or the end,
// follows its header at once (no body the server writes starts with a status line).
void check_responses(std::string_view received, bool head_sent) {
  std::string_view rest = received;
  while (!rest.empty()) {
    auto header_end = rest.find("\r\n\r\n");
    if (header_end == std::string_view::npos) fail("a response ends inside its header", received);
    std::string_view header = rest.substr(0, header_end);
    if (!header.starts_with("HTTP/1.1 ") || header.size() < 12) {
      fail("a response does not start with a status line", received);
    }
    std::string_view status = header.substr(9, 3);
    if (status < "100" || status > "599") fail("a status is not a number", received);
    if (status == "500") fail("a request caused an internal error", received);
    auto length_at = header.find("\r\nContent-Length: ");
    if (length_at == std::string_view::npos) fail("a response has no Content-Length", received);
    std::string_view length_text = header.substr(length_at + 18);
    std::size_t length = 0;
    std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    std::size_t body_start = header_end + 4;
    std::string_view after_header = rest.substr(body_start);
    if (head_sent && (after_header.empty() || after_header.starts_with("HTTP/1.1 "))) {
      rest.remove_prefix(body_start);
      continue;
    }
    if (rest.size() < body_start + length) fail("a response ends inside its body", received);
    rest.remove_prefix(body_start + length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::uint16_t port = server_port();
  int connection = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int connected = connect(connection, reinterpret_cast<sockaddr*>(&address), sizeof address);
  if (connected != 0 && errno == EINTR) {
    // libFuzzer's timers interrupt the wait; the handshake goes on, so wait for its end.
    pollfd writable{connection, POLLOUT, 0};
    while (poll(&writable, 1, 5000) < 0 && errno == EINTR) {
    }
    int error = ETIMEDOUT;
    socklen_t error_bytes = sizeof error;
    if (writable.revents != 0) getsockopt(connection, SOL_SOCKET, SO_ERROR, &error, &error_bytes);
    connected = error == 0 ? 0 : -1;
    errno = error;
  }
  if (connected != 0) {
    std::string problem =
        std::string{"the server does not accept connections: "} + std::strerror(errno);
    fail(problem.c_str(), "");
  }
  timeval timeout{5, 0};
  setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  // The server may close before reading everything (after a 4xx); what it did not read is lost.
  for (std::size_t sent = 0; sent < size;) {
    ssize_t written = send(connection, data + sent, size - sent, MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;
    sent += static_cast<std::size_t>(written);
  }
  shutdown(connection, SHUT_WR);
  std::string received;
  char buffer[4096];
  for (;;) {
    ssize_t got = recv(connection, buffer, sizeof buffer, 0);
    if (got == 0) break;
    if (got < 0) {
      // libFuzzer's own timers interrupt the wait.
      if (errno == EINTR) continue;
      if (errno == ECONNRESET) break;
      fail("the server neither answered nor closed the connection", received);
    }
    received.append(buffer, static_cast<std::size_t>(got));
  }
  close(connection);
  std::string_view sent{reinterpret_cast<const char*>(data), size};
  check_responses(received, sent.find("HEAD") != std::string_view::npos);
  return 0;
}
