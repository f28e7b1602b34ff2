#include "floe/jinja/render.h"

#include <gtest/gtest.h>

namespace floe::jinja {
namespace {

std::string Render(const std::string& source, Dict context = {}) {
  std::string out;
  Diagnostics d;
  EXPECT_TRUE(RenderTemplate(source, "t.sql", context, out, d))
      << (d.empty() ? "" : RenderText(d.items()[0]));
  return out;
}

Diagnostic Fail(const std::string& source) {
  std::string out;
  Diagnostics d;
  EXPECT_FALSE(RenderTemplate(source, "t.sql", {}, out, d));
  return d.empty() ? Diagnostic{} : d.items()[0];
}

TEST(Jinja, DropsOneTrailingNewlineAndControlsWhitespace) {
  EXPECT_EQ(Render("a\n\n"), "a\n");
  EXPECT_EQ(Render("{% for x in [1, 2] -%}\n  {{ x }}\n{%- endfor %}"), "12");
  EXPECT_EQ(Render("a {#- note -#} b"), "ab");
  EXPECT_EQ(Render("{% raw %}{{ x }}{% endraw %}"), "{{ x }}");
}

TEST(Jinja, MacrosSeeArgumentsDefaultsAndCaller) {
  EXPECT_EQ(
      Render("{% macro m(a, b=2) %}{{ a }}-{{ b }}-{{ varargs }}{% endmacro %}{{ m(1, 3, 4) }}"),
      "1-3-(4,)");
  EXPECT_EQ(Render("{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}in{% endcall %}"),
            "[in]");
}

TEST(Jinja, ValuesPrintAsPython) {
  EXPECT_EQ(
      Render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ none }} {{ true }} {{ [1, 'a'] }} {{ {'k': (1,)} }}"),
      "1.0 0.30000000000000004 None True [1, 'a'] {'k': (1,)}");
  EXPECT_EQ(Render("{{ 7 // -2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 'a' ~ 1 }}"), "-4 2 1024 a1");
}

TEST(Jinja, ListsAndDictsAreShared) {
  EXPECT_EQ(Render("{% set l = [] %}{% do l.append(1) %}{% set m = {'l': l} %}{% do m.l.append(2) "
                   "%}{{ l }}"),
            "[1, 2]");
}

TEST(Jinja, ErrorsNameTheTemplateLineAndColumn) {
  Diagnostic syntax = Fail("ok\n{% if x %}\nno end");
  EXPECT_EQ(syntax.code, Code::kTemplateSyntax);
  EXPECT_EQ(syntax.location.file, "t.sql");
  Diagnostic runtime = Fail("line 1\n  {{ 1 / 0 }}");
  EXPECT_EQ(runtime.code, Code::kTemplateRender);
  EXPECT_EQ(runtime.location.line, 2u);
  EXPECT_EQ(runtime.message, "division by zero");
  EXPECT_EQ(Fail("{{ x | nope }}").message, "No filter named 'nope'.");
  EXPECT_EQ(Fail("{{ undefined_fn() }}").message, "'undefined_fn' is undefined");
}

}  // namespace
}  // namespace floe::jinja

