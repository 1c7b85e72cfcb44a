#pragma once

namespace allocation {

// Builds a visitor for std::visit out of one lambda per alternative.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Needed by compilers without class template argument deduction for aggregates (clang 14).
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace allocation
