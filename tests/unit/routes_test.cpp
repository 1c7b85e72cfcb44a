// The HTTP API without a socket: the route table, and requests through the RequestHandler
// that the server hands each request it reads.
#include "entrypoints/http/routes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <future>
#include <map>
#include <set>
#include <tuple>

#include "common/process_figures.hpp"
#include "entrypoints/http/openapi_document.hpp"
#include "entrypoints/http/request_handler.hpp"
#include "fakes/fake_unit_of_work.hpp"
#include "fakes/settable_clock.hpp"
#include "service_layer/message_bus.hpp"

namespace allocation::entrypoints::http {
namespace {

using service_layer::Identity;
using service_layer::Role;

class FakeAuthenticator final : public service_layer::Authenticator {
 public:
  std::optional<Identity> authenticate(std::string_view bearer_token) const override {
    auto found = identities_.find(std::string{bearer_token});
    if (found == identities_.end()) return std::nullopt;
    return found->second;
  }
  std::uint64_t refresh_soon() const override { return 0; }
  [[nodiscard]] bool refreshed(std::uint64_t /*refresh*/) const override { return true; }

 private:
  std::map<std::string, Identity> identities_{{"reader-token", {"dashboard", Role::reader}},
                                              {"allocator-token", {"shop", Role::allocator}},
                                              {"admin-token", {"erp", Role::admin}}};
};

class RoutesTest : public ::testing::Test {
 protected:
  ApiPorts ports() {
    return {committer,
            clock,
            [this](std::function<void(service_layer::ReadModelReader&)> query) { query(uow); },
            [] { return std::string{"allocation_up 1\n"}; },
            [this] { return broker_problems; },
            [](domain::Instant) { return std::vector<service_layer::Drift>{}; },
            [](std::function<void()> check) { check(); },
            {}};
  }

  // The response to `method target` with `body`, as `token` (none: no Authorization).
  // With `key`, as Idempotency-Key.
  Response request(std::string_view method, std::string_view target, std::string_view body = "",
                   std::string_view token = "admin-token",
                   std::optional<std::string_view> key = std::nullopt) {
    std::string authorization = token.empty() ? "" : "Bearer " + std::string{token};
    std::promise<Response> responded;
    handler.handle(HttpRequest{method, target, authorization, std::nullopt, key, body, ""},
                   [&](Response response) { responded.set_value(std::move(response)); });
    return responded.get_future().get();
  }

