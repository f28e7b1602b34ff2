// floe_sql_replay DB LOG: runs the statements of a FLOE_SQL_LOG file, in order, on one DuckDB
// connection (the C API, through floe's wrapper) and prints the seconds they took. The baseline
// of bench/dbt_build: the engine's own time for exactly the SQL `floe dbt build` sent.

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "floe/dbt/engine.h"
#include "floe/sql/duckdb.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: floe_sql_replay DB LOG\n";
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  std::vector<std::string> statements;
  const std::string end = floe::dbt::kStatementEnd;
  for (size_t at = 0; at < text.size();) {
    size_t next = text.find(end, at);
    if (next == std::string::npos)
      break;
    statements.push_back(text.substr(at, next - at));
    at = next + end.size();
  }
  std::string error;
  auto start = std::chrono::steady_clock::now();
  auto db = floe::sql::DuckDatabase::Open(argv[1], &error);
  auto con = db ? db->ConnectDuck(&error) : nullptr;
  if (!con) {
    std::cerr << "floe_sql_replay: " << error << "\n";
    return 1;
  }
  floe::sql::QueryResult result;
  size_t failed = 0;
  for (const std::string& sql : statements) {
    if (!con->Query(sql, &result, &error))
      ++failed;  // as in the run (a rollback after a failure is replayed too)
  }
  con.reset();
  db.reset();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << seconds << " " << statements.size() << " " << failed << "\n";
  return 0;
}
