#include "auth/auth_service.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/test_support.h"

namespace rongping {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() {
    options_.password_hash_cost = "minimum";
    options_.clock = &clock_;
    auth_ = std::make_unique<AuthService>(db_.db(), options_);
  }

  testing::TempDb db_;
  AuthOptions options_;
  FixedClock clock_{int64_t{1'800'000'000} * 1000};
  std::unique_ptr<AuthService> auth_;
};

TEST_F(AuthTest, LoginAuthenticateLogout) {
  ASSERT_TRUE(auth_->CreateUser("gz_admin", "Passw0rd!", Role::kUnit, "440100", {}, "广州"));
  int64_t retry = 0;
  auto login = auth_->Login("gz_admin", "Passw0rd!", "127.0.0.1", &retry);
  ASSERT_TRUE(login) << login.error().message;
  EXPECT_GE(login->token.size(), 40u);
  auto who = auth_->Authenticate(login->token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->role, Role::kUnit);
  EXPECT_EQ(who->scope_code, "440100");
  // The token itself is not stored, only its hash.
  auto stored = InTx(db_.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return tx.Query("SELECT COUNT(*) FROM sessions WHERE token_hash = $1", {login->token});
  });
  EXPECT_EQ(stored->rows[0].Int(0), 0);
  ASSERT_TRUE(auth_->Logout(login->token));
  EXPECT_FALSE(auth_->Authenticate(login->token));
}

TEST_F(AuthTest, SessionsExpire) {
  ASSERT_TRUE(auth_->CreateUser("gz_admin", "Passw0rd!", Role::kUnit, "440100", {}, ""));
  auto login = auth_->Login("gz_admin", "Passw0rd!", "127.0.0.1", nullptr);
  ASSERT_TRUE(login);
  clock_.AdvanceSeconds(options_.session_ttl_seconds - 1);
  EXPECT_TRUE(auth_->Authenticate(login->token));
  clock_.AdvanceSeconds(2);
  auto expired = auth_->Authenticate(login->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, ErrorKind::kUnauthenticated);
}

TEST_F(AuthTest, AccountLocksAfterFailuresWithGrowingBackoff) {
  ASSERT_TRUE(auth_->CreateUser("gz_admin", "Passw0rd!", Role::kUnit, "440100", {}, ""));
  for (int i = 0; i < options_.account_failure_limit; ++i) {
    auto r = auth_->Login("gz_admin", "wrong", "10.0.0.1", nullptr);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kUnauthenticated);
  }
  // Locked now, even with the right password and from another address.
  int64_t retry = 0;
  auto locked = auth_->Login("gz_admin", "Passw0rd!", "10.0.0.2", &retry);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(retry, options_.lock_base_seconds);
  clock_.AdvanceSeconds(retry);
  // One more failure doubles the lock.
  ASSERT_FALSE(auth_->Login("gz_admin", "wrong", "10.0.0.1", nullptr));
  ASSERT_FALSE(auth_->Login("gz_admin", "Passw0rd!", "10.0.0.1", &retry));
  EXPECT_EQ(retry, 2 * options_.lock_base_seconds);
  clock_.AdvanceSeconds(retry);
  EXPECT_TRUE(auth_->Login("gz_admin", "Passw0rd!", "10.0.0.1", nullptr));
}

TEST_F(AuthTest, AddressLocksAcrossAccounts) {
  for (int i = 0; i < options_.address_failure_limit; ++i) {
    ASSERT_FALSE(auth_->Login("user" + std::to_string(i), "x", "10.9.9.9", nullptr));
  }
  auto r = auth_->Login("someone", "x", "10.9.9.9", nullptr);
  EXPECT_EQ(r.error().kind, ErrorKind::kRateLimited);
  EXPECT_EQ(auth_->Login("someone", "x", "10.9.9.8", nullptr).error().kind,
            ErrorKind::kUnauthenticated);
}

TEST_F(AuthTest, FailuresElsewhereDoNotKeepTheOwnerOutOfAKnownAddress) {
  ASSERT_TRUE(auth_->CreateUser("gz_admin", "Passw0rd!", Role::kUnit, "440100", {}, ""));
  ASSERT_TRUE(auth_->Login("gz_admin", "Passw0rd!", "10.0.0.7", nullptr));  // the owner's office
  // Someone else fails again and again, from several addresses.
  for (int i = 0; i < 3 * options_.account_failure_limit; ++i) {
    (void)auth_->Login("gz_admin", "wrong", "203.0.113." + std::to_string(i % 3), nullptr);
  }
  EXPECT_EQ(auth_->Login("gz_admin", "Passw0rd!", "198.51.100.1", nullptr).error().kind,
            ErrorKind::kRateLimited);
  auto owner = auth_->Login("gz_admin", "Passw0rd!", "10.0.0.7", nullptr);
  EXPECT_TRUE(owner) << owner.error().message;
  // The guesser's own address stays slowed down.
  EXPECT_EQ(auth_->Login("gz_admin", "wrong", "203.0.113.0", nullptr).error().kind,
            ErrorKind::kRateLimited);
}

