#include <gtest/gtest.h>

#include <set>

#include "campaign/contacts.h"
#include "campaign/lifecycle.h"
#include "core/clock.h"
#include "core/time.h"
#include "demo/demo_test_support.h"
#include "store/test_support.h"

// Requests below name only the fields they set (designated initializers);
// the rest are empty on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace rongping::campaign {
namespace {

// The USCC of gd-2016's first submitted assessment; empty if none.
std::string FirstSubmitted(store::Db& db) {
  auto rows = InTx(db, store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT uscc FROM assessments WHERE round_code = 'gd-2016' AND status = 'submitted' "
                    "ORDER BY id LIMIT 1");
  });
  return rows && !rows->empty() ? rows->rows[0].Text(0) : "";
}

// A round that asks for a 真实性承诺 takes no submission without it and
// keeps who confirmed which text with each submission; a round without one
// keeps none.
TEST(LifecyclePledge, ARoundsPledgeIsConfirmedWithEachSubmissionAndKept) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  const std::string uscc = FirstSubmitted(t.db());
  ASSERT_FALSE(uscc.empty());
  Principal enterprise{0, "enterprise-test", "", Role::kEnterprise, uscc, {}, "", false};
  FixedClock clock = FixedClock::AtChinaDate("2016-06-01", 10);
  LifecycleService lifecycle(t.db(), clock);
  const std::string pledge = "本企业承诺：所填报的信息真实、准确。\n如有虚假，愿承担责任。";
  auto set_pledge = [&](const std::string& text) {
    ASSERT_TRUE(InTx(t.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      auto round = store::FindRound(tx, "gd-2016");
      if (!round || !*round) return Fail(Error::Internal("no round"));
      (*round)->pledge = text;
      if (auto r = store::UpsertRound(tx, **round); !r) return Fail(r.error());
      return true;
    }));
  };
  set_pledge(pledge);
  ASSERT_TRUE(lifecycle.Withdraw(enterprise, "gd-2016", uscc, ""));
  auto refused = lifecycle.Submit(enterprise, "gd-2016", uscc, false, false, "", nullptr);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "pledge_required");
  EXPECT_EQ(refused.error().field, "pledge");
  EXPECT_EQ(lifecycle.Get(enterprise, "gd-2016", uscc)->record.status, domain::AssessmentStatus::kDraft);

  auto submitted = lifecycle.Submit(enterprise, "gd-2016", uscc, false, true, "", nullptr);
  ASSERT_TRUE(submitted) << submitted.error().message;
  ASSERT_TRUE(submitted->pledge);
  EXPECT_EQ(submitted->pledge->text, pledge);
  auto read = lifecycle.GetWithHistory(enterprise, "gd-2016", uscc);
  ASSERT_TRUE(read && read->pledge);
  EXPECT_EQ(read->pledge->username, "enterprise-test");
  EXPECT_EQ(read->pledge->text, pledge);
  EXPECT_EQ(read->pledge->at, *read->record.submitted_at);

  // Without a pledge asked, a later submission carries none: the earlier
  // confirmation belongs to the earlier submission.
  set_pledge("");
  clock.AdvanceSeconds(60);
  ASSERT_TRUE(lifecycle.Withdraw(enterprise, "gd-2016", uscc, ""));
  ASSERT_TRUE(lifecycle.Submit(enterprise, "gd-2016", uscc, false, false, "", nullptr));
  read = lifecycle.GetWithHistory(enterprise, "gd-2016", uscc);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->record.status, domain::AssessmentStatus::kSubmitted);
  EXPECT_FALSE(read->pledge);
}