namespace floe::jinja {
namespace {

Value ConfigLike(Value severity) {
  Dict meta;
  meta.Set(Value("owner"), Value("data"));
  Dict d;
  d.Set(Value("severity"), std::move(severity));
  d.Set(Value("tags"), Value(List{Value("a")}));
  d.Set(Value("meta"), Value(std::move(meta)));
  return Value(std::move(d));
}

TEST(ValueInterner, EqualValuesAreStoredOnce) {
  ValueInterner interner;
  Value a = interner.Intern(ConfigLike(Value("ERROR")));
  Value b = interner.Intern(ConfigLike(Value("ERROR")));
  EXPECT_TRUE(a.SameAs(b));
  Value c = interner.Intern(ConfigLike(Value("warn")));
  EXPECT_FALSE(a.SameAs(c));
  EXPECT_TRUE(c.Equals(ConfigLike(Value("warn"))));
  // equal parts of different values are shared too
  EXPECT_TRUE(a.as_dict().FindKey("meta")->SameAs(*c.as_dict().FindKey("meta")));
}

TEST(ValueInterner, TypesStayApart) {
  ValueInterner interner;
  Value list = interner.Intern(Value(List{Value(1)}));
  Value tuple = interner.Intern(Value(List{Value(1)}, /*tuple=*/true));
  Value floats = interner.Intern(Value(List{Value(1.0)}));
  Value none = interner.Intern(Value(List{Value::MakeNone()}));
  Value undefined = interner.Intern(Value(List{Value()}));
  EXPECT_FALSE(list.SameAs(tuple));
  EXPECT_TRUE(tuple.is_tuple());
  EXPECT_FALSE(list.SameAs(floats));
  EXPECT_FALSE(none.SameAs(undefined));
}

TEST(ValueInterner, HostObjectsAndScalarsAreReturnedAsTheyAre) {
  ValueInterner interner;
  Value f = Value::Function("f", [](Interpreter&, Arguments&) { return Value(); });
  Value with_object(List{f});
  EXPECT_TRUE(interner.Intern(with_object).SameAs(with_object));
  EXPECT_EQ(interner.Intern(Value("x")).as_string(), "x");
}

TEST(ValueInterner, ForgetsWhenFull) {
  ValueInterner interner(2);
  Value first = interner.Intern(Value(List{Value(1)}));
  interner.Intern(Value(List{Value(2)}));
  interner.Intern(Value(List{Value(3)}));  // full: forgets, then remembers this one
  EXPECT_FALSE(interner.Intern(Value(List{Value(1)})).SameAs(first));
}

}  // namespace
}  // namespace floe::jinja

namespace floe::jinja {
namespace {

std::string RenderLenient(const std::string& source) {
  Template tpl = Parse(source, "t.sql");
  Dict globals;
  Interpreter in(globals);
  in.set_lenient_undefined(true);
  return in.Render(tpl);
}

TEST(LenientUndefined, TopLevelAttributesItemsAndCallsOfUndefinedAreUndefined) {
  EXPECT_EQ(RenderLenient("a{{ missing_macro('x') }}b{{ pkg.helper(1).y[0] }}c"), "abc");
  EXPECT_EQ(RenderLenient("{% for x in graph.nodes.values() %}{{ x }}{% endfor %}n"), "n");
}

TEST(LenientUndefined, MacroBodiesStayStrict) {
  EXPECT_THROW(RenderLenient("{% macro m() %}{{ missing_macro() }}{% endmacro %}{{ m() }}"),
               TemplateError);
}

TEST(LenientUndefined, OffByDefault) {
  Template tpl = Parse("{{ missing_macro() }}", "t.sql");
  Dict globals;
  Interpreter in(globals);
  EXPECT_THROW(in.Render(tpl), TemplateError);
}

}  // namespace
}  // namespace floe::jinja

namespace floe::jinja {
namespace {

TEST(Value, TextsOfEveryLengthKeepTheirBytes) {
  // Up to 14 bytes a text is kept in the value itself, longer ones in a shared block: both
  // sides of that boundary, and texts with NUL bytes.
  for (size_t n : {0, 1, 13, 14, 15, 16, 100}) {
    std::string text(n, 'x');
    if (n > 2)
      text[1] = '\0';
    Value v(text);
    Value copy = v;
    Value moved = std::move(copy);
    EXPECT_EQ(v.as_string(), text);
    EXPECT_EQ(moved.as_string(), text);
    EXPECT_TRUE(moved.Equals(v));
    Value undefined = Value::MakeUndefined(text);
    EXPECT_TRUE(undefined.is_undefined());
    EXPECT_EQ(undefined.undefined_name(), text);
  }
}

TEST(Value, AssignmentReleasesWhatWasHeld) {
  Value v(std::string(40, 'a'));
  Value w(List{Value(1)});
  v = w;  // the long text is released, the list shared
  w.as_list().push_back(Value(2));
  EXPECT_EQ(v.as_list().size(), 2u);
  v = Value("short");
  EXPECT_EQ(v.as_string(), "short");
  EXPECT_EQ(w.as_list().size(), 2u);
  Value& self = v;
  v = self;
  EXPECT_EQ(v.as_string(), "short");
  EXPECT_EQ(sizeof(Value), 16u);
}

}  // namespace
}  // namespace floe::jinja

