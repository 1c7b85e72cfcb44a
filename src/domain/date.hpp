#pragma once

#include <chrono>
#include <compare>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace allocation::domain {

// A calendar date, written and read as ISO 8601 `YYYY-MM-DD`.
class Date {
 public:
  constexpr explicit Date(std::chrono::year_month_day day) : day_{day} {}

  // Accepts exactly `YYYY-MM-DD` naming a real calendar day.
  static std::optional<Date> parse_iso(std::string_view text);

  [[nodiscard]] std::string iso() const;
  [[nodiscard]] constexpr std::chrono::year_month_day day() const { return day_; }

  friend constexpr auto operator<=>(const Date&, const Date&) = default;
  friend std::ostream& operator<<(std::ostream& out, const Date& date) { return out << date.iso(); }

 private:
  std::chrono::year_month_day day_;
};

// A moment, to the millisecond: when a hold expires, and the time the service tells it by.
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// RFC 3339 in UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
std::string rfc3339(Instant instant);
// Accepts exactly the form rfc3339() writes.
std::optional<Instant> parse_rfc3339(std::string_view text);

}  // namespace allocation::domain
