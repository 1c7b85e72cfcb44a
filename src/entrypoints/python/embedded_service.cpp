#include "entrypoints/python/embedded_service.hpp"

#include <pybind11/stl.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "bootstrap/bootstrap.hpp"
#include "entrypoints/http/metrics.hpp"
#include "entrypoints/http/request_handler.hpp"
#include "entrypoints/http/routes.hpp"

namespace allocation::entrypoints::python {

namespace py = pybind11;
using namespace pybind11::literals;
namespace asio = boost::asio;

namespace {

class EmbeddedService {
 public:
  explicit EmbeddedService(const std::string& database_url)
      : database_url_{database_url}, service_{settings(database_url)}, handler_{make_handler()} {}
  EmbeddedService(const EmbeddedService&) = delete;
  EmbeddedService& operator=(const EmbeddedService&) = delete;
  ~EmbeddedService() { close(); }

  // Waits for the answer with the GIL released.
  py::tuple request(const std::string& method, const std::string& target, const std::string& body,
                    const std::optional<std::string>& key) {
    std::promise<http::Response> answered;
    auto answer = answered.get_future();
    {
      py::gil_scoped_release released;
      handle(method, target, body, key,
             [&](http::Response response) { answered.set_value(std::move(response)); });
      answer.wait();
    }
    return to_python(answer.get());
  }

  // Calls `done(status, body)` once, with the GIL, from a thread of the service (or from this
  // one, for a request refused at once).
  void submit(const std::string& method, const std::string& target, const std::string& body,
              const std::optional<std::string>& key, py::function done) {
    std::shared_ptr<py::function> callback{new py::function{std::move(done)},
                                           [](py::function* function) {
                                             py::gil_scoped_acquire held;
                                             delete function;
                                           }};
    py::gil_scoped_release released;
    handle(method, target, body, key, [callback](http::Response response) {
      py::gil_scoped_acquire held;
      try {
        (*callback)(*to_python(std::move(response)));
      } catch (py::error_already_set& error) {
        error.discard_as_unraisable("allocation: a request's completion");
      }
    });
  }

  // Answers every request already made, then stops; later requests are refused.
  void close() {
    if (closed_.exchange(true)) return;
    // Without the GIL, which the completions of requests still in flight need.
    py::gil_scoped_release released;
    std::lock_guard lock{mutex_};  // after a request being handed over
    service_.stop();
    reader_.join();
  }

 private:
  static bootstrap::ServiceSettings settings(const std::string& database_url) {
    bootstrap::ServiceSettings settings;
    settings.database_url = database_url;
    return settings;
  }

  http::RequestHandler make_handler() {
    http::ApiPorts ports{
        service_.commands(),
        service_.clock(),
        [this](std::function<void(service_layer::ReadModelReader&)> query) {
          asio::post(reader_, [this, query = std::move(query)] { query(service_.read_model()); });
        },
        [this] { return http::prometheus_text(service_.figures(), {}); },
        [this] { return service_.broker_problems(); },
        [this](domain::Instant now) { return bootstrap::check_database(database_url_, now); },
        [this](std::function<void()> check) { asio::post(reader_, std::move(check)); },
        http::InputLimits{}};
    return http::RequestHandler{http::api_routes(ports), http::Access{nullptr, 0}, {}};
  }

  void handle(const std::string& method, const std::string& target, const std::string& body,
              const std::optional<std::string>& key, http::Respond respond) {
    std::lock_guard lock{mutex_};
    if (closed_) {
      respond(http::message_response(http::Status::service_unavailable, "the service is closed"));
      return;
    }
    std::optional<std::string_view> idempotency_key;
    if (key) idempotency_key = *key;
    handler_.handle(http::HttpRequest{method, target, "", std::nullopt, idempotency_key, body,
                                      "application/json"},
                    std::move(respond));
  }

  static py::tuple to_python(http::Response response) {
    return py::make_tuple(static_cast<int>(response.status), py::bytes(response.body));
  }

  std::string database_url_;
  bootstrap::Service service_;
  asio::thread_pool reader_{1};
  http::RequestHandler handler_;
  std::mutex mutex_;  // the handler is used by one thread at a time
  std::atomic<bool> closed_ = false;
};

}  // namespace

void bind_embedded_service(py::module_& module) {
  py::register_exception<bootstrap::InvalidConfiguration>(module, "InvalidConfiguration",
                                                          PyExc_ValueError);
  py::class_<EmbeddedService>{module, "EmbeddedService"}
      .def(py::init<const std::string&>(), "database_url"_a)
      .def("request", &EmbeddedService::request, "method"_a, "target"_a, "body"_a,
           "idempotency_key"_a = py::none())
      .def("submit", &EmbeddedService::submit, "method"_a, "target"_a, "body"_a,
           "idempotency_key"_a, "done"_a)
      .def("close", &EmbeddedService::close);
}

}  // namespace allocation::entrypoints::python