// The round is open or closed by the clock the service is given, in China's
// time zone, and the times it records come from that clock.
TEST(LifecycleClock, OpenOrClosedByTheServicesClockAndRecordedAtItsTime) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  const std::string uscc = FirstSubmitted(t.db());
  ASSERT_FALSE(uscc.empty());
  Principal enterprise{0, "enterprise-test", "", Role::kEnterprise, uscc, {}, "", false};

  FixedClock clock = FixedClock::AtChinaDate("2016-06-30", 23);  // the last day, 23:00 in China
  LifecycleService lifecycle(t.db(), clock);
  auto withdrawn = lifecycle.Withdraw(enterprise, "gd-2016", uscc, "");
  ASSERT_TRUE(withdrawn) << withdrawn.error().message;
  auto submitted = lifecycle.Submit(enterprise, "gd-2016", uscc, false, false, "", nullptr);
  ASSERT_TRUE(submitted) << submitted.error().message;
  EXPECT_EQ(submitted->record.submitted_at, "2016-06-30T15:00:00.000Z");
  EXPECT_TRUE(submitted->guide.can_withdraw);
  ASSERT_TRUE(lifecycle.Withdraw(enterprise, "gd-2016", uscc, ""));
  auto again = lifecycle.Submit(enterprise, "gd-2016", uscc, false, false, "", nullptr);
  ASSERT_TRUE(again) << again.error().message;

  clock.AdvanceSeconds(3600);  // midnight: 2016-07-01 in China, still 2016-06-30 in UTC
  // Withdrawn now, it could not be submitted again: refused, and not offered.
  auto stuck = lifecycle.Withdraw(enterprise, "gd-2016", uscc, "");
  ASSERT_FALSE(stuck);
  EXPECT_NE(stuck.error().message.find("不能撤回"), std::string::npos) << stuck.error().message;
  auto read = lifecycle.Get(enterprise, "gd-2016", uscc);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->record.status, domain::AssessmentStatus::kSubmitted);
  EXPECT_EQ(read->guide.round_state, domain::RoundState::kClosed);
  EXPECT_FALSE(read->guide.can_withdraw || read->guide.can_edit || read->guide.can_submit);
  auto late = lifecycle.Submit(enterprise, "gd-2016", uscc, false, false, "", nullptr);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("2016-06-30 截止"), std::string::npos) << late.error().message;
  auto edit = lifecycle.SaveDraft(enterprise, "gd-2016", uscc, "{}", withdrawn->record.version + 2, "", nullptr);
  ASSERT_FALSE(edit);
  EXPECT_NE(edit.error().message.find("不能再修改答卷"), std::string::npos) << edit.error().message;
}

// Every step of the lifecycle is one transaction with its events and audit:
// a store failing at any statement leaves the assessment as it was.
TEST(LifecycleStore, AFailingStoreWritesNothing) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  auto rows = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query("SELECT uscc, unit_code FROM assessments WHERE round_code = 'gd-2016' AND status = 'submitted' "
                    "ORDER BY id LIMIT 1");
  });
  ASSERT_TRUE(rows && !rows->empty());
  const std::string uscc = rows->rows[0].Text(0);
  const Principal enterprise = testing::MakePrincipal(Role::kEnterprise, uscc, "enterprise-test");
  const Principal province = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
  FixedClock clock = FixedClock::AtChinaDate("2016-06-01");
  auto with = [&](store::Db& db) { return LifecycleService(db, clock); };

  // Each operation's run that reaches no failure does its work, so the next
  // one starts where a real user would: withdraw, save, submit, review.
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return with(db).Withdraw(enterprise, "gd-2016", uscc, ""); }),
            4);
  auto draft = with(t.db()).Get(enterprise, "gd-2016", uscc);
  ASSERT_TRUE(draft);
  ASSERT_EQ(draft->record.status, domain::AssessmentStatus::kDraft);
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) {
              return with(db).SaveDraft(enterprise, "gd-2016", uscc, draft->record.answers_json,
                                        draft->record.version, "", nullptr);
            }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return with(db).Submit(enterprise, "gd-2016", uscc, false, false, "", nullptr); }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(t.db(), [&](store::Db& db) {
              return with(db).Review(province, "gd-2016", uscc, false, "数据需核实", "");
            }),
            4);
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return with(db).GetWithHistory(enterprise, "gd-2016", uscc); }),
            2);
}

