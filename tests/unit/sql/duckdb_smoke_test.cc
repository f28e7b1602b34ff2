// Proves the DuckDB C API link: a query, and a Parquet file written with Iceberg field ids and
// read back.

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "floe/sql/duckdb.h"

namespace floe::sql {
namespace {

class DuckDbSmoke : public testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    db_ = DuckDatabase::Open(":memory:", &error);
    ASSERT_NE(db_, nullptr) << error;
    con_ = db_->ConnectDuck(&error);
    ASSERT_NE(con_, nullptr) << error;
  }
  QueryResult Q(const std::string& sql) {
    QueryResult r;
    std::string error;
    EXPECT_TRUE(con_->Query(sql, &r, &error)) << sql << ": " << error;
    return r;
  }
  std::unique_ptr<DuckDatabase> db_;
  std::unique_ptr<DuckConnection> con_;
};

TEST_F(DuckDbSmoke, IsThePinnedVersion) {
  EXPECT_EQ(DuckDatabase::LibraryVersion(), "v1.4.4");
}

TEST_F(DuckDbSmoke, RunsAQuery) {
  QueryResult r = Q("select 40 + 2 as answer, null as nothing, 'x' as s");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.columns[0], "answer");
  EXPECT_EQ(r.rows[0][0], "42");
  EXPECT_FALSE(r.rows[0][1].has_value());
  EXPECT_EQ(r.rows[0][2], "x");
}

TEST_F(DuckDbSmoke, ReportsErrors) {
  QueryResult r;
  std::string error;
  EXPECT_FALSE(con_->Query("select * from missing_table", &r, &error));
  EXPECT_NE(error.find("missing_table"), std::string::npos);
}

TEST_F(DuckDbSmoke, WritesAndReadsParquetWithFieldIds) {
  std::string dir = testing::TempDir() + "floe_duckdb_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string file = dir + "/t.parquet";
  QueryResult stats = Q("copy (select range as id, 'n' || range as name from range(5)) to '" +
                        file + "' (format parquet, field_ids {id: 1, name: 2}, return_stats true)");
  ASSERT_EQ(stats.rows.size(), 1u);
  QueryResult back = Q("select count(*), sum(id) from read_parquet('" + file + "')");
  EXPECT_EQ(back.rows[0][0], "5");
  EXPECT_EQ(back.rows[0][1], "10");
  QueryResult ids = Q("select name, field_id from parquet_schema('" + file +
                      "') where field_id is not null order by field_id");
  ASSERT_EQ(ids.rows.size(), 2u);
  EXPECT_EQ(ids.rows[0][0], "id");
  EXPECT_EQ(ids.rows[0][1], "1");
  EXPECT_EQ(ids.rows[1][1], "2");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace floe::sql