TEST_F(AuthTest, ConcurrentAttemptsAreCountedOneByOne) {
  ASSERT_TRUE(auth_->CreateUser("gz_admin", "Passw0rd!", Role::kUnit, "440100", {}, ""));
  std::atomic<int> checked{0}, throttled{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] {
      auto r = auth_->Login("gz_admin", "Wrong" + std::to_string(i), "10.0.0.1", nullptr);
      if (r) {
        ++other;
      } else if (r.error().kind == ErrorKind::kUnauthenticated) {
        ++checked;
      } else if (r.error().kind == ErrorKind::kRateLimited) {
        ++throttled;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(checked.load(), options_.pair_failure_limit);
  EXPECT_EQ(throttled.load(), 40 - options_.pair_failure_limit);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(AuthTest, UnknownAndDisabledAccountsCheckAHashOfTheConfiguredCost) {
  // The parameters of an argon2id hash: "$argon2id$v=19$m=65536,t=2,p=1$".
  auto params = [](const std::string& hash) { return hash.substr(0, hash.find('$', 18)); };
  for (const char* cost : {"minimum", "interactive"}) {
    AuthOptions options;
    options.password_hash_cost = cost;
    AuthService auth(db_.db(), options);
    auto real = auth.HashPassword("Passw0rd!");
    ASSERT_TRUE(real);
    EXPECT_EQ(params(auth.DummyHash()), params(*real)) << cost;
    EXPECT_FALSE(AuthService::VerifyPassword(auth.DummyHash(), "Passw0rd!"));
  }
}

TEST_F(AuthTest, PasswordChangeEndsOtherSessions) {
  ASSERT_TRUE(auth_->CreateUser("gd_admin", "Passw0rd!", Role::kProvince, "440000", {}, ""));
  auto a = auth_->Login("gd_admin", "Passw0rd!", "127.0.0.1", nullptr);
  auto b = auth_->Login("gd_admin", "Passw0rd!", "127.0.0.1", nullptr);
  auto who = auth_->Authenticate(a->token);
  EXPECT_EQ(auth_->ChangePassword(*who, a->token, "bad", "N3wPassword").error().field,
            "current_password");
  EXPECT_EQ(auth_->ChangePassword(*who, a->token, "Passw0rd!", "short").error().code,
            "weak_password");
  ASSERT_TRUE(auth_->ChangePassword(*who, a->token, "Passw0rd!", "N3wPassword"));
  EXPECT_TRUE(auth_->Authenticate(a->token));
  EXPECT_FALSE(auth_->Authenticate(b->token));
  EXPECT_FALSE(auth_->Login("gd_admin", "Passw0rd!", "127.0.0.1", nullptr));
  EXPECT_TRUE(auth_->Login("gd_admin", "N3wPassword", "127.0.0.1", nullptr));
}

TEST_F(AuthTest, ScopesMustFitRoles) {
  EXPECT_EQ(auth_->CreateUser("user_u1", "Passw0rd!", Role::kUnit, "999999", {}, "").error().code,
            "invalid_scope");
  EXPECT_EQ(auth_->CreateUser("user_u2", "Passw0rd!", Role::kMinistry, "440000", {}, "").error().code,
            "invalid_scope");
  EXPECT_EQ(
      auth_->CreateUser("user_u3", "Passw0rd!", Role::kAssociation, "440000", {}, "").error().field,
      "industries");
  EXPECT_EQ(auth_->CreateUser("user_u4", "Passw0rd!", Role::kEnterprise,
                              testing::MakeUscc("440100", 1), {}, "")
                .error()
                .code,
            "invalid_scope");  // not registered
  EXPECT_TRUE(auth_->CreateUser("user_u5", "Passw0rd!", Role::kAssociation, "440000", {"39"}, ""));
  EXPECT_EQ(auth_->CreateUser("user_u5", "Passw0rd!", Role::kMinistry, "", {}, "").error().code,
            "duplicate_username");
  EXPECT_EQ(auth_->CreateUser("a b", "Passw0rd!", Role::kMinistry, "", {}, "").error().code,
            "invalid_username");
}

// Creating an account, logging in and changing a password each commit whole
// or not at all when the store fails at any statement (but for a login's
// count of attempts).
TEST_F(AuthTest, AFailingStoreWritesNothing) {
  ASSERT_TRUE(auth_->CreateUser("gz_admin", "Passw0rd!", Role::kUnit, "440100", {}, "广州"));
  auto with = [&](store::Db& db) { return AuthService(db, options_); };
  EXPECT_GE(testing::ExpectAllOrNothing(db_.db(), [&](store::Db& db) {
              return with(db).CreateUser("sz_admin", "Passw0rd!", Role::kUnit, "440300", {}, "深圳");
            }),
            2);
  // A login counts the attempt first, in a transaction of its own (so
  // concurrent guesses are counted one by one); a failure after it leaves the
  // count and nothing else, in particular no session.
  EXPECT_GE(testing::ExpectAllOrNothing(
                db_.db(),
                [&](store::Db& db) {
                  clock_.AdvanceSeconds(86400);  // past any delay the counted attempts bring
                  int64_t retry = 0;
                  return with(db).Login("gz_admin", "Passw0rd!", "127.0.0.1", &retry);
                },
                {"login_throttle"}),
            3);
  int64_t retry = 0;
  auto login = auth_->Login("gz_admin", "Passw0rd!", "127.0.0.1", &retry);
  ASSERT_TRUE(login);
  auto who = auth_->Authenticate(login->token);
  ASSERT_TRUE(who);
  EXPECT_GE(testing::ExpectAllOrNothing(db_.db(), [&](store::Db& db) {
              return with(db).ChangePassword(*who, login->token, "Passw0rd!", "N3w-Passw0rd!");
            }),
            3);
}

}  // namespace
}  // namespace rongping
