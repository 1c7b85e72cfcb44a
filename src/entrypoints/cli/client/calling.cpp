#include "entrypoints/cli/client/calling.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <random>
#include <thread>

#include "entrypoints/cli/options.hpp"

namespace allocation::cli::client {

namespace json = boost::json;

void add_server_options(CLI::App& command, ServerOptions& options) {
  command.add_option("--url", options.url, "The server, http://HOST:PORT")
      ->envname(environment_variable("--url"))
      ->capture_default_str();
  command.add_option("--token", options.token, "A bearer token for the server")
      ->envname(environment_variable("--token"));
  command.add_flag("--json", options.json, "Print the server's answer as JSON");
  command
      .add_option("--retries", options.retries,
                  "Tries again after no answer or a 503, this many times, with the same key")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command.add_option("--timeout", options.timeout_seconds, "Seconds to wait for each answer")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
}

std::string fresh_idempotency_key(const std::string& prefix) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::random_device random;
  std::string key = prefix;
  for (int i = 0; i < 32; ++i) key += digits[random() % digits.size()];
  return key;
}

HttpReply answer_to(const ServerOptions& options, HttpCall call, bool unavailable_is_an_answer) {
  auto server = ServerAddress::parse(options.url);
  if (!options.token.empty()) {
    call.headers.emplace_back("Authorization", "Bearer " + options.token);
  }
  auto timeout = std::chrono::milliseconds{static_cast<long>(options.timeout_seconds * 1000)};
  std::chrono::milliseconds backoff{200};
  for (int attempt = 0;; ++attempt) {
    bool last = attempt == options.retries;
    try {
      HttpReply reply = exchange(server, call, timeout);
      if (reply.status != 503 || unavailable_is_an_answer || last) return reply;
      if (reply.retry_after) {
        backoff = std::max(backoff, std::chrono::milliseconds{*reply.retry_after * 1000});
      }
    } catch (const Unreachable&) {
      if (last) throw;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
  }
}

std::string message_of(const HttpReply& reply) {
  json::error_code error;
  json::value body = json::parse(reply.body, error);
  if (!error && body.is_object()) {
    if (const auto* message = body.as_object().if_contains("message");
        message && message->is_string()) {
      return std::string{message->get_string()};
    }
  }
  return reply.body;
}

}  // namespace allocation::cli::client
