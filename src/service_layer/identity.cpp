#include "service_layer/identity.hpp"

namespace allocation::service_layer {

std::optional<Role> parse_role(std::string_view text) {
  if (text == "reader") return Role::reader;
  if (text == "allocator") return Role::allocator;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::reader:
      return "reader";
    case Role::allocator:
      return "allocator";
    case Role::admin:
      return "admin";
  }
  return "reader";
}

}  // namespace allocation::service_layer
