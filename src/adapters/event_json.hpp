#pragma once

#include <string>
#include <string_view>

#include "domain/events.hpp"

namespace allocation::adapters {

// The event's name as other services know it ("Allocated", "OutOfStock", ...).
std::string_view event_name(const domain::Event& event);

// The event as a JSON object with its contract field names.
std::string to_json(const domain::Event& event);

}  // namespace allocation::adapters
