#include "entrypoints/python/values.hpp"

#include <chrono>
#include <cmath>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace allocation::entrypoints::python {

using namespace pybind11::literals;

namespace {

// Imported once and kept for the life of the process: destroying it after the interpreter
// has finalised would be undefined.
py::handle module_named(const char* name) { return py::module_::import(name).release(); }

py::handle datetime_module() {
  static py::handle module = module_named("datetime");
  return module;
}

py::handle events_module() {
  static py::handle module = module_named("allocation.domain.events");
  return module;
}

py::object epoch() {
  static py::handle epoch =
      datetime_module()
          .attr("datetime")(1970, 1, 1, "tzinfo"_a = datetime_module().attr("timezone").attr("utc"))
          .release();
  return py::reinterpret_borrow<py::object>(epoch);
}

std::string type_error(const char* name, const char* expected, py::handle value) {
  return std::string{name} + " must be " + expected + ", not " +
         py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

struct FieldToPython {
  py::dict& fields;

  template <class Value>
  void operator()(const char* name, const Value& value) const {
    if constexpr (std::is_enum_v<Value>) {
      fields[name] = std::string{domain::events::name_of(value)};
    } else if constexpr (std::is_same_v<Value, std::optional<domain::Date>> ||
                         std::is_same_v<Value, domain::Instant>) {
      fields[name] = to_python(value);
    } else {
      fields[name] = value;
    }
  }
};

template <class Message>
py::list field_names() {
  py::list names;
  const Message message{};
  Message::each_field(message, [&](const char* name, const auto&) { names.append(name); });
  return names;
}

template <class... Messages>
py::dict fields_of(std::variant<Messages...>* /*type*/) {
  py::dict fields;
  ((fields[py::str(std::string{Messages::name})] = field_names<Messages>()), ...);
  return fields;
}

}  // namespace

std::optional<domain::Date> date_from(py::handle value, const char* name) {
  if (value.is_none()) return std::nullopt;
  py::handle date_type = datetime_module().attr("date");
  if (!py::isinstance(value, date_type) ||
      py::isinstance(value, datetime_module().attr("datetime"))) {
    throw py::type_error(type_error(name, "a datetime.date or None", value));
  }
  auto year = value.attr("year").cast<int>();
  auto month = value.attr("month").cast<unsigned>();
  auto day = value.attr("day").cast<unsigned>();
  return domain::Date{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
}

py::object to_python(const std::optional<domain::Date>& date) {
  if (!date) return py::none();
  auto day = date->day();
  return datetime_module().attr("date")(static_cast<int>(day.year()),
                                        static_cast<unsigned>(day.month()),
                                        static_cast<unsigned>(day.day()));
}

domain::Instant instant_from(py::handle value, const char* name) {
  if (!py::isinstance(value, datetime_module().attr("datetime"))) {
    throw py::type_error(type_error(name, "a datetime.datetime", value));
  }
  double seconds = value.attr("timestamp")().cast<double>();
  return domain::Instant{std::chrono::milliseconds{std::llround(seconds * 1000)}};
}

domain::Instant now_or(py::handle now) {
  if (now.is_none()) {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  return instant_from(now, "now");
}

py::object to_python(domain::Instant instant) {
  auto milliseconds = instant.time_since_epoch().count();
  return epoch() + datetime_module().attr("timedelta")("milliseconds"_a = milliseconds);
}

void append_events(py::list& events, std::vector<domain::Event> taken) {
  for (const domain::Event& event : taken) {
    std::visit(
        [&](const auto& recorded) {
          using Recorded = std::decay_t<decltype(recorded)>;
          py::dict fields;
          Recorded::each_field(recorded, FieldToPython{fields});
          events.append(events_module().attr(Recorded::name.data())(**fields));
        },
        event);
  }
}

py::dict event_fields() { return fields_of(static_cast<domain::Event*>(nullptr)); }

py::dict command_fields() { return fields_of(static_cast<domain::Command*>(nullptr)); }

void bind_values(py::module_& module) {
  module.def("event_fields", &event_fields,
             "The fields of every event the domain records, by event name, in order.");
  module.def("command_fields", &command_fields,
             "The fields of every command the service handles, by command name, in order.");
}

}  // namespace allocation::entrypoints::python