  testing::SettableClock clock;
  testing::FakeUnitOfWork uow;
  std::vector<std::string> broker_problems;
  service_layer::MessageBus bus{uow, service_layer::default_handlers(clock)};
  service_layer::GroupCommitter committer{uow, bus, clock, {}};
  FakeAuthenticator authenticator;
  RequestHandler handler{api_routes(ports()), Access{&authenticator, 1000}, {}};
};

TEST_F(RoutesTest, EachRouteHasItsMethodAndTheLeastRoleThatMayUseIt) {
  std::vector<std::tuple<std::string_view, std::string_view, std::optional<Role>>> routes;
  for (const Route& route : handler.routes().routes()) {
    routes.emplace_back(route.method, route.pattern, route.role);
  }
  EXPECT_EQ(routes,
            (std::vector<std::tuple<std::string_view, std::string_view, std::optional<Role>>>{
                {"POST", "/add_batch", Role::admin},
                {"POST", "/batches", Role::admin},
                {"POST", "/allocate", Role::allocator},
                {"POST", "/change_batch_quantity", Role::admin},
                {"POST", "/change_batch_eta", Role::admin},
                {"GET", "/allocations/{orderid}", Role::reader},
                {"GET", "/products", Role::reader},
                {"GET", "/products/{sku}", Role::reader},
                {"POST", "/orders", Role::allocator},
                {"GET", "/orders/{orderid}", Role::reader},
                {"POST", "/orders/{orderid}/confirm", Role::allocator},
                {"POST", "/orders/{orderid}/cancel", Role::allocator},
                {"POST", "/orders/{orderid}/ship", Role::admin},
                {"GET", "/admin/check", Role::admin},
                {"GET", "/healthz", std::nullopt},
                {"GET", "/readyz", std::nullopt},
                {"GET", "/metrics", Role::reader},
                {"GET", "/openapi.json", std::nullopt},
                {"GET", "/docs", std::nullopt},
                {"GET", "/docs/redoc.standalone.js", std::nullopt},
            }));
}

// The document names every route of the table with its least role, and no other.
TEST_F(RoutesTest, TheOpenApiDocumentHasEveryRouteAndNoOther) {
  std::set<std::tuple<std::string, std::string, std::string>> in_table;
  for (const Route& route : handler.routes().routes()) {
    std::string method{route.method};
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    in_table.emplace(method, route.pattern,
                     route.role ? std::string{service_layer::role_name(*route.role)} : "");
  }
  std::set<std::tuple<std::string, std::string, std::string>> in_document;
  auto document = boost::json::parse(openapi_document()).as_object();
  for (const auto& [path, operations] : document.at("paths").as_object()) {
    for (const auto& [method, operation] : operations.as_object()) {
      const auto* role = operation.as_object().if_contains("x-allocation-role");
      in_document.emplace(std::string{method}, std::string{path},
                          role ? std::string{role->as_string()} : "");
    }
  }
  EXPECT_EQ(in_table, in_document);
  EXPECT_EQ(document.at("openapi").as_string(), "3.1.0");
  EXPECT_EQ(document.at("info").at("version").as_string(), allocation::version);
}

TEST_F(RoutesTest, AnUnknownPathIsNotFound) {
  for (std::string_view target : {"/", "/nope", "/healthz/extra", "/allocations", "/a/b/c"}) {
    Response response = request("GET", target);
    EXPECT_EQ(response.status, Status::not_found) << target;
    EXPECT_EQ(response.body, R"({"message":"no route for GET )" + std::string{target} + R"("})");
  }
}

TEST_F(RoutesTest, AMethodThePathDoesNotTakeIsNotAllowedAndAllowSaysWhichItTakes) {
  Response get_add_batch = request("GET", "/add_batch");
  EXPECT_EQ(get_add_batch.status, Status::method_not_allowed);
  EXPECT_EQ(get_add_batch.header("Allow"), "POST");
  EXPECT_EQ(get_add_batch.body,
            R"({"message":"method GET is not allowed on /add_batch; use POST"})");
  Response delete_allocations = request("DELETE", "/allocations/o1");
  EXPECT_EQ(delete_allocations.status, Status::method_not_allowed);
  EXPECT_EQ(delete_allocations.header("Allow"), "GET");
  EXPECT_EQ(request("POST", "/healthz").header("Allow"), "GET");
}

TEST_F(RoutesTest, ATokenBelowARoutesRoleIsForbidden) {
  Response response = request("POST", "/add_batch", "{}", "allocator-token");
  EXPECT_EQ(response.status, Status::forbidden);
  EXPECT_EQ(
      response.body,
      R"({"message":"a token of role allocator may not POST /add_batch; it needs role admin"})");
  EXPECT_EQ(request("POST", "/allocate", "{}", "reader-token").status, Status::forbidden);
  EXPECT_EQ(request("POST", "/allocate", "{}", "allocator-token").status, Status::bad_request);
  EXPECT_EQ(request("GET", "/metrics", "", "reader-token").status, Status::ok);
}

TEST_F(RoutesTest, NoTokenOrAnUnknownOneIsUnauthorized) {
  Response missing = request("GET", "/metrics", "", "");
  EXPECT_EQ(missing.status, Status::unauthorized);
  EXPECT_EQ(missing.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(request("GET", "/metrics", "", "stolen").status, Status::unauthorized);
  // Authentication comes before routing: an unknown path tells a stranger nothing.
  EXPECT_EQ(request("GET", "/nope", "", "").status, Status::unauthorized);
}

TEST_F(RoutesTest, LivenessIsOpenToAnyoneAndAnswersHead) {
  EXPECT_EQ(request("GET", "/healthz", "", "").status, Status::ok);
  EXPECT_EQ(request("GET", "/healthz?probe=lb", "", "stolen").status, Status::ok);
  EXPECT_EQ(request("HEAD", "/healthz", "", "").status, Status::ok);
  EXPECT_EQ(request("HEAD", "/metrics", "", "").status, Status::unauthorized);
  EXPECT_EQ(request("HEAD", "/metrics", "", "reader-token").status, Status::ok);
  EXPECT_EQ(request("POST", "/healthz", "", "").status, Status::unauthorized);
}

TEST_F(RoutesTest, ReadinessWritesToStorageAndNamesWhatIsNotReady) {
  Response ready = request("GET", "/readyz", "", "");
  EXPECT_EQ(ready.status, Status::ok);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
  EXPECT_EQ(uow.write_checks.load(), 1);
  broker_problems = {"Redis at 127.0.0.1:6379 is unreachable"};
  Response unready = request("GET", "/readyz", "", "");
  EXPECT_EQ(unready.status, Status::service_unavailable);
  EXPECT_EQ(unready.body,
            R"({"status":"not ready","message":"not ready: Redis at 127.0.0.1:6379 is )"
            R"(unreachable","problems":["Redis at 127.0.0.1:6379 is unreachable"]})");
}

TEST_F(RoutesTest, EveryResponseNamesItsRequestId) {
  EXPECT_FALSE(request("GET", "/healthz").header("X-Request-Id").empty());
  EXPECT_FALSE(request("GET", "/nope").header("X-Request-Id").empty());
  EXPECT_FALSE(request("GET", "/healthz", "", "").header("X-Request-Id").empty());
}

TEST_F(RoutesTest, CommandsAreAnsweredOnceDurableAndQueriesFromTheReadModel) {
  EXPECT_EQ(
      request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})").status,
      Status::created);
  Response allocated = request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":3})");
  EXPECT_EQ(allocated.status, Status::accepted);
  EXPECT_EQ(allocated.body, "OK");
  EXPECT_GE(uow.syncs.load(), 2);
  Response listed = request("GET", "/allocations/o1");
  EXPECT_EQ(listed.status, Status::ok);
  EXPECT_EQ(listed.content_type, "application/json");
  EXPECT_EQ(listed.body, R"([{"sku":"LAMP","batchref":"b1"}])");
  EXPECT_EQ(
      request("GET", "/products/LAMP").body,
      R"({"sku":"LAMP","batches":[{"ref":"b1","eta":null,"purchased":10,"allocated":3,"held":0,"available":7}]})");
}

