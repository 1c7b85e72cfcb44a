#include "domain/date.hpp"

#include <array>
#include <cstdio>

namespace allocation::domain {

namespace {

std::optional<int> parse_digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<Date> Date::parse_iso(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = parse_digits(text.substr(0, 4));
  auto month = parse_digits(text.substr(5, 2));
  auto day = parse_digits(text.substr(8, 2));
  if (!year || !month || !day) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year{*year},
                                   std::chrono::month{static_cast<unsigned>(*month)},
                                   std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  return Date{date};
}

std::string Date::iso() const {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(day_.year()),
                static_cast<unsigned>(day_.month()), static_cast<unsigned>(day_.day()));
  return text.data();
}

std::string rfc3339(Instant instant) {
  auto day = std::chrono::floor<std::chrono::days>(instant);
  std::chrono::hh_mm_ss time{instant - day};
  std::array<char, 8> milliseconds{};
  std::snprintf(milliseconds.data(), milliseconds.size(), ".%03dZ",
                static_cast<int>(time.subseconds().count()));
  std::array<char, 16> clock{};
  std::snprintf(clock.data(), clock.size(), "T%02d:%02d:%02d",
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return Date{std::chrono::year_month_day{day}}.iso() + clock.data() + milliseconds.data();
}

std::optional<Instant> parse_rfc3339(std::string_view text) {
  if (text.size() != 24 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  auto date = Date::parse_iso(text.substr(0, 10));
  auto hours = parse_digits(text.substr(11, 2));
  auto minutes = parse_digits(text.substr(14, 2));
  auto seconds = parse_digits(text.substr(17, 2));
  auto milliseconds = parse_digits(text.substr(20, 3));
  if (!date || !hours || !minutes || !seconds || !milliseconds || *hours > 23 || *minutes > 59 ||
      *seconds > 59) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date->day()} + std::chrono::hours{*hours} +
         std::chrono::minutes{*minutes} + std::chrono::seconds{*seconds} +
         std::chrono::milliseconds{*milliseconds};
}

}  // namespace allocation::domain
