#include "http/router.h"

#include <map>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace rongping::http {
namespace {

Handler Returning(std::string body) {
  return [body](Request&) {
    Response response;
    response.body = body;
    return response;
  };
}

// Runs the matched handler and returns its body, or "" when none matched.
std::string Call(const Router::Match& match) {
  if (match.handler == nullptr) return "";
  Request request;
  return (*match.handler)(request).body;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/enterprises", Access::Anonymous(), Returning("list"));
    router_.Add("POST", "/api/v1/enterprises", Access::Anonymous(), Returning("create"));
    router_.Add("GET", "/api/v1/enterprises/{uscc}", Access::Anonymous(), Returning("get"));
    router_.Add("PUT", "/api/v1/enterprises/{uscc}", Access::Anonymous(), Returning("put"));
    router_.Add("GET", "/api/v1/rounds/{round}/progress", Access::Anonymous(), Returning("progress"));
    router_.Add("GET", "/api/v1/rounds/current/progress", Access::Anonymous(), Returning("current-progress"));
    router_.Add("GET", "/api/v1/rounds/{round}/scores/{uscc}", Access::Anonymous(), Returning("score"));
    router_.Add("GET", "/", Access::Anonymous(), Returning("root"));
  }

  Router router_;
  std::map<std::string, std::string> params_;
};

TEST_F(RouterTest, MatchesLiteralPattern) {
  Router::Match match = router_.Find("GET", "/api/v1/enterprises", &params_);
  EXPECT_EQ(match.outcome, Router::Match::Outcome::kFound);
  EXPECT_EQ(Call(match), "list");
  EXPECT_EQ(match.route, "/api/v1/enterprises");
  EXPECT_TRUE(params_.empty());

  EXPECT_EQ(Call(router_.Find("POST", "/api/v1/enterprises", &params_)), "create");
  EXPECT_EQ(Call(router_.Find("GET", "/", &params_)), "root");
}

TEST_F(RouterTest, ExtractsParametersAndLabelsWithPattern) {
  Router::Match match = router_.Find("GET", "/api/v1/enterprises/91350100M000100Y43", &params_);
  EXPECT_EQ(Call(match), "get");
  EXPECT_EQ(match.route, "/api/v1/enterprises/{uscc}");
  EXPECT_EQ(params_, (std::map<std::string, std::string>{{"uscc", "91350100M000100Y43"}}));

  match = router_.Find("GET", "/api/v1/rounds/2024/scores/ABC", &params_);
  EXPECT_EQ(Call(match), "score");
  EXPECT_EQ(params_,
            (std::map<std::string, std::string>{{"round", "2024"}, {"uscc", "ABC"}}));
}

TEST_F(RouterTest, LiteralSegmentBeatsParameter) {
  Router::Match match = router_.Find("GET", "/api/v1/rounds/current/progress", &params_);
  EXPECT_EQ(Call(match), "current-progress");
  EXPECT_EQ(match.route, "/api/v1/rounds/current/progress");
  EXPECT_TRUE(params_.empty());

  match = router_.Find("GET", "/api/v1/rounds/7/progress", &params_);
  EXPECT_EQ(Call(match), "progress");
  EXPECT_EQ(params_.at("round"), "7");
}

TEST_F(RouterTest, LiteralBeatsParameterRegardlessOfRegistrationOrder) {
  Router router;
  router.Add("GET", "/a/{x}", Access::Anonymous(), Returning("param"));
  router.Add("GET", "/a/b", Access::Anonymous(), Returning("literal"));
  EXPECT_EQ(Call(router.Find("GET", "/a/b", nullptr)), "literal");
  EXPECT_EQ(Call(router.Find("GET", "/a/c", nullptr)), "param");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  params_["stale"] = "value";
  Router::Match match = router_.Find("GET", "/api/v1/unknown", &params_);
  EXPECT_EQ(match.outcome, Router::Match::Outcome::kNotFound);
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.route, Router::kUnmatchedRoute);
  EXPECT_TRUE(params_.empty());

  // Segment counts must agree; parameters never match empty segments.
  EXPECT_EQ(router_.Find("GET", "/api/v1/enterprises/", &params_).outcome,
            Router::Match::Outcome::kNotFound);
  EXPECT_EQ(router_.Find("GET", "/api/v1/enterprises/a/b", &params_).outcome,
            Router::Match::Outcome::kNotFound);
  EXPECT_EQ(router_.Find("GET", "api/v1/enterprises", &params_).outcome,
            Router::Match::Outcome::kNotFound);
}

TEST_F(RouterTest, WrongMethodIsMethodNotAllowedWithAllow) {
  Router::Match match = router_.Find("DELETE", "/api/v1/enterprises/X", &params_);
  EXPECT_EQ(match.outcome, Router::Match::Outcome::kMethodNotAllowed);
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.allow, "GET, HEAD, PUT");
  EXPECT_EQ(match.route, Router::kUnmatchedRoute);

  match = router_.Find("DELETE", "/api/v1/enterprises", &params_);
  EXPECT_EQ(match.allow, "GET, HEAD, POST");
}

TEST_F(RouterTest, HeadUsesGetRouteUnlessHeadRegistered) {
  EXPECT_EQ(Call(router_.Find("HEAD", "/api/v1/enterprises", &params_)), "list");
  router_.Add("HEAD", "/api/v1/enterprises", Access::Anonymous(), Returning("head"));
  EXPECT_EQ(Call(router_.Find("HEAD", "/api/v1/enterprises", &params_)), "head");
}

