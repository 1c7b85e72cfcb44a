#include <pybind11/pybind11.h>
#include <spdlog/spdlog.h>

#include "entrypoints/python/embedded_service.hpp"
#include "entrypoints/python/model_objects.hpp"
#include "entrypoints/python/values.hpp"

// allocation._core: what the Python package `allocation` takes from C++. Its Python modules
// give each part its place: allocation.domain.model, allocation.Service.
PYBIND11_MODULE(_core, module) {
  using namespace allocation::entrypoints::python;
  module.attr("__version__") = ALLOCATION_VERSION;
  // A library speaks through what it returns and raises: the service's log says only what
  // goes wrong (storage failing, events not delivered).
  spdlog::set_level(spdlog::level::warn);
  bind_values(module);
  bind_order_line(module);
  bind_batch(module);
  bind_product(module);
  bind_embedded_service(module);
}
