#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/events.hpp"

namespace allocation::adapters {

// The event as a JSON object with its contract field names.
std::string to_json(const domain::Event& event);

// The event of that name written by to_json, also by an earlier release (a field it did not
// write keeps its default); nullopt when the name is not an event's, or a field has the wrong
// type.
std::optional<domain::Event> event_from_json(std::string_view name, std::string_view payload);

}  // namespace allocation::adapters