TEST_F(RoutesTest, TheStockListIsPagedBySkuWithEachSkusTotals) {
  request("POST", "/batches",
          R"({"batches":[{"ref":"b1","sku":"LAMP","qty":10},{"ref":"b2","sku":"LAMP","qty":5},)"
          R"({"ref":"b3","sku":"RUG","qty":4},{"ref":"b4","sku":"TABLE","qty":1}]})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":3})");
  Response first = request("GET", "/products?limit=2");
  EXPECT_EQ(first.status, Status::ok);
  EXPECT_EQ(first.body,
            R"({"products":[{"sku":"LAMP","purchased":15,"allocated":3,"held":0,"available":12},)"
            R"({"sku":"RUG","purchased":4,"allocated":0,"held":0,"available":4}],"next":"RUG"})");
  EXPECT_EQ(
      request("GET", "/products?after=RUG&limit=2").body,
      R"({"products":[{"sku":"TABLE","purchased":1,"allocated":0,"held":0,"available":1}],"next":null})");
  EXPECT_EQ(request("GET", "/products?limit=0").status, Status::bad_request);
}

TEST_F(RoutesTest, AShipmentThatArrivesMovesToTheFrontOfItsProduct) {
  request("POST", "/add_batch", R"({"ref":"late","sku":"LAMP","qty":10,"eta":"2027-03-01"})");
  request("POST", "/add_batch", R"({"ref":"early","sku":"LAMP","qty":10,"eta":"2027-02-01"})");
  Response arrived = request("POST", "/change_batch_eta", R"({"ref":"late","eta":null})");
  EXPECT_EQ(arrived.status, Status::ok);
  EXPECT_EQ(arrived.body, "OK");
  EXPECT_EQ(
      request("GET", "/products/LAMP").body,
      R"({"sku":"LAMP","batches":[{"ref":"late","eta":null,"purchased":10,"allocated":0,"held":0,"available":10},)"
      R"({"ref":"early","eta":"2027-02-01","purchased":10,"allocated":0,"held":0,"available":10}]})");
  EXPECT_EQ(request("POST", "/change_batch_eta", R"({"ref":"nope","eta":null})").body,
            R"({"message":"Unknown batch nope"})");
  EXPECT_EQ(request("POST", "/change_batch_eta", R"({"ref":"late","eta":null})", "allocator-token")
                .status,
            Status::forbidden);
}

