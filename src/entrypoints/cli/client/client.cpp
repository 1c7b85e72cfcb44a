#include "entrypoints/cli/client/client.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "entrypoints/cli/client/verbs.hpp"

namespace allocation::cli {

namespace json = boost::json;
using client::Exchange;
using client::HttpReply;

namespace {

struct ClientOptions {
  std::string url = "http://127.0.0.1:5005";
  std::string token;
  bool json = false;
  std::string idempotency_key;
  int retries = 3;
  double timeout_seconds = 10;
};

enum ExitCode { done = 0, refused = 1, unreachable = 3 };

// 128 random bits, so that no two invocations share a key.
std::string fresh_idempotency_key() {
  constexpr std::string_view digits = "0123456789abcdef";
  std::random_device random;
  std::string key = "cli-";
  for (int i = 0; i < 32; ++i) key += digits[random() % digits.size()];
  return key;
}

// Sends the exchange's call, again after a connection failure or a 503 (with the same
// Idempotency-Key, so that a change is made once) up to `retries` times; throws Unreachable
// when no attempt got an answer.
HttpReply answer_to(const ClientOptions& options, Exchange& exchange) {
  auto server = client::ServerAddress::parse(options.url);
  auto& headers = exchange.call.headers;
  if (!options.token.empty()) headers.emplace_back("Authorization", "Bearer " + options.token);
  if (exchange.call.method == "POST") {
    headers.emplace_back("Idempotency-Key", options.idempotency_key.empty()
                                                ? fresh_idempotency_key()
                                                : options.idempotency_key);
  }
  auto timeout = std::chrono::milliseconds{static_cast<long>(options.timeout_seconds * 1000)};
  std::chrono::milliseconds backoff{200};
  for (int attempt = 0;; ++attempt) {
    bool last = attempt == options.retries;
    try {
      HttpReply reply = client::exchange(server, exchange.call, timeout);
      if (reply.status != 503 || exchange.unavailable_is_an_answer || last) return reply;
      if (reply.retry_after)
        backoff = std::max(backoff, std::chrono::milliseconds{*reply.retry_after * 1000});
    } catch (const client::Unreachable&) {
      if (last) throw;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
  }
}

// The answer's message, or its text.
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

int run(const ClientOptions& options, Exchange exchange) {
  HttpReply reply;
  try {
    reply = answer_to(options, exchange);
  } catch (const client::Unreachable& error) {
    std::cerr << "allocation: " << error.what() << "\n";
    return unreachable;
  }
  bool success = reply.status >= 200 && reply.status < 300;
  bool unavailable = reply.status == 503 && !exchange.unavailable_is_an_answer;
  int code = success ? done : unavailable ? unreachable : refused;
  bool is_json = reply.content_type.starts_with("application/json");
  if (options.json) {
    std::cout << (is_json ? reply.body : json::serialize(json::object{{"message", reply.body}}))
              << "\n";
    return code;
  }
  if (!success && !exchange.unavailable_is_an_answer) {
    std::cerr << "allocation: " << message_of(reply) << " (HTTP " << reply.status << ")\n";
    return code;
  }
  if (is_json && exchange.show) {
    exchange.show(std::cout, json::parse(reply.body));
  } else {
    std::cout << reply.body << (reply.body.ends_with('\n') ? "" : "\n");
  }
  return code;
}

}  // namespace

Subcommand add_client_command(CLI::App& app) {
  auto options = std::make_shared<ClientOptions>();
  CLI::App* command = app.add_subcommand("client", "Call a running server's API");
  command->require_subcommand(1);
  command->fallthrough();
  command->add_option("--url", options->url, "The server, http://HOST:PORT")
      ->envname(environment_variable("--url"))
      ->capture_default_str();
  command->add_option("--token", options->token, "A bearer token for the server")
      ->envname(environment_variable("--token"));
  command->add_flag("--json", options->json, "Print the server's answer as JSON");
  command->add_option("--idempotency-key", options->idempotency_key,
                      "The Idempotency-Key of a change (default: a new one per invocation), "
                      "to retry an earlier invocation safely");
  command
      ->add_option("--retries", options->retries,
                   "Tries again after no answer or a 503, this many times, with the same key")
      ->check(CLI::Range(0, 10))
      ->capture_default_str();
  command->add_option("--timeout", options->timeout_seconds, "Seconds to wait for each answer")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  auto verbs = std::make_shared<std::vector<client::Verb>>(client::add_verbs(*command));
  return {command, [options, verbs] {
            for (const client::Verb& verb : *verbs) {
              if (*verb.command) return run(*options, verb.exchange());
            }
            return 2;
          }};
}

}  // namespace allocation::cli
