#pragma once

namespace allocation {

// Builds a visitor for std::visit out of one lambda per alternative.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace allocation
