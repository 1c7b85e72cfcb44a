#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace allocation::service_layer {

// Counts of observed values by upper bound, with their sum: what a Prometheus histogram
// exposes. Not thread-safe; its owner guards it.
class Histogram {
 public:
  // `upper_bounds` ascending; values above the last one are counted too, as above all bounds.
  explicit Histogram(std::span<const double> upper_bounds);

  // Counts `value` `times` times.
  void observe(double value, std::uint64_t times = 1);

  [[nodiscard]] std::span<const double> upper_bounds() const { return upper_bounds_; }
  // How many observed values were at most upper_bounds()[i]; one more entry at the end for
  // all of them.
  [[nodiscard]] std::vector<std::uint64_t> cumulative_counts() const;
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] double sum() const { return sum_; }

 private:
  std::vector<double> upper_bounds_;
  std::vector<std::uint64_t> counts_;  // per bound, then above the last
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace allocation::service_layer
