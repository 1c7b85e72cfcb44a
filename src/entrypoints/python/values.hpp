#pragma once

#include <pybind11/pybind11.h>

#include <optional>
#include <vector>

#include "domain/commands.hpp"
#include "domain/date.hpp"
#include "domain/events.hpp"

// Python's own types for the domain's values: datetime.date for a Date, an aware
// datetime.datetime for an Instant, and the dataclasses of allocation.domain.events.
namespace allocation::entrypoints::python {

namespace py = pybind11;

// None, or a datetime.date that is not a datetime.datetime; TypeError otherwise.
std::optional<domain::Date> date_from(py::handle value, const char* name);
py::object to_python(const std::optional<domain::Date>& date);

// None: the system clock's time. A datetime.datetime as Python reads it (a naive one in local
// time); TypeError for anything else.
domain::Instant instant_from(py::handle value, const char* name);
domain::Instant now_or(py::handle now);
// An aware datetime in UTC.
py::object to_python(domain::Instant instant);

// Appends each event, as the dataclass of allocation.domain.events of its name.
void append_events(py::list& events, std::vector<domain::Event> taken);

// {name: [field, ...]} of every event the domain records, in each event's field order.
py::dict event_fields();
// Likewise for every command the service handles.
py::dict command_fields();

void bind_values(py::module_& module);

}  // namespace allocation::entrypoints::python