TEST_F(RoutesTest, AnOrderIsShownAndCancelledWithItsLinesStates) {
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":10,"eta":"2027-02-01"})");
  request("POST", "/add_batch", R"({"ref":"r1","sku":"RUG","qty":10,"eta":null})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":3})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"RUG","qty":1})");
  EXPECT_EQ(request("GET", "/orders/o1", "", "reader-token").body,
            R"({"orderid":"o1","status":"allocated","lines":[)"
            R"({"sku":"LAMP","qty":3,"batchref":"b1","eta":"2027-02-01","state":"allocated"},)"
            R"({"sku":"RUG","qty":1,"batchref":"r1","eta":null,"state":"allocated"}]})");
  Response partly = request("POST", "/orders/o1/cancel", R"({"skus":["RUG"]})", "allocator-token");
  EXPECT_EQ(partly.status, Status::ok);
  EXPECT_EQ(partly.body,
            R"({"orderid":"o1","status":"partial","lines":[)"
            R"({"sku":"LAMP","qty":3,"batchref":"b1","eta":"2027-02-01","state":"allocated"},)"
            R"({"sku":"RUG","qty":1,"batchref":null,"eta":null,"state":"cancelled"}]})");
  Response all = request("POST", "/orders/o1/cancel", "", "allocator-token");
  EXPECT_EQ(all.status, Status::ok);
  EXPECT_NE(all.body.find(R"("status":"cancelled")"), std::string::npos);
  EXPECT_EQ(request("GET", "/orders/nope").body, R"({"message":"Unknown order nope"})");
  EXPECT_EQ(request("POST", "/orders/nope/cancel").status, Status::not_found);
  EXPECT_EQ(request("POST", "/orders/o1/cancel", R"({"skus":[]})").body,
            R"({"message":"field 'skus' must be a non-empty array of strings"})");
  EXPECT_EQ(request("POST", "/orders/o1/cancel", "", "reader-token").status, Status::forbidden);
  EXPECT_EQ(request("GET", "/orders/o1/cancel").header("Allow"), "POST");
}

