#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace allocation::cli::client {

// Where a server listens, from `http://HOST:PORT`.
struct ServerAddress {
  std::string host;
  std::string port;
  // Throws UsageError for anything but an http URL with a host (and a port, 80 if none).
  static ServerAddress parse(const std::string& url);
};

struct HttpCall {
  std::string method;
  std::string target;  // path and query, percent-encoded
  std::string body;    // JSON; empty: none
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
  // Seconds the server asked the client to wait before trying again.
  std::optional<int> retry_after;
};

// The server could not be reached, or did not answer in time.
class Unreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sends `call` on a connection of its own and returns the reply; throws Unreachable when
// connecting, sending or reading fails or takes longer than `timeout` in all.
HttpReply exchange(const ServerAddress& server, const HttpCall& call,
                   std::chrono::milliseconds timeout);

}  // namespace allocation::cli::client
