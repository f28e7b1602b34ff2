#pragma once
// dbt unit tests (`unit_tests:` in properties YAML). A unit test runs its model's code as a
// node of its own (dbt's UnitTestNode: the unit test's name, the model's database and schema,
// materialized `unit`), each ref or source it reads replaced by a fixture CTE built from the
// `given` rows, typed by the columns of the input's real relation (which must exist). The `unit`
// materialization runs the model's SQL and the expected rows side by side; the two row sets are
// compared here, order-insensitively.

#include <memory>
#include <string>

#include "floe/dbt/context.h"
#include "floe/dbt/project.h"

namespace floe::dbt {

/// A unit test ready to run: its node (compiled: the model's SQL over the fixtures) and the
/// fixtures that node's renders read.
struct PreparedUnitTest {
  Node node;
  UnitTestFixtures fixtures;
};

/// Builds the fixtures of `unit_test` and compiles its node, with its `overrides` (macros, vars,
/// env_vars) in the context. Throws CompilationError or a jinja error, as RenderNode does.
std::unique_ptr<PreparedUnitTest> PrepareUnitTest(Session& session, const Node& unit_test);

/// The unit materialization's result table (the last column says `actual` or `expected`): its
/// two sides compared as multisets of rows, each cell by the text the engine returned for it (as
/// dbt compares them: 110.5 and 110.50 differ). Empty when they hold the same rows, else the
/// message showing the difference.
std::string UnitTestDifference(const Value& table);

}  // namespace floe::dbt