TEST_F(RoutesTest, AnOrderShipsFromTheWarehouseAndNotFromAShipment) {
  request("POST", "/add_batch", R"({"ref":"s1","sku":"LAMP","qty":10,"eta":null})");
  request("POST", "/add_batch", R"({"ref":"t1","sku":"RUG","qty":10,"eta":"2027-02-01"})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":3})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"RUG","qty":1})");
  Response refused = request("POST", "/orders/o1/ship");
  EXPECT_EQ(refused.status, Status::conflict);
  EXPECT_EQ(
      refused.body,
      R"json({"message":"order o1 cannot ship: its line of RUG is in batch t1, which has not )json"
      R"json(arrived (ETA 2027-02-01)"})json");
  EXPECT_EQ(request("POST", "/orders/o1/ship", "", "allocator-token").status, Status::forbidden);
  Response shipped = request("POST", "/orders/o1/ship", R"({"skus":["LAMP"]})");
  EXPECT_EQ(shipped.status, Status::ok);
  EXPECT_EQ(shipped.body,
            R"({"orderid":"o1","status":"partial","lines":[)"
            R"({"sku":"RUG","qty":1,"batchref":"t1","eta":"2027-02-01","state":"allocated"},)"
            R"({"sku":"LAMP","qty":3,"batchref":"s1","eta":null,"state":"shipped"}]})");
  EXPECT_EQ(
      request("GET", "/products/LAMP").body,
      R"({"sku":"LAMP","batches":[{"ref":"s1","eta":null,"purchased":7,"allocated":0,"held":0,"available":7}]})");
  EXPECT_EQ(request("POST", "/orders/nope/ship").status, Status::not_found);
}

TEST_F(RoutesTest, FailuresAreAnsweredWithTheirStatusAndAMessage) {
  Response unknown_sku = request("POST", "/allocate", R"({"orderid":"o1","sku":"NOPE","qty":3})");
  EXPECT_EQ(unknown_sku.status, Status::bad_request);
  EXPECT_EQ(unknown_sku.body, R"({"message":"Invalid sku NOPE"})");
  EXPECT_EQ(request("POST", "/change_batch_quantity", R"({"ref":"nope","qty":1})").status,
            Status::not_found);
  EXPECT_EQ(request("POST", "/allocate", "not json").status, Status::bad_request);
  EXPECT_EQ(request("GET", "/allocations/unknown").status, Status::not_found);
  EXPECT_EQ(request("GET", "/allocations/unknown").body, "not found");
  EXPECT_EQ(request("GET", "/products/NOPE").body, R"({"message":"Unknown sku NOPE"})");
}

TEST_F(RoutesTest, HealthAndMetricsAnswerFromMemory) {
  Response health = request("GET", "/healthz");
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  Response metrics = request("GET", "/metrics");
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(metrics.body, "allocation_up 1\n");
}

TEST_F(RoutesTest, AKeyedRequestSentAgainIsGivenTheSameReplyAndChangesNothing) {
  const char* batch = R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})";
  Response first = request("POST", "/add_batch", batch, "admin-token", "k-1");
  EXPECT_EQ(first.status, Status::created);
  EXPECT_TRUE(first.header("Idempotent-Replayed").empty());
  auto audited = uow.durable().audit.size();
  // The same body by value: keys in another order, other spaces.
  Response again =
      request("POST", "/add_batch", R"({ "eta": null, "qty": 10, "sku": "LAMP", "ref": "b1" })",
              "admin-token", "k-1");
  EXPECT_EQ(again.status, Status::created);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.content_type, first.content_type);
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(uow.durable().audit.size(), audited);
  // Without the key it is a new request, refused as before.
  EXPECT_EQ(request("POST", "/add_batch", batch).status, Status::conflict);
}

TEST_F(RoutesTest, AKeyUsedForAnotherRequestIsUnprocessable) {
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":1})", "allocator-token", "k");
  Response other = request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":2})",
                           "allocator-token", "k");
  EXPECT_EQ(other.status, Status::unprocessable_entity);
  EXPECT_EQ(other.body, R"({"message":"this Idempotency-Key was used for a different request"})");
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].allocated_quantity, 1);
  // Another path with the same body is another request too.
  EXPECT_EQ(request("POST", "/orders/o1/cancel", "", "allocator-token", "k").status,
            Status::unprocessable_entity);
}