TEST_F(RouterTest, MethodSpecificRouteWinsOverMoreSpecificPathOfOtherMethod) {
  Router router;
  router.Add("GET", "/a/{x}", Access::Anonymous(), Returning("get-param"));
  router.Add("POST", "/a/b", Access::Anonymous(), Returning("post-literal"));
  EXPECT_EQ(Call(router.Find("GET", "/a/b", nullptr)), "get-param");
  EXPECT_EQ(Call(router.Find("POST", "/a/b", nullptr)), "post-literal");
  EXPECT_EQ(router.Find("POST", "/a/c", nullptr).allow, "GET, HEAD");
}

TEST_F(RouterTest, FallbackServesOnlyUnmatchedGetAndHead) {
  router_.SetFallback(Returning("static"));
  Router::Match match = router_.Find("GET", "/app/index.html", &params_);
  EXPECT_EQ(Call(match), "static");
  EXPECT_EQ(match.route, Router::kFallbackRoute);
  EXPECT_EQ(Call(router_.Find("HEAD", "/favicon.ico", &params_)), "static");
  EXPECT_EQ(router_.Find("POST", "/app/index.html", &params_).outcome,
            Router::Match::Outcome::kNotFound);
  // A known path keeps its 405 rather than falling back.
  EXPECT_EQ(router_.Find("GET", "/api/v1/enterprises/X", &params_).outcome,
            Router::Match::Outcome::kFound);
  EXPECT_EQ(Call(router_.Find("GET", "/api/v1/enterprises/X", &params_)), "get");
  EXPECT_EQ(router_.Find("PATCH", "/api/v1/enterprises/X", &params_).outcome,
            Router::Match::Outcome::kMethodNotAllowed);
}

TEST_F(RouterTest, RejectsMalformedAndDuplicatePatterns) {
  Router router;
  EXPECT_THROW(router.Add("GET", "no-slash", Access::Anonymous(), Returning("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/{}", Access::Anonymous(), Returning("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/x{id}", Access::Anonymous(), Returning("")), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a/{id", Access::Anonymous(), Returning("")), std::invalid_argument);
  router.Add("GET", "/a/{id}", Access::Anonymous(), Returning(""));
  EXPECT_THROW(router.Add("GET", "/a/{other}", Access::Anonymous(), Returning("")), std::invalid_argument);
  router.Add("POST", "/a/{id}", Access::Anonymous(), Returning(""));  // another method is fine
}

TEST(RouterResponsesTest, NotFoundAndMethodNotAllowedBodies) {
  Response not_found = NotFoundResponse();
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(not_found.body, R"({"error":{"code":"not_found","message":"未找到该接口"}})");

  Response not_allowed = MethodNotAllowedResponse("GET, HEAD");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(not_allowed.body,
            R"({"error":{"code":"method_not_allowed","message":"不支持该请求方法"}})");
  ASSERT_EQ(not_allowed.headers.size(), 1u);
  EXPECT_EQ(not_allowed.headers[0].first, "Allow");
  EXPECT_EQ(not_allowed.headers[0].second, "GET, HEAD");
}

TEST(MessageTest, ErrorResponseJson) {
  Response response = ErrorResponse(422, "invalid_uscc", "第18位校验码\"错误\"", "uscc");
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(response.body,
            R"({"error":{"code":"invalid_uscc","message":"第18位校验码\"错误\"","field":"uscc"}})");
  // Invalid UTF-8 is replaced, never thrown.
  Response bad = ErrorResponse(400, "bad", std::string("x\xff"));
  EXPECT_NE(bad.body.find("\"message\":\"x"), std::string::npos);
}

TEST(RouterAccess, EveryRouteIsListedWithItsAccess) {
  Router router;
  router.Add("GET", "/healthz", Access::Anonymous(), Returning("h"));
  router.Add("GET", "/a/{id}", Access::LoggedIn(), Returning("a"));
  router.Add("PUT", "/a/{id}", Access::Roles({"province", "ministry"}), Returning("p"));
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].access.kind, Access::Kind::kAnonymous);
  EXPECT_EQ(routes[1].pattern, "/a/{id}");
  EXPECT_EQ(routes[1].access.kind, Access::Kind::kLoggedIn);
  EXPECT_EQ(routes[2].method, "PUT");
  EXPECT_EQ(routes[2].access.roles, (std::vector<std::string>{"province", "ministry"}));
  // A role rule must name someone.
  EXPECT_THROW(router.Add("GET", "/b", Access::Roles({}), Returning("")), std::invalid_argument);
}

TEST(MessageTest, HeaderQueryAndCookieLookups) {
  Request request;
  request.headers["Content-Type"] = "text/plain";
  request.headers["Cookie"] = "theme=dark; session=\"abc123\";  lang = zh";
  request.query["page"] = "2";
  EXPECT_EQ(request.Header("content-type"), "text/plain");
  EXPECT_EQ(request.Header("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(request.Header("Accept"), "");
  EXPECT_EQ(request.Query("page"), "2");
  EXPECT_EQ(request.Query("size"), "");
  EXPECT_EQ(request.Cookie("session"), "abc123");
  EXPECT_EQ(request.Cookie("theme"), "dark");
  EXPECT_EQ(request.Cookie("lang"), "zh");
  EXPECT_EQ(request.Cookie("sess"), "");
}

}  // namespace
}  // namespace rongping::http
