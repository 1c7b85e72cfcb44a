#include <ostream>
#include <string>
#include <vector>

#include "domain/commands.hpp"
#include "domain/events.hpp"

namespace allocation::domain {

namespace {

void print_value(std::ostream& out, const std::string& text) { out << text; }
void print_value(std::ostream& out, std::int64_t number) { out << number; }
void print_value(std::ostream& out, const std::optional<Date>& date) {
  if (date) {
    out << *date;
  } else {
    out << "null";
  }
}

void print_value(std::ostream& out, events::DeallocationReason reason) {
  out << events::name_of(reason);
}
void print_value(std::ostream& out, events::HoldReleaseReason reason) {
  out << events::name_of(reason);
}
void print_value(std::ostream& out, Instant instant) { out << rfc3339(instant); }
void print_value(std::ostream& out, bool flag) { out << (flag ? "true" : "false"); }
void print_value(std::ostream& out, const std::optional<std::int64_t>& number) {
  if (number) {
    out << *number;
  } else {
    out << "null";
  }
}
void print_value(std::ostream& out, const std::vector<commands::RequestedLine>& lines) {
  out << "[";
  const char* separator = "";
  for (const auto& line : lines) {
    out << separator << line.sku << " x" << line.qty << (line.split ? " split" : "");
    separator = ", ";
  }
  out << "]";
}
// A count: an import's batches are too many to read in a log line.
void print_value(std::ostream& out, const std::vector<commands::CreateBatch>& batches) {
  out << batches.size() << " batches";
}
void print_value(std::ostream& out, const std::vector<std::string>& texts) {
  out << "[";
  const char* separator = "";
  for (const std::string& text : texts) {
    out << separator << text;
    separator = ", ";
  }
  out << "]";
}

template <class Message>
void print(std::ostream& out, const Message& message) {
  out << Message::name << "(";
  const char* separator = "";
  Message::each_field(message, [&](std::string_view field, const auto& value) {
    out << separator << field << "=";
    print_value(out, value);
    separator = ", ";
  });
  out << ")";
}

}  // namespace

std::string_view name_of(const Event& event) {
  return std::visit([](const auto& e) { return e.name; }, event);
}

}  // namespace allocation::domain

namespace allocation::domain::events {

std::string_view name_of(DeallocationReason reason) {
  switch (reason) {
    case DeallocationReason::quantity_changed:
      return "quantity_changed";
    case DeallocationReason::cancelled:
      return "cancelled";
  }
  return "quantity_changed";
}

std::optional<DeallocationReason> deallocation_reason_named(std::string_view name) {
  for (auto reason : {DeallocationReason::quantity_changed, DeallocationReason::cancelled}) {
    if (name_of(reason) == name) return reason;
  }
  return std::nullopt;
}

std::string_view name_of(HoldReleaseReason reason) {
  switch (reason) {
    case HoldReleaseReason::cancelled:
      return "cancelled";
    case HoldReleaseReason::expired:
      return "expired";
    case HoldReleaseReason::quantity_changed:
      return "quantity_changed";
  }
  return "cancelled";
}

std::optional<HoldReleaseReason> hold_release_reason_named(std::string_view name) {
  for (auto reason : {HoldReleaseReason::cancelled, HoldReleaseReason::expired,
                      HoldReleaseReason::quantity_changed}) {
    if (name_of(reason) == name) return reason;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, const Event& event) {
  std::visit([&](const auto& e) { print(out, e); }, event);
  return out;
}

}  // namespace allocation::domain::events

namespace allocation::domain::commands {

std::ostream& operator<<(std::ostream& out, const Command& command) {
  std::visit([&](const auto& c) { print(out, c); }, command);
  return out;
}

}  // namespace allocation::domain::commands
