#include "adapters/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>

#include <array>
#include <boost/json.hpp>
#include <stdexcept>

#include "common/thread_name.hpp"

namespace allocation::adapters {

namespace {

std::string hex(const unsigned char* bytes, std::size_t size) {
  constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0xf];
  }
  return text;
}

}  // namespace

std::string new_token() {
  std::array<unsigned char, 32> random{};
  std::size_t filled = 0;
  while (filled < random.size()) {
    ssize_t got = ::getrandom(random.data() + filled, random.size() - filled, 0);
    if (got < 0) throw std::runtime_error{"cannot read random bytes from the kernel"};
    filled += static_cast<std::size_t>(got);
  }
  return "alloc_" + hex(random.data(), random.size());
}

std::string token_hash(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error{"SHA-256 failed"};
  }
  return hex(digest.data(), size);
}

std::string token_details(const std::string& name, std::optional<service_layer::Role> role) {
  boost::json::object details{{"name", name}};
  if (role) details["role"] = service_layer::role_name(*role);
  return boost::json::serialize(details);
}

TokenAuthenticator::TokenAuthenticator(std::unique_ptr<service_layer::TokenStore> store,
                                       std::chrono::milliseconds refresh)
    : store_{std::move(store)}, refresh_{refresh} {
  reload();
  thread_ = std::thread{[this] {
    name_this_thread("token-refresh");
    run();
  }};
}

TokenAuthenticator::~TokenAuthenticator() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void TokenAuthenticator::reload() {
  std::unordered_map<std::string, service_layer::Identity> fresh;
  for (auto& [hash, identity] : store_->active_hashes()) fresh.emplace(hash, identity);
  std::unique_lock lock{tokens_mutex_};
  identities_by_hash_ = std::move(fresh);
}

void TokenAuthenticator::record_uses() {
  std::unordered_map<std::string, std::int64_t> uses;
  {
    std::lock_guard lock{uses_mutex_};
    uses.swap(uses_);
  }
  if (uses.empty()) return;
  try {
    store_->record_uses({uses.begin(), uses.end()});
  } catch (const std::exception& error) {
    spdlog::warn("msg=\"when tokens were last used was not stored\" error=\"{}\"", error.what());
  }
}

void TokenAuthenticator::run() {
  std::unique_lock lock{mutex_};
  auto last = std::chrono::steady_clock::now();
  while (true) {
    wake_.wait_until(lock, last + refresh_, [&] { return stopping_ || refresh_asked_; });
    if (!stopping_ && refresh_asked_) {
      wake_.wait_until(lock, last + refresh_gap_min, [&] { return stopping_; });
    }
    if (stopping_) break;
    refresh_asked_ = false;
    auto refresh = ++refreshes_begun_;
    lock.unlock();
    try {
      reload();
    } catch (const std::exception& error) {
      spdlog::warn("msg=\"tokens not reloaded; keeping the last ones\" error=\"{}\"", error.what());
    }
    record_uses();
    lock.lock();
    last = std::chrono::steady_clock::now();
    refreshes_ended_.store(refresh);
  }
  lock.unlock();
  record_uses();
}

std::uint64_t TokenAuthenticator::refresh_soon() const {
  std::uint64_t refresh = 0;
  {
    std::lock_guard lock{mutex_};
    refresh_asked_ = true;
    // One begun already may have read the tokens before this token was stored.
    refresh = refreshes_begun_ + 1;
  }
  wake_.notify_one();
  return refresh;
}

bool TokenAuthenticator::refreshed(std::uint64_t refresh) const {
  return refreshes_ended_.load() >= refresh;
}

std::optional<service_layer::Identity> TokenAuthenticator::authenticate(
    std::string_view bearer_token) const {
  // Only hashes are compared, never the secret itself, and the final comparison takes the
  // same time whatever the bytes.
  std::string presented = token_hash(bearer_token);
  std::shared_lock lock{tokens_mutex_};
  auto found = identities_by_hash_.find(presented);
  if (found == identities_by_hash_.end()) return std::nullopt;
  if (CRYPTO_memcmp(found->first.data(), presented.data(), presented.size()) != 0) {
    return std::nullopt;
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  std::lock_guard uses_lock{uses_mutex_};
  uses_.insert_or_assign(found->second.name, now.count());
  return found->second;
}

}  // namespace allocation::adapters
