#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace allocation::domain {

// A customer's request for `qty` units of `sku`. A value: two lines with the same
// three fields are the same line.
struct OrderLine {
  std::string orderid;
  std::string sku;
  std::int64_t qty = 0;

  friend bool operator==(const OrderLine&, const OrderLine&) = default;
  friend std::ostream& operator<<(std::ostream& out, const OrderLine& line) {
    return out << "OrderLine(" << line.orderid << ", " << line.sku << ", " << line.qty << ")";
  }
};

}  // namespace allocation::domain

template <>
struct std::hash<allocation::domain::OrderLine> {
  std::size_t operator()(const allocation::domain::OrderLine& line) const noexcept {
    std::size_t seed = std::hash<std::string>{}(line.orderid);
    seed ^= std::hash<std::string>{}(line.sku) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    seed ^= std::hash<std::int64_t>{}(line.qty) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    return seed;
  }
};
