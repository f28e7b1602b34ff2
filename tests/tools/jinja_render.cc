// jinja_render TEMPLATE [CONTEXT.json]: prints the rendered template (exit 0), or the error
// (exit 1). The floe side of the Jinja2 differential tests in tests/peers/jinja.

#include <cstdio>
#include <iostream>

#include "floe/base/fs.h"
#include "floe/jinja/render.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: jinja_render TEMPLATE [CONTEXT.json]\n";
    return 2;
  }
  floe::Diagnostics diagnostics;
  std::string source;
  if (!floe::ReadFile(argv[1], source, diagnostics)) {
    std::cerr << floe::RenderText(diagnostics.items()[0]);
    return 1;
  }
  floe::jinja::Dict context;
  if (argc > 2) {
    std::string json;
    if (!floe::ReadFile(argv[2], json, diagnostics)) {
      std::cerr << floe::RenderText(diagnostics.items()[0]);
      return 1;
    }
    bool ok = false;
    floe::jinja::Value v = floe::jinja::FromJsonText(json, &ok);
    if (!ok || !v.is_dict()) {
      std::cerr << argv[2] << ": not a JSON object\n";
      return 1;
    }
    context = v.as_dict();
  }
  std::string output;
  if (!floe::jinja::RenderTemplate(source, argv[1], context, output, diagnostics)) {
    for (const auto& d : diagnostics.items())
      std::cerr << floe::RenderText(d);
    return 1;
  }
  std::fwrite(output.data(), 1, output.size(), stdout);
  return 0;
}
