#include "floe/dbt/freshness.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

#include "floe/base/fs.h"
#include "floe/dbt/compile.h"
#include "floe/dbt/json.h"

namespace floe::dbt {
namespace {

using Clock = std::chrono::system_clock;

const Value& Field(const Value& dict, const char* key) {
  static const Value none = Value::MakeNone();
  const Value* v = dict.is_dict() ? dict.as_dict().FindKey(key) : nullptr;
  return v != nullptr ? *v : none;
}

// A threshold's length in seconds ({count, period: minute|hour|day}), or negative when unset.
double ThresholdSeconds(const Value& t) {
  const Value& count = Field(t, "count");
  const Value& period = Field(t, "period");
  if (!count.is_number() || !period.is_string())
    return -1;
  double unit = period.Str() == "minute" ? 60 : period.Str() == "hour" ? 3600 : 86400;
  return static_cast<double>(count.as_int()) * unit;
}

// A timestamp as the engine prints it (2024-01-02 03:04:05[.ffffff][+hh[:mm]]) in seconds since
// the epoch, a time without zone taken as UTC (as dbt does). False when it is not one.
bool ParseTimestamp(const std::string& text, double* seconds) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d%*c%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double out = static_cast<double>(timegm(&tm));
  size_t i = static_cast<size_t>(consumed);
  if (i < text.size() && text[i] == '.') {
    size_t start = ++i;
    while (i < text.size() && isdigit(static_cast<unsigned char>(text[i])))
      ++i;
    out += std::stod("0." + text.substr(start, i - start));
  }
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int sign = text[i] == '-' ? -1 : 1;
    int hours = 0, minutes = 0;
    std::sscanf(text.c_str() + i + 1, "%2d:%2d", &hours, &minutes);
    if (minutes == 0 && text.size() >= i + 5 && text[i + 3] != ':')
      std::sscanf(text.c_str() + i + 3, "%2d", &minutes);  // +hhmm
    out -= sign * (hours * 3600 + minutes * 60);
  }
  *seconds = out;
  return true;
}

// Seconds since the epoch as Python's isoformat of a UTC datetime.
std::string IsoUtc(double seconds) {
  auto whole = static_cast<std::time_t>(std::floor(seconds));
  auto micros = static_cast<long>(std::llround((seconds - static_cast<double>(whole)) * 1e6));
  if (micros >= 1000000) {
    ++whole;
    micros -= 1000000;
  }
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (micros != 0) {
    std::snprintf(buf, sizeof buf, ".%06ld", micros);
    out += buf;
  }
  return out + "+00:00";
}

struct Checked {
  std::string status;   // pass | warn | error | runtime error
  std::string message;  // the runtime error
  double max_loaded_at = 0, snapshotted_at = 0;
  Value adapter_response = Value(Dict());
};

// Runs a source's freshness query (collect_freshness, or collect_freshness_custom_sql for
// loaded_at_query) and judges its age.
Checked Check(Project& project, Session& session, Node& source) {
  Checked c;
  const Value& freshness = Field(source.data, "freshness");
  const Value& field = Field(source.data, "loaded_at_field");
  const Value& query = Field(source.data, "loaded_at_query");
  std::string name = Field(source.data, "source_name").Str() + "." + source.name;
  try {
    Value relation = RelationOf(session, source);
    Value result;
    if (query.is_string() && !query.Str().empty()) {
      std::string sql =
          RenderInNode(session, source, Phase::kCompile, query.Str(), source.original_file_path);
      result = CallMacro(session, source, "collect_freshness_custom_sql", {relation, Value(sql)},
                         Phase::kCompile);
    } else if (field.is_string() && !field.Str().empty()) {
      result = CallMacro(session, source, "collect_freshness",
                         {relation, field, Field(freshness, "filter")}, Phase::kCompile);
    } else {
      throw CompilationError{"Could not compute freshness for source " + source.name +
                             ": no 'loaded_at_field' provided and " + project.target.type() +
                             " adapter does not support metadata-based freshness checks."};
    }
    const auto* rows = TableText(Field(result, "table"));
    if (rows == nullptr || rows->empty() || (*rows)[0].size() < 2)
      throw CompilationError{"the freshness query of " + name + " returned no row"};
    const auto& row = (*rows)[0];
    if (!row[0]) {
      throw CompilationError{"Expected a non-null value when querying field '" +
                             (field.is_string() ? field.Str() : std::string("loaded_at_query")) +
                             "' of table " + relation.Str() + " but received value 'null' instead"};
    }
    if (!ParseTimestamp(*row[0], &c.max_loaded_at) || !row[1] ||
        !ParseTimestamp(*row[1], &c.snapshotted_at)) {
      throw CompilationError{"Expected a timestamp value when querying field '" +
                             (field.is_string() ? field.Str() : std::string("loaded_at_query")) +
                             "' of table " + relation.Str() + " but received value '" + *row[0] +
                             "' instead"};
    }
    c.adapter_response = Field(result, "response");
    double age = c.snapshotted_at - c.max_loaded_at;
    double error_after = ThresholdSeconds(Field(freshness, "error_after"));
    double warn_after = ThresholdSeconds(Field(freshness, "warn_after"));
    c.status = error_after >= 0 && age > error_after ? "error"
               : warn_after >= 0 && age > warn_after ? "warn"
                                                     : "pass";
  } catch (const CompilationError& e) {
    c.status = "runtime error";
    c.message = e.message;
  } catch (const jinja::TemplateError& e) {
    c.status = "runtime error";
    c.message = e.message;
  }
  if (session.engine != nullptr)
    session.engine->Rollback();
  return c;
}

}  // namespace

