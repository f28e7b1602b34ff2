#include "floe/dbt/show.h"

#include <algorithm>
#include <vector>

#include "floe/dbt/compile.h"
#include "floe/dbt/json.h"
#include "floe/dbt/run.h"
#include "floe/jinja/parser.h"

namespace floe::dbt {
namespace {

// A cell as dbt's JSON encoder writes it: timestamps in ISO form (agate's datetimes).
Value JsonCell(const Value& cell, const std::string& type) {
  if (cell.is_string() && type.rfind("TIMESTAMP", 0) == 0) {
    std::string text(cell.as_string());
    if (size_t space = text.find(' '); space != std::string::npos)
      text[space] = 'T';
    return Value(text);
  }
  return cell;
}

// The rows as agate prints a table: `| a | b |`, a rule under the header, numbers right-aligned.
std::string TableText(const QueryTable& t) {
  size_t n = t.columns.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width(n);
  for (size_t i = 0; i < n; ++i)
    width[i] = t.columns[i].size();
  for (size_t r = 0; r < t.rows.size(); ++r) {
    // the engine's own text of each cell (a decimal keeps its scale)
    const auto* raw = t.text != nullptr && r < t.text->size() ? &(*t.text)[r] : nullptr;
    std::vector<std::string> line;
    for (size_t i = 0; i < n; ++i) {
      const Value& cell = i < t.rows[r].size() ? t.rows[r][i] : Value::MakeNone();
      std::string text;
      if (cell.is_bool())
        text = cell.as_bool() ? "True" : "False";  // as Python prints them
      else if (raw != nullptr && i < raw->size() && (*raw)[i])
        text = *(*raw)[i];
      else if (!cell.is_none())
        text = cell.Str();
      width[i] = std::max(width[i], text.size());
      line.push_back(std::move(text));
    }
    cells.push_back(std::move(line));
  }
  auto pad = [](const std::string& s, size_t w, bool right) {
    std::string fill(w - std::min(w, s.size()), ' ');
    return right ? fill + s : s + fill;
  };
  std::string out = "|";
  for (size_t i = 0; i < n; ++i)
    out += " " + pad(t.columns[i], width[i], false) + " |";
  out += "\n|";
  for (size_t i = 0; i < n; ++i)
    out += " " + std::string(width[i], '-') + " |";
  for (size_t r = 0; r < cells.size(); ++r) {
    out += "\n|";
    for (size_t i = 0; i < n; ++i) {
      bool number = !t.rows[r][i].is_none() && t.rows[r][i].is_number();
      out += " " + pad(cells[r][i], width[i], number) + " |";
    }
  }
  return out;
}

}  // namespace

int ShowNodes(Project& project, Session& session, const std::set<std::string>& selected,
              const std::string& inline_sql, const ShowOptions& options, Diagnostics& diagnostics) {
  std::vector<Node*> nodes;
  Node inline_node;
  std::shared_ptr<jinja::Template> inline_tpl;
  if (!inline_sql.empty()) {
    // dbt's inline query: a SQL operation of the root project
    inline_node.resource_type = "sql_operation";
    inline_node.name = "inline_query";
    inline_node.package = project.root().name;
    inline_node.unique_id = "sql_operation." + inline_node.package + ".inline_query";
    inline_node.original_file_path = "from remote system.sql";
    inline_node.raw_code = inline_sql;
    inline_node.pos = {"--inline", 1, 1};
    try {
      inline_node.tpl = std::make_shared<jinja::Template>(
          jinja::Parse(inline_sql, inline_node.original_file_path));
    } catch (const jinja::TemplateError& e) {
      diagnostics.Error(Code::kDbtJinja, {"--inline", e.pos.line, e.pos.column},
                        "Compilation Error in inline query\n  " + e.message);
      return 1;
    }
    Dict d;
    d.Append(Value("database"), Value(project.target.database()));
    d.Append(Value("schema"), Value(project.target.schema()));
    d.Append(Value("name"), Value(inline_node.name));
    d.Append(Value("resource_type"), Value("sql_operation"));
    d.Append(Value("package_name"), Value(inline_node.package));
    d.Append(Value("unique_id"), Value(inline_node.unique_id));
    d.Append(Value("config"), Value(Dict()));
    inline_node.data = Value(std::move(d));
    inline_node.config = &inline_node.data.as_dict().Find(Value("config"))->as_dict();
    nodes.push_back(&inline_node);
  } else {
    for (const auto& n : project.manifest.nodes) {
      const ShortName& type = n->resource_type;
      if (selected.count(n->unique_id) != 0 &&
          (type == "model" || type == "seed" || type == "snapshot" || type == "analysis"))
        nodes.push_back(n.get());
    }
  }
  auto print = [&](const std::string& line) {
    if (options.out != nullptr) {
      *options.out << line;
      options.out->flush();
    }
  };
  int code = 0;
  std::vector<const Node*> shown;
  for (Node* node : nodes) {
    std::string what = (node == &inline_node ? std::string("inline query")
                                             : std::string(node->resource_type) + " " + node->name +
                                                   " (" + node->original_file_path + ")");
    Diagnostics problems;
    std::string sql;
    if (node->resource_type == "seed") {
      sql = "select * from " + RelationOf(session, *node).Str();
    } else if (CompileNode(session, *node, problems, nullptr)) {
      sql = node->compiled_code;
    } else {
      diagnostics.Append(problems);
      code = 1;
      continue;
    }
    QueryTable table;
    std::string error;
    try {
      Value limit = options.limit < 0 ? Value::MakeNone() : Value(options.limit);
      sql = CallMacro(session, *node, "get_show_sql", {Value(sql), Value::MakeNone(), limit},
                      Phase::kCompile)
                .Str();
    } catch (const jinja::TemplateError& e) {
      error = e.message;
    } catch (const CompilationError& e) {
      error = e.message;
    }
    if (error.empty() && !session.engine->Execute(sql, &table, &error, /*auto_begin=*/false))
      error = "Runtime Error\n  " + error;
    if (!error.empty()) {
      diagnostics.Error(Code::kDbtRuntime, {node->pos.path, 0, 0},
                        "Error in " + what + "\n  " + error);
      code = 1;
      continue;
    }
    List rows;
    for (const auto& row : table.rows) {
      Dict r;
      for (size_t i = 0; i < table.columns.size() && i < row.size(); ++i)
        r.Append(Value(table.columns[i]),
                 JsonCell(row[i], i < table.types.size() ? table.types[i] : ""));
      rows.emplace_back(std::move(r));
    }
    bool is_inline = node == &inline_node;
    std::string msg;
    if (options.output == "json") {
      Dict shown;
      if (!is_inline)
        shown.Append(Value("node"), Value(node->name));
      shown.Append(Value("show"), Value(rows));
      JsonStyle pretty;
      pretty.indent = 2;
      msg = ToJson(Value(std::move(shown)), pretty);
    } else {
      msg = (is_inline ? std::string("Previewing inline node:")
                       : "Previewing node '" + node->name + "':") +
            "\n" + TableText(table);
    }
    JsonStyle compact;
    compact.compact = true;
    Dict data;
    data.Set(Value("node_name"), Value(node->name));
    data.Set(Value("preview"), Value(ToJson(Value(rows), compact)));
    data.Set(Value("is_inline"), Value(is_inline));
    data.Set(Value("output_format"), Value(options.output));
    data.Set(Value("unique_id"), Value(node->unique_id));
    print(LogLine(project, options.json_log, "ShowNode", "Q041", msg, std::move(data)));
    shown.push_back(node);
  }
  if (!WriteCompileResults(project, "show", shown, diagnostics))
    return 2;
  return code;
}

}  // namespace floe::dbt
