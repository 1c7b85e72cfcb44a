#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "service_layer/identity.hpp"

namespace allocation::adapters {

// A new API token: 256 random bits from the kernel, printable.
std::string new_token();

// The SHA-256 of a token, in hex: what is stored instead of the token.
std::string token_hash(std::string_view token);

// The audit record of a token change: its name, and its role when created.
std::string token_details(const std::string& name, std::optional<service_layer::Role> role);

// Knows the active tokens from memory, re-read from the store every `refresh` on a thread of
// its own, so that a revoked token stops working within that time and a request never waits
// on storage. The same thread stores when each token was last used.
class TokenAuthenticator final : public service_layer::Authenticator {
 public:
  TokenAuthenticator(std::unique_ptr<service_layer::TokenStore> store,
                     std::chrono::milliseconds refresh);
  TokenAuthenticator(const TokenAuthenticator&) = delete;
  TokenAuthenticator& operator=(const TokenAuthenticator&) = delete;
  ~TokenAuthenticator() override;

  std::optional<service_layer::Identity> authenticate(std::string_view bearer_token) const override;

 private:
  void reload();
  // Stores when each token used since the last time was last presented.
  void record_uses();
  void run();

  std::unique_ptr<service_layer::TokenStore> store_;
  std::chrono::milliseconds refresh_;
  mutable std::shared_mutex tokens_mutex_;
  std::unordered_map<std::string, service_layer::Identity> identities_by_hash_;
  mutable std::mutex uses_mutex_;
  // By token name: milliseconds since the epoch.
  mutable std::unordered_map<std::string, std::int64_t> uses_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace allocation::adapters
