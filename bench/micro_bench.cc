// Micro-benchmarks: YAML reading, schema validation and canonical hashing of a generated
// floe.yaml with N list-form transforms. `build/floe_micro_bench` (see bench/README.md).

#include <string>

#include <benchmark/benchmark.h>

#include "floe/base/hash.h"
#include "floe/base/node.h"
#include "floe/config/documents.h"

namespace {

std::string Product(int transforms) {
  std::string text =
      "apiVersion: floe.dev/v1\nkind: FloeSpec\nmetadata: {name: bench, version: 1.0.0}\n"
      "platform: {manifest: manifest.yaml}\ntransforms:\n";
  for (int i = 0; i < transforms; ++i) {
    std::string n = std::to_string(i);
    text += "  - name: stg_model_" + n + "\n    tier: bronze\n    tags: [staging, team_a]\n";
    if (i > 0)
      text += "    dependsOn: [stg_model_" + std::to_string(i - 1) + "]\n";
  }
  return text;
}

void BM_ParseYaml(benchmark::State& state) {
  std::string text = Product(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    floe::Document doc;
    floe::Diagnostics diagnostics;
    benchmark::DoNotOptimize(floe::ParseYaml(text, doc, diagnostics));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseYaml)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_ValidateFloeSpec(benchmark::State& state) {
  std::string text = Product(static_cast<int>(state.range(0)));
  floe::Document doc;
  floe::Diagnostics parse;
  floe::ParseYaml(text, doc, parse);
  auto schema = floe::config::FloeSpecSchema();
  for (auto _ : state) {
    floe::Diagnostics diagnostics;
    benchmark::DoNotOptimize(floe::config::ValidateDocument(
        doc, floe::config::DocumentKind::kFloeSpec, *schema, diagnostics));
  }
}
BENCHMARK(BM_ValidateFloeSpec)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_CanonicalHash(benchmark::State& state) {
  std::string text = Product(static_cast<int>(state.range(0)));
  floe::Document doc;
  floe::Diagnostics parse;
  floe::ParseYaml(text, doc, parse);
  for (auto _ : state) {
    std::string canonical;
    floe::config::AppendCanonicalJson(doc.root, canonical);
    benchmark::DoNotOptimize(floe::Sha256Hex(canonical));
  }
}
BENCHMARK(BM_CanonicalHash)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
