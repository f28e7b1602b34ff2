#include "floe/config/checks.h"

#include <gtest/gtest.h>

namespace floe::config {
namespace {

TEST(Cron, AcceptsStandardExpressions) {
  for (const char* e : {"*/10 * * * *", "0 6 * * 1-5", "30 2 1,15 * *", "0 0 * JAN,JUL SUN",
                        "@daily", "5 4 * * 7"}) {
    EXPECT_EQ(CronProblem(e), "") << e;
  }
}

TEST(Cron, NamesTheBadField) {
  EXPECT_EQ(CronProblem("61 * * * *"), "bad value `61` in the minute field (allowed 0-59)");
  EXPECT_EQ(CronProblem("* 5-2 * * *"), "bad range `5-2` in the hour field (allowed 0-23)");
  EXPECT_EQ(CronProblem("*/0 * * * *"), "bad step `0` in the minute field");
  EXPECT_NE(CronProblem("* * * *").find("5 fields"), std::string::npos);
  EXPECT_EQ(CronProblem("@reboot"), "unknown cron macro `@reboot`");
}

TEST(Timezone, KnowsTheTzDatabase) {
  EXPECT_TRUE(IsKnownTimezone("UTC"));
  EXPECT_TRUE(IsKnownTimezone("Europe/Paris"));
  EXPECT_FALSE(IsKnownTimezone("Mars/Olympus"));
  EXPECT_FALSE(IsKnownTimezone("../etc/passwd"));
}

TEST(Dates, AreCalendarDates) {
  EXPECT_TRUE(IsCalendarDate("2024-02-29"));
  EXPECT_FALSE(IsCalendarDate("2023-02-29"));
  EXPECT_FALSE(IsCalendarDate("2026-13-01"));
  EXPECT_FALSE(IsCalendarDate("26-01-01"));
}

TEST(Regex, RefusesInvalidAndCatastrophicPatterns) {
  bool unsafe = false;
  EXPECT_EQ(RegexProblem("^gold_[a-z0-9_]+$", &unsafe), "");
  EXPECT_FALSE(RegexProblem("[a-", &unsafe).empty());
  EXPECT_FALSE(unsafe);
  EXPECT_FALSE(RegexProblem("^(a+)+$", &unsafe).empty());
  EXPECT_TRUE(unsafe);
  EXPECT_FALSE(RegexProblem("(\\w*)*x", &unsafe).empty());
  EXPECT_EQ(RegexProblem("(ab)+[+*]", &unsafe), "");
}

TEST(Patterns, FastMatchersAgreeWithTheirRegex) {
  EXPECT_TRUE(IsSemver("1.2.3"));
  EXPECT_TRUE(IsSemver("1.2.3-rc.1+build.5"));
  EXPECT_FALSE(IsSemver("1.2"));
  EXPECT_FALSE(IsSemver("v1.2.3"));
  EXPECT_TRUE(IsDnsLabel("a"));
  EXPECT_FALSE(IsDnsLabel("-a"));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
  EXPECT_TRUE(IsProductName("customer-360"));
  EXPECT_FALSE(IsProductName("360-customer"));
  EXPECT_TRUE(IsK8sName("db-secret.v1"));
  EXPECT_FALSE(IsK8sName("Db"));
  EXPECT_TRUE(IsCpuQuantity("500m"));
  EXPECT_TRUE(IsMemoryQuantity("512Mi"));
  EXPECT_FALSE(IsMemoryQuantity("512MB"));
}

}  // namespace
}  // namespace floe::config
