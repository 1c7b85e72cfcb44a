#pragma once

#include <string>

#include "entrypoints/cli/client/http_exchange.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace allocation::cli::client {

// How a command that talks to a running server reaches it.
struct ServerOptions {
  std::string url = "http://127.0.0.1:5005";
  std::string token;
  bool json = false;
  int retries = 3;
  double timeout_seconds = 10;
};

// --url, --token (and their environment variables), --json, --retries and --timeout.
void add_server_options(CLI::App& command, ServerOptions& options);

// The exit codes of the commands that talk to a server (2 is a usage problem, as everywhere).
enum ExitCode { done = 0, refused = 1, unreachable = 3 };

// 128 random bits after `prefix`, so that no two invocations share a key.
std::string fresh_idempotency_key(const std::string& prefix);

// Sends `call` with the token, again after a connection failure or a 503 (with the same
// headers, so a change with an Idempotency-Key is made once) up to `retries` times, unless
// `unavailable_is_an_answer`; throws Unreachable when no attempt got an answer.
HttpReply answer_to(const ServerOptions& options, HttpCall call,
                    bool unavailable_is_an_answer = false);

// The answer's message, or its text.
std::string message_of(const HttpReply& reply);

}  // namespace allocation::cli::client