TEST_F(RoutesTest, ARefusalIsKeptSoThatARetryNeverTurnsANoIntoALateYes) {
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":1,"eta":null})");
  const char* order = R"({"orderid":"o1","lines":[{"sku":"LAMP","qty":5}]})";
  Response refused = request("POST", "/orders", order, "allocator-token", "order-o1");
  EXPECT_EQ(refused.status, Status::conflict);
  request("POST", "/change_batch_quantity", R"({"ref":"b1","qty":50})");
  Response retried = request("POST", "/orders", order, "allocator-token", "order-o1");
  EXPECT_EQ(retried.status, Status::conflict);
  EXPECT_EQ(retried.body, refused.body);
  EXPECT_EQ(retried.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(request("POST", "/orders", order, "allocator-token", "order-o1-again").status,
            Status::created);
}

TEST_F(RoutesTest, RequestsRefusedBeforeTheyRunAreNotKept) {
  const char* order = R"({"orderid":"o1","lines":[{"sku":"LAMP","qty":1}]})";
  EXPECT_EQ(request("POST", "/orders", R"({"orderid":"o1"})", "allocator-token", "k").status,
            Status::bad_request);
  EXPECT_EQ(request("POST", "/orders", order, "dashboard-token-unknown", "k").status,
            Status::unauthorized);
  EXPECT_EQ(request("POST", "/orders", order, "reader-token", "k").status, Status::forbidden);
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":1,"eta":null})");
  EXPECT_EQ(request("POST", "/orders", order, "allocator-token", "k").status, Status::created);
}

TEST_F(RoutesTest, OneTokensKeysNeverReplayAnothersReplies) {
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})");
  const char* order = R"({"orderid":"o1","lines":[{"sku":"LAMP","qty":1}]})";
  EXPECT_EQ(request("POST", "/orders", order, "allocator-token", "k").status, Status::created);
  Response other = request("POST", "/orders", order, "admin-token", "k");
  EXPECT_EQ(other.status, Status::ok);  // handled: the order was there already
  EXPECT_TRUE(other.header("Idempotent-Replayed").empty());
}

TEST_F(RoutesTest, AKeyIsForgottenAfterItsRetention) {
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})");
  request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":1})", "allocator-token", "k");
  clock.advance(std::chrono::hours{24} + std::chrono::milliseconds{1});
  Response later = request("POST", "/allocate", R"({"orderid":"o2","sku":"LAMP","qty":1})",
                           "allocator-token", "k");
  EXPECT_EQ(later.status, Status::accepted);
  EXPECT_TRUE(later.header("Idempotent-Replayed").empty());
}

TEST_F(RoutesTest, AKeyMustBePrintableAsciiOfAtMost255Characters) {
  const char* message =
      R"({"message":"header Idempotency-Key must be 1 to 255 printable ASCII characters"})";
  for (std::string key :
       {std::string{}, std::string(256, 'k'), std::string{"k\x01"}, std::string{"caf\xc3\xa9"}}) {
    Response refused = request("POST", "/allocate", R"({"orderid":"o1","sku":"LAMP","qty":1})",
                               "admin-token", key);
    EXPECT_EQ(refused.status, Status::bad_request) << key;
    EXPECT_EQ(refused.body, message);
  }
  EXPECT_EQ(request("GET", "/healthz", "", "admin-token", "").status, Status::ok);  // POSTs only
}

TEST_F(RoutesTest, AQuantityChangeMayExpectTheQuantityItReplaces) {
  request("POST", "/add_batch", R"({"ref":"b1","sku":"LAMP","qty":10,"eta":null})");
  Response stale =
      request("POST", "/change_batch_quantity", R"({"ref":"b1","qty":5,"expected_qty":12})");
  EXPECT_EQ(stale.status, Status::conflict);
  EXPECT_EQ(stale.body,
            R"({"message":"batch b1 has qty 10, not the expected 12; nothing was changed",)"
            R"("ref":"b1","expected_qty":12,"current_qty":10})");
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].purchased_quantity, 10);
  EXPECT_EQ(
      request("POST", "/change_batch_quantity", R"({"ref":"b1","qty":5,"expected_qty":10})").status,
      Status::ok);
  EXPECT_EQ(uow.batches_for_sku("LAMP", clock.now())[0].purchased_quantity, 5);
}

}  // namespace
}  // namespace allocation::entrypoints::http