namespace floe::jinja {
namespace {

Dict Shape(int a, int b) {
  Dict d;
  d.Append(Value("a"), Value(a));
  d.Append(Value("a_long_key_of_a_node"), Value(b));
  return d;
}

TEST(Dict, DictsOfOneShapeShareKeysAndStayApart) {
  Dict x = Shape(1, 2);
  Dict y = Shape(3, 4);
  x.ShareKeys();
  y.ShareKeys();
  EXPECT_EQ(&x.key(0), &y.key(0));  // one key list
  y.Append(Value("c"), Value(5));   // y takes its own copy first
  y.Set(Value("a"), Value(6));
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x.FindKey("a")->as_int(), 1);
  EXPECT_EQ(x.FindKey("c"), nullptr);
  EXPECT_EQ(y.FindKey("a")->as_int(), 6);
  EXPECT_EQ(y.FindKey("a_long_key_of_a_node")->as_int(), 4);
  EXPECT_EQ(y.FindKey("c")->as_int(), 5);
  Dict z = x;  // a copy shares the keys, not the values
  z.Set(Value("a"), Value(7));
  EXPECT_TRUE(z.Erase(Value("a_long_key_of_a_node")));
  EXPECT_EQ(x.FindKey("a")->as_int(), 1);
  EXPECT_EQ(x.size(), 2u);
  EXPECT_EQ(z.size(), 1u);
  std::string order;
  for (const auto& [k, v] : y.entries())
    order += std::string(k.as_string()) + "=" + v.Str() + " ";
  EXPECT_EQ(order, "a=6 a_long_key_of_a_node=4 c=5 ");
}

TEST(Dict, LargeDictsFindEveryKeyAfterChanges) {
  Dict d;
  for (int i = 0; i < 200; ++i)
    d.Append(Value("key_number_" + std::to_string(i)), Value(i));
  Dict copy = d;
  EXPECT_TRUE(copy.Erase(Value("key_number_10")));
  copy.Set(Value("key_number_500"), Value(500));
  for (int i = 0; i < 200; ++i) {
    ASSERT_NE(d.FindKey("key_number_" + std::to_string(i)), nullptr);
    EXPECT_EQ(d.FindKey("key_number_" + std::to_string(i))->as_int(), i);
  }
  EXPECT_EQ(copy.FindKey("key_number_10"), nullptr);
  EXPECT_EQ(copy.FindKey("key_number_11")->as_int(), 11);
  EXPECT_EQ(copy.FindKey("key_number_500")->as_int(), 500);
  EXPECT_EQ(d.FindKey("key_number_500"), nullptr);
}

TEST(TextInterner, EqualLongTextsShareOneBlock) {
  TextInterner texts;
  Value a = texts.Intern("models/staging/schema.yml");
  Value b = texts.Intern(std::string("models/staging/") + "schema.yml");
  EXPECT_EQ(a.identity(), b.identity());
  EXPECT_EQ(b.as_string(), "models/staging/schema.yml");
  EXPECT_EQ(texts.Intern("short").as_string(), "short");
}

}  // namespace
}  // namespace floe::jinja

namespace floe::jinja {
namespace {

TEST(Value, ReprQuotesAsPython) {
  EXPECT_EQ(Value("plain").Repr(), "'plain'");
  EXPECT_EQ(Value("it's").Repr(), "\"it's\"");
  EXPECT_EQ(Value("it's \"both\"").Repr(), "'it\\'s \"both\"'");
  EXPECT_EQ(Value("say \"hi\"").Repr(), "'say \"hi\"'");
  EXPECT_EQ(Value("a\\b\tc\n\x01\x7f").Repr(), "'a\\\\b\\tc\\n\\x01\\x7f'");
  EXPECT_EQ(Value("").Repr(), "''");
}

}  // namespace
}  // namespace floe::jinja