int CheckSourceFreshness(Project& project, Session& session, const std::set<std::string>& selected,
                         const RunOptions& options, Diagnostics& diagnostics) {
  std::vector<Node*> sources;
  for (const auto& n : project.manifest.nodes) {
    if (n->resource_type != "source" || selected.count(n->unique_id) == 0)
      continue;
    const Value& f = Field(n->data, "freshness");
    if (ThresholdSeconds(Field(f, "warn_after")) >= 0 ||
        ThresholdSeconds(Field(f, "error_after")) >= 0)
      sources.push_back(n.get());
  }
  auto print = [&](const char* name, const char* code, const std::string& msg,
                   const char* level = "info") {
    if (options.out != nullptr) {
      *options.out << LogLine(project, options.json_log, name, code, msg, Dict(), level);
      options.out->flush();
    }
  };
  auto started = Clock::now();
  List results;
  std::string errors;
  int code = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    Node& s = *sources[i];
    std::string what = "freshness of " + Field(s.data, "source_name").Str() + "." + s.name;
    print("LogStartLine", "Q011", ProgressLine(i + 1, sources.size(), "START " + what, "RUN"));
    auto t0 = Clock::now();
    Checked c = Check(project, session, s);
    double took = std::chrono::duration<double>(Clock::now() - t0).count();
    char secs[32];
    std::snprintf(secs, sizeof secs, " in %.2fs", took);
    std::string shown = c.status == "pass"    ? "PASS"
                        : c.status == "warn"  ? "WARN"
                        : c.status == "error" ? "ERROR STALE"
                                              : "ERROR";
    print("LogFreshnessResult", "Q018",
          ProgressLine(i + 1, sources.size(), shown + " " + what, shown + secs),
          c.status == "pass"   ? "info"
          : c.status == "warn" ? "warn"
                               : "error");
    Dict r;
    r.Append(Value("unique_id"), Value(s.unique_id));
    if (c.status == "error") {
      errors += "\n" + LogLine(project, options.json_log, "RunResultError", "Z024",
                               "Failure in source " + s.name + " (" + s.original_file_path +
                                   ")\n  Status: error");
    }
    if (c.status == "runtime error") {
      // reported, and (as dbt's sources.json) not listed
      errors += "\n" + LogLine(project, options.json_log, "RunResultError", "Z024",
                               "Runtime Error in source " + s.name + " (" + s.original_file_path +
                                   ")\n  " + c.message);
      code = 1;
      continue;
    }
    {
      r.Append(Value("max_loaded_at"), Value(IsoUtc(c.max_loaded_at)));
      r.Append(Value("snapshotted_at"), Value(IsoUtc(c.snapshotted_at)));
      r.Append(Value("max_loaded_at_time_ago_in_s"), Value(c.snapshotted_at - c.max_loaded_at));
      r.Append(Value("status"), Value(c.status));
      const Value& f = Field(s.data, "freshness");
      Dict criteria;
      criteria.Append(Value("warn_after"), Field(f, "warn_after"));
      criteria.Append(Value("error_after"), Field(f, "error_after"));
      criteria.Append(Value("filter"), Field(f, "filter"));
      r.Append(Value("criteria"), Value(std::move(criteria)));
      r.Append(Value("adapter_response"), c.adapter_response);
      r.Append(Value("timing"), Value(List{}));
      r.Append(Value("thread_id"), Value("Thread-1"));
      r.Append(Value("execution_time"), Value(took));
    }
    if (c.status == "error" || c.status == "runtime error")
      code = 1;
    results.emplace_back(std::move(r));
  }
  if (sources.empty()) {
    print("NothingToDo", "Z048",
          "Nothing to do. Try checking your model configs and model specification args");
  }
  if (!errors.empty() && options.out != nullptr)
    *options.out << errors;
  print("FreshnessCheckComplete", "Q033", "Done.");
  Dict all;
  all.Append(Value("metadata"),
             Value(ArtifactMetadata(project, "https://schemas.getdbt.com/dbt/sources/v3.json")));
  all.Append(Value("results"), Value(std::move(results)));
  all.Append(Value("elapsed_time"),
             Value(std::chrono::duration<double>(Clock::now() - started).count()));
  JsonStyle style;
  style.indent = 2;
  if (!WriteFileAtomic(TargetDir(project) + "/sources.json", ToJson(Value(std::move(all)), style),
                       diagnostics, false))
    return 2;
  return code;
}

}  // namespace floe::dbt
