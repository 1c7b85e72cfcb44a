#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace allocation::service_layer {

// What a token may do; each role may do everything the ones before it may.
enum class Role {
  reader,     // read routes
  allocator,  // allocate, and read
  admin,      // batches, quantity changes, and everything else
};

std::optional<Role> parse_role(std::string_view text);
std::string_view role_name(Role role);

struct Identity {
  std::string name;
  Role role = Role::reader;
  friend bool operator==(const Identity&, const Identity&) = default;
};

// On whose behalf a command runs, for the audit trail.
struct Actor {
  std::string token_name;  // empty when authentication is off
  std::string request_id;  // empty when the command did not come from an HTTP request
  friend bool operator==(const Actor&, const Actor&) = default;
};

struct AuditEntry {
  std::string at;
  std::string token_name;
  std::string request_id;
  std::string action;
  std::string details;
};

// The append-only record of changes, newest last.
class AuditReader {
 public:
  virtual ~AuditReader() = default;
  virtual std::vector<AuditEntry> recent(std::size_t limit) = 0;
};

struct TokenRecord {
  std::string name;
  Role role = Role::reader;
  std::string created_at;
  std::optional<std::string> revoked_at;
  std::optional<std::string> last_used_at;
};

// API tokens, stored only as hashes.
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // False when a token of that name exists (revoked ones included: names are never reused).
  // Each change is recorded in the audit trail, in the same transaction, as done by `actor`.
  virtual bool create(const std::string& name, Role role, const std::string& token_hash,
                      const Actor& actor) = 0;
  // False when no active token has that name.
  virtual bool revoke(const std::string& name, const Actor& actor) = 0;
  // Every token, revoked ones included, by name.
  virtual std::vector<TokenRecord> all() = 0;
  // When each named token was last presented, as milliseconds since the epoch.
  virtual void record_uses(const std::vector<std::pair<std::string, std::int64_t>>& uses) = 0;
  // The active tokens, by hash.
  virtual std::vector<std::pair<std::string, Identity>> active_hashes() = 0;
};

// Tells who presents a bearer token, without waiting on storage.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::optional<Identity> authenticate(std::string_view bearer_token) const = 0;
  // Asks for the tokens to be read again soon, for a token that may be newer than what is
  // known; returns the refresh that will know it. However often it is asked, storage is read
  // at most a few times a second.
  virtual std::uint64_t refresh_soon() const = 0;
  // Whether the refresh `refresh_soon` named has happened (or failed).
  [[nodiscard]] virtual bool refreshed(std::uint64_t refresh) const = 0;
};

}  // namespace allocation::service_layer
