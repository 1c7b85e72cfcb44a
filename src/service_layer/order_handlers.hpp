#pragma once

#include "domain/commands.hpp"
#include "domain/date.hpp"
#include "service_layer/handlers.hpp"
#include "service_layer/unit_of_work.hpp"

// The commands of an order's life beyond the book's single lines, each deciding at `now`.
namespace allocation::service_layer::order_handlers {

// Whole, or not at all; the same order again changes nothing, another with its id is refused.
CommandResult place_order(const domain::commands::PlaceOrder& command, UnitOfWork& uow,
                          domain::Instant now);
// Refused when the order holds nothing, its hold expired, or more is asked than it holds.
CommandResult confirm_order(const domain::commands::ConfirmOrder& command, UnitOfWork& uow,
                            domain::Instant now);
CommandResult cancel_order(const domain::commands::CancelOrder& command, UnitOfWork& uow,
                           domain::Instant now);
// All of the order's lines, or none: a held line, or one in transit, refuses the shipment.
CommandResult ship_order(const domain::commands::ShipOrder& command, UnitOfWork& uow,
                         domain::Instant now);
CommandResult release_expired_holds(const domain::commands::ReleaseExpiredHolds& command,
                                    UnitOfWork& uow, domain::Instant now);

}  // namespace allocation::service_layer::order_handlers