// The review queue: every filter narrows to what the same condition in SQL
// finds, pages add up to the total, and nothing outside the caller's scope
// is listed whatever the filters say.
TEST(ReviewQueue, FiltersPagesAndScope) {
  testing::TempDb t;
  ASSERT_TRUE(demo::testing::LoadGuangdong2016(t.db()));
  LifecycleService lifecycle(t.db(), SystemClock::Get());
  const Principal province = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
  const Principal guangzhou = testing::MakePrincipal(Role::kUnit, "440100", "guangzhou");
  auto count = [&](const std::string& where) {
    auto r = InTx(t.db(), store::TxMode::kRead, [&](store::Tx& tx) {
      return tx.Query(
          "SELECT COUNT(*) FROM assessments a JOIN enterprises e ON e.uscc = a.uscc "
          "WHERE a.round_code = 'gd-2016' AND " +
          where);
    });
    EXPECT_TRUE(r);
    return r ? r->rows[0].Int(0) : -1;
  };
  auto list = [&](const Principal& who, AssessmentListRequest r) {
    r.round = "gd-2016";
    return lifecycle.List(who, r);
  };
  auto total = [&](const Principal& who, AssessmentListRequest r) {
    auto page = list(who, std::move(r));
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->total : -1;
  };

  ASSERT_GT(count("1 = 1"), 100);
  // Imported times are stored as every time is, UTC with milliseconds, so
  // that they compare as text (given as +08:00, they sorted 8 hours late).
  EXPECT_GT(count("a.submitted_at IS NOT NULL"), 100);
  EXPECT_EQ(count("(a.submitted_at NOT LIKE '%.___Z' OR a.reviewed_at NOT LIKE '%.___Z')"), 0);
  EXPECT_EQ(total(province, {}), count("1 = 1"));
  EXPECT_EQ(total(province, {.status = "submitted"}), count("a.status = 'submitted'"));
  EXPECT_EQ(total(province, {.unit = "440600"}),
            count("a.unit_code IN (SELECT code FROM units WHERE path LIKE '%/440600/%')"));
  EXPECT_EQ(total(province, {.industry = "39"}), count("e.industry_code = '39'"));
  auto some = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query(
        "SELECT a.level_id, e.name, a.uscc, a.submitted_at FROM assessments a JOIN enterprises e "
        "ON "
        "e.uscc = a.uscc WHERE a.round_code = 'gd-2016' AND a.level_id IS NOT NULL "
        "AND a.submitted_at IS NOT NULL ORDER BY a.id LIMIT 1");
  });
  ASSERT_TRUE(some && !some->empty());
  const std::string level = some->rows[0].Text(0), name = some->rows[0].Text(1),
                    uscc = some->rows[0].Text(2);
  EXPECT_EQ(total(province, {.level = level}), count("a.level_id = '" + level + "'"));
  EXPECT_GE(total(province, {.text = name}), 1);
  EXPECT_EQ(list(province, {.text = uscc.substr(0, 17)})->items.at(0).assessment.uscc, uscc);
  EXPECT_EQ(total(province, {.text = "没有这样的企业"}), 0);
  EXPECT_EQ(total(province, {.text = "100%_"}), 0);  // LIKE's wildcards are text here
  // A day in China: submitted_at is UTC, 8 hours behind.
  const std::string day = ChinaDateOf(some->rows[0].Text(3)).value_or("");
  EXPECT_EQ(total(province, {.submitted_from = day, .submitted_to = day}),
            count("a.submitted_at >= '" + ChinaDayEndUtc(FormatDate(*ParseDateDays(day) - 1)) +
                  "' AND a.submitted_at < '" + ChinaDayEndUtc(day) + "'"));
  EXPECT_GE(total(province, {.submitted_from = day, .submitted_to = day}), 1);

  // Pages of 40 add up to the total, none twice.
  const int64_t all = total(province, {});
  std::set<std::string> seen;
  for (int64_t offset = 0; offset < all; offset += 40) {
    auto page = list(province, {.limit = 40, .offset = offset});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, all);
    for (const auto& i : page->items) EXPECT_TRUE(seen.insert(i.assessment.uscc.str()).second);
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), all);

  // A city sees its own only, whichever unit or text it names.
  EXPECT_EQ(total(guangzhou, {}),
            count("a.unit_code IN (SELECT code FROM units WHERE path LIKE '%/440100/%')"));
  EXPECT_EQ(total(guangzhou, {.unit = "440300"}), 0);
  auto shenzhen = InTx(t.db(), store::TxMode::kRead, [](store::Tx& tx) {
    return tx.Query(
        "SELECT a.uscc FROM assessments a WHERE a.round_code = 'gd-2016' AND a.unit_code = "
        "'440300' LIMIT 1");
  });
  ASSERT_TRUE(shenzhen && !shenzhen->empty());
  EXPECT_EQ(total(guangzhou, {.text = shenzhen->rows[0].Text(0)}), 0);

  // Parameters that name nothing are refused by name.
  for (auto [request, field] :
       {std::pair{AssessmentListRequest{.unit = "999999"}, "unit"},
        {AssessmentListRequest{.status = "done"}, "status"},
        {AssessmentListRequest{.industry = "zz"}, "industry"},
        {AssessmentListRequest{.level = "nope"}, "level"},
        {AssessmentListRequest{.submitted_from = "2016-02-30"}, "submitted_from"},
        {AssessmentListRequest{.submitted_from = "2016-06-02", .submitted_to = "2016-06-01"},
         "submitted_to"},
        {AssessmentListRequest{.text = std::string(51, 'x')}, "q"},
        {AssessmentListRequest{.sort = "name"}, "sort"},
        {AssessmentListRequest{.sort = "--total"}, "sort"}}) {
    auto refused = list(province, request);
    ASSERT_FALSE(refused) << field;
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalid) << field;
    EXPECT_EQ(refused.error().field, field);
  }
  // Each order, both ways; a submission time or total that is not there
  // comes last either way, on both backends.
  auto values = [&](const std::string& sort, bool totals) {
    auto page = list(province, {.limit = 500, .sort = sort});
    EXPECT_TRUE(page) << sort;
    std::vector<std::optional<std::string>> out;
    for (const auto& item : page ? page->items : std::vector<store::AssessmentListItem>{}) {
      const auto& a = item.assessment;
      if (totals) {
        out.push_back(a.total ? std::optional(fmt::format("{:020.6f}", *a.total)) : std::nullopt);
      } else {
        out.push_back(sort.ends_with("updated_at") ? std::optional(a.updated_at) : a.submitted_at);
      }
    }
    return out;
  };
  for (const std::string by : {"submitted_at", "total", "updated_at"}) {
    for (const bool descending : {false, true}) {
      const std::string sort = (descending ? "-" : "") + by;
      const auto got = values(sort, by == "total");
      ASSERT_GT(got.size(), 100u) << sort;
      const auto known_end = std::find(got.begin(), got.end(), std::nullopt);
      EXPECT_TRUE(std::all_of(known_end, got.end(), [](const auto& v) { return !v; })) << sort << ": gaps last";
      EXPECT_TRUE(descending ? std::is_sorted(got.begin(), known_end, std::greater<>())
                             : std::is_sorted(got.begin(), known_end))
          << sort;
    }
  }
  // The newest change first by default: the same enterprises in the same order.
  auto order = [&](const std::string& sort) {
    std::vector<std::string> usccs;
    auto page = list(province, {.limit = 500, .sort = sort});
    EXPECT_TRUE(page) << sort;
    for (const auto& item : page ? page->items : std::vector<store::AssessmentListItem>{}) {
      usccs.push_back(item.assessment.uscc.str());
    }
    return usccs;
  };
  EXPECT_EQ(order(""), order("-updated_at"));

}

}  // namespace
}  // namespace rongping::campaign
