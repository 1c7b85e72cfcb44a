#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
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
// on storage; and sooner when asked (refresh_soon), for a token created since. The same thread
// stores when each token was last used.
class TokenAuthenticator final : public service_layer::Authenticator {
 public:
  TokenAuthenticator(std::unique_ptr<service_layer::TokenStore> store,
                     std::chrono::milliseconds refresh);
  TokenAuthenticator(const TokenAuthenticator&) = delete;
  TokenAuthenticator& operator=(const TokenAuthenticator&) = delete;
  ~TokenAuthenticator() override;

  std::optional<service_layer::Identity> authenticate(std::string_view bearer_token) const override;
  std::uint64_t refresh_soon() const override;
  [[nodiscard]] bool refreshed(std::uint64_t refresh) const override;

  // The shortest time between two reads of the tokens, however often refresh_soon is called.
  static constexpr std::chrono::milliseconds refresh_gap_min{50};

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
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  bool stopping_ = false;
  mutable bool refresh_asked_ = false;
  // Reads of the tokens begun and ended; a read asked for is the one after those begun.
  std::uint64_t refreshes_begun_ = 0;
  std::atomic<std::uint64_t> refreshes_ended_ = 0;
  std::thread thread_;
};

}  // namespace allocation::adapters
