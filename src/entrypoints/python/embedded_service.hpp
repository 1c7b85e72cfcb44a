#pragma once

#include <pybind11/pybind11.h>

// allocation._core.EmbeddedService: the service of `allocation serve` without its sockets.
// A request (method, target, JSON body, idempotency key) goes to the same routes, handlers,
// group committer and storage as one the server reads, in this process; its answer is the
// status and JSON body the server would send.
namespace allocation::entrypoints::python {

void bind_embedded_service(pybind11::module_& module);

}  // namespace allocation::entrypoints::python
