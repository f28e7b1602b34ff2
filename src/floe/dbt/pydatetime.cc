#include "floe/dbt/pydatetime.h"

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "floe/dbt/context.h"

namespace floe::dbt {

using jinja::Arguments;
using jinja::Callable;
using jinja::Dict;
using jinja::Interpreter;
using jinja::Value;

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

[[noreturn]] void Fail(std::string message) {
  throw CompilationError{std::move(message)};
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::tm ToTm(int64_t micros) {
  time_t seconds = static_cast<time_t>(FloorDiv(micros, kMicrosPerSecond));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

int64_t FromFields(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                   int64_t second, int64_t micro) {
  if (month < 1 || month > 12 || day < 1 || day > 31)
    Fail("day is out of range for month");
  std::tm tm{};
  tm.tm_year = static_cast<int>(year - 1900);
  tm.tm_mon = static_cast<int>(month - 1);
  tm.tm_mday = static_cast<int>(day);
  tm.tm_hour = static_cast<int>(hour);
  tm.tm_min = static_cast<int>(minute);
  tm.tm_sec = static_cast<int>(second);
  time_t t = timegm(&tm);
  std::tm check{};
  gmtime_r(&t, &check);
  if (check.tm_mday != day)
    Fail("day is out of range for month");
  return static_cast<int64_t>(t) * kMicrosPerSecond + micro;
}

std::string Strftime(int64_t micros, const std::string& fmt) {
  std::tm tm = ToTm(micros);
  std::string f;
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] == '%' && i + 1 < fmt.size() && fmt[i + 1] == 'f') {
      char buf[8];
      snprintf(
          buf, sizeof buf, "%06lld",
          static_cast<long long>(micros - FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond));
      f += buf;
      ++i;
    } else {
      f += fmt[i];
    }
  }
  char out[512];
  size_t n = std::strftime(out, sizeof out, f.c_str(), &tm);
  return std::string(out, n);
}

class TimeDelta : public Callable {
 public:
  explicit TimeDelta(int64_t micros) : micros_(micros) {}
  int64_t micros() const { return micros_; }
  std::string name() const override { return "timedelta"; }
  std::string type_name() const override { return "timedelta"; }
  bool callable() const override { return false; }
  bool truthy() const override { return micros_ != 0; }
  Value Call(Interpreter&, Arguments&) override { Fail("'timedelta' object is not callable"); }
  int64_t days() const { return FloorDiv(micros_, kMicrosPerDay); }
  int64_t rest() const { return micros_ - days() * kMicrosPerDay; }
  Value Attr(const std::string& n) override {
    if (n == "days")
      return Value(days());
    if (n == "seconds")
      return Value(rest() / kMicrosPerSecond);
    if (n == "microseconds")
      return Value(rest() % kMicrosPerSecond);
    if (n == "total_seconds") {
      double s = static_cast<double>(micros_) / kMicrosPerSecond;
      return Value::Function("total_seconds", [s](Interpreter&, Arguments&) { return Value(s); });
    }
    return Value::MakeUndefined(n);
  }
  std::string str() const override {
    int64_t r = rest() / kMicrosPerSecond;
    char buf[64];
    snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(r / 3600),
             static_cast<long long>(r / 60 % 60), static_cast<long long>(r % 60));
    std::string out = buf;
    if (rest() % kMicrosPerSecond != 0) {
      snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(rest() % kMicrosPerSecond));
      out += buf;
    }
    int64_t d = days();
    if (d != 0)
      out = std::to_string(d) + (d == 1 || d == -1 ? " day, " : " days, ") + out;
    return out;
  }
  std::string repr() const override { return "datetime.timedelta(" + str() + ")"; }
  bool Binary(const std::string& op, const Value& other, bool reflected, Value* out) override;
  bool Compare(const Value& other, int* result) const override {
    auto* o = other.is_object() ? dynamic_cast<TimeDelta*>(other.as_object().get()) : nullptr;
    if (o == nullptr)
      return false;
    *result = micros_ < o->micros_ ? -1 : micros_ > o->micros_ ? 1 : 0;
    return true;
  }

 private:
  int64_t micros_;
};

Value MakeDelta(int64_t micros) {
  return Value(std::shared_ptr<Callable>(std::make_shared<TimeDelta>(micros)));
}

class DateTime : public Callable {
 public:
  DateTime(int64_t micros, bool date_only) : micros_(micros), date_only_(date_only) {}
  int64_t micros() const { return micros_; }
  bool date_only() const { return date_only_; }
  std::string name() const override { return date_only_ ? "date" : "datetime"; }
  std::string type_name() const override { return name(); }
  bool callable() const override { return false; }
  Value Call(Interpreter&, Arguments&) override { Fail("'" + name() + "' object is not callable"); }
  std::string str() const override {
    if (date_only_)
      return Strftime(micros_, "%Y-%m-%d");
    bool has_micros = micros_ % kMicrosPerSecond != 0;
    return Strftime(micros_, has_micros ? "%Y-%m-%d %H:%M:%S.%f" : "%Y-%m-%d %H:%M:%S");
  }
  std::string repr() const override {
    std::tm tm = ToTm(micros_);
    char buf[96];
    if (date_only_) {
      snprintf(buf, sizeof buf, "datetime.date(%d, %d, %d)", tm.tm_year + 1900, tm.tm_mon + 1,
               tm.tm_mday);
    } else {
      snprintf(buf, sizeof buf, "datetime.datetime(%d, %d, %d, %d, %d, %d)", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return buf;
  }
  Value Attr(const std::string& n) override {
    std::tm tm = ToTm(micros_);
    int64_t m = micros_;
    bool d = date_only_;
    if (n == "year")
      return Value(tm.tm_year + 1900);
    if (n == "month")
      return Value(tm.tm_mon + 1);
    if (n == "day")
      return Value(tm.tm_mday);
    if (!d && n == "hour")
      return Value(tm.tm_hour);
    if (!d && n == "minute")
      return Value(tm.tm_min);
    if (!d && n == "second")
      return Value(tm.tm_sec);
    if (!d && n == "microsecond")
      return Value(m - FloorDiv(m, kMicrosPerSecond) * kMicrosPerSecond);
    if (n == "strftime")
      return Value::Function("strftime", [m](Interpreter&, Arguments& a) {
        return Value(Strftime(m, a.Get(0, "format").Str()));
      });
    if (n == "isoformat")
      return Value::Function("isoformat", [m, d](Interpreter&, Arguments& a) {
        if (d)
          return Value(Strftime(m, "%Y-%m-%d"));
        std::string sep = a.Get(0, "sep", Value("T")).Str();
        bool has_micros = m % kMicrosPerSecond != 0;
        return Value(Strftime(m, "%Y-%m-%d" + sep + (has_micros ? "%H:%M:%S.%f" : "%H:%M:%S")));
      });
    if (n == "date")
      return Value::Function("date", [m](Interpreter&, Arguments&) {
        return MakeDateTime(FloorDiv(m, kMicrosPerDay) * kMicrosPerDay, true);
      });
    if (n == "weekday" || n == "isoweekday") {
      int w = (tm.tm_wday + 6) % 7;  // Monday 0
      int v = n == "weekday" ? w : w + 1;
      return Value::Function(n, [v](Interpreter&, Arguments&) { return Value(v); });
    }
    if (n == "timestamp") {
      double s = static_cast<double>(m) / kMicrosPerSecond;
      return Value::Function("timestamp", [s](Interpreter&, Arguments&) { return Value(s); });
    }
    if (n == "replace")
      return Value::Function("replace", [tm, m, d](Interpreter&, Arguments& a) {
        auto field = [&](const char* k, int64_t cur) {
          Value v = a.Get(99, k, Value(cur));
          return v.as_int();
        };
        int64_t micro = m - FloorDiv(m, kMicrosPerSecond) * kMicrosPerSecond;
        return MakeDateTime(FromFields(field("year", tm.tm_year + 1900),
                                       field("month", tm.tm_mon + 1), field("day", tm.tm_mday),
                                       field("hour", tm.tm_hour), field("minute", tm.tm_min),
                                       field("second", tm.tm_sec), field("microsecond", micro)),
                            d);
      });
    return Value::MakeUndefined(n);
  }
  bool Binary(const std::string& op, const Value& other, bool reflected, Value* out) override {
    auto* delta = other.is_object() ? dynamic_cast<TimeDelta*>(other.as_object().get()) : nullptr;
    auto* date = other.is_object() ? dynamic_cast<DateTime*>(other.as_object().get()) : nullptr;
    if (op == "+" && delta != nullptr) {
      *out = MakeDateTime(micros_ + delta->micros(), date_only_);
      return true;
    }
    if (op == "-" && delta != nullptr && !reflected) {
      *out = MakeDateTime(micros_ - delta->micros(), date_only_);
      return true;
    }
    if (op == "-" && date != nullptr) {
      *out = MakeDelta(reflected ? date->micros_ - micros_ : micros_ - date->micros_);
      return true;
    }
    return false;
  }
  bool Compare(const Value& other, int* result) const override {
    auto* o = other.is_object() ? dynamic_cast<DateTime*>(other.as_object().get()) : nullptr;
    if (o == nullptr)
      return false;
    *result = micros_ < o->micros_ ? -1 : micros_ > o->micros_ ? 1 : 0;
    return true;
  }

 private:
  int64_t micros_;
  bool date_only_;
};

bool TimeDelta::Binary(const std::string& op, const Value& other, bool reflected, Value* out) {
  if (other.is_object()) {
    if (auto* d = dynamic_cast<TimeDelta*>(other.as_object().get())) {
      if (op == "+") {
        *out = MakeDelta(micros_ + d->micros());
        return true;
      }
      if (op == "-") {
        *out = MakeDelta(reflected ? d->micros() - micros_ : micros_ - d->micros());
        return true;
      }
    }
    return false;
  }
  if (op == "*" && (other.is_int() || other.is_float())) {
    *out = MakeDelta(static_cast<int64_t>(static_cast<double>(micros_) * other.as_double()));
    return true;
  }
  return false;
}

int64_t Now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kMicrosPerSecond + ts.tv_nsec / 1000;
}

// strptime with %f (which the C library lacks): the digits after the seconds.
int64_t Strptime(const std::string& text, const std::string& fmt) {
  std::string f = fmt;
  int64_t micro = 0;
  size_t fpos = f.find("%f");
  std::string t = text;
  if (fpos != std::string::npos) {
    // Cut the fraction out of the text at the same prefix length the format has before %f.
    std::tm probe{};
    std::string head = f.substr(0, fpos);
    const char* rest = strptime(t.c_str(), head.c_str(), &probe);
    if (rest == nullptr)
      Fail("time data '" + text + "' does not match format '" + fmt + "'");
    size_t at = static_cast<size_t>(rest - t.c_str());
    size_t end = at;
    while (end < t.size() && isdigit(static_cast<unsigned char>(t[end])) && end - at < 6)
      ++end;
    std::string digits = t.substr(at, end - at);
    while (digits.size() < 6)
      digits += '0';
    micro = std::stoll(digits);
    t.erase(at, end - at);
    f.erase(fpos, 2);
  }
  std::tm tm{};
  const char* end = strptime(t.c_str(), f.c_str(), &tm);
  if (end == nullptr || *end != '\0')
    Fail("time data '" + text + "' does not match format '" + fmt + "'");
  return static_cast<int64_t>(timegm(&tm)) * kMicrosPerSecond + micro;
}

// `datetime.datetime` / `datetime.date`: callable classes with class methods.
class DateClass : public Callable {
 public:
  explicit DateClass(bool date_only) : date_only_(date_only) {}
  std::string name() const override { return date_only_ ? "date" : "datetime"; }
  std::string repr() const override { return "<class 'datetime." + name() + "'>"; }
  Value Call(Interpreter&, Arguments& a) override {
    auto get = [&](size_t i, const char* k, int64_t fallback) {
      return a.Get(i, k, Value(fallback)).as_int();
    };
    int64_t m =
        FromFields(get(0, "year", 1970), get(1, "month", 1), get(2, "day", 1),
                   date_only_ ? 0 : get(3, "hour", 0), date_only_ ? 0 : get(4, "minute", 0),
                   date_only_ ? 0 : get(5, "second", 0), date_only_ ? 0 : get(6, "microsecond", 0));
    return MakeDateTime(m, date_only_);
  }
  Value Attr(const std::string& n) override {
    bool d = date_only_;
    if (n == "now" || n == "utcnow" || n == "today")
      return Value::Function(n, [d](Interpreter&, Arguments&) {
        int64_t now = Now();
        return MakeDateTime(d ? FloorDiv(now, kMicrosPerDay) * kMicrosPerDay : now, d);
      });
    if (n == "strptime" && !d)
      return Value::Function("strptime", [](Interpreter&, Arguments& a) {
        return MakeDateTime(Strptime(a.Get(0, "date_string").Str(), a.Get(1, "format").Str()),
                            false);
      });
    if (n == "fromisoformat")
      return Value::Function("fromisoformat", [d](Interpreter&, Arguments& a) {
        std::string s = a.Get(0, "date_string").Str();
        std::string fmt = s.size() <= 10
                              ? "%Y-%m-%d"
                              : (s[10] == 'T' ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S");
        if (s.find('.') != std::string::npos)
          fmt += ".%f";
        return MakeDateTime(Strptime(s, fmt), d);
      });
    return Value::MakeUndefined(n);
  }

 private:
  bool date_only_;
};

}  // namespace

Value MakeDateTime(int64_t epoch_micros, bool date_only) {
  return Value(std::shared_ptr<Callable>(std::make_shared<DateTime>(epoch_micros, date_only)));
}

Value UtcNow() {
  return MakeDateTime(Now(), false);
}

Value DatetimeModule() {
  Dict m;
  m.Set(Value("datetime"), Value(std::shared_ptr<Callable>(std::make_shared<DateClass>(false))));
  m.Set(Value("date"), Value(std::shared_ptr<Callable>(std::make_shared<DateClass>(true))));
  m.Set(Value("timedelta"), Value::Function("timedelta", [](Interpreter&, Arguments& a) {
          auto num = [&](size_t i, const char* k) { return a.Get(i, k, Value(0)).as_double(); };
          double micros = num(0, "days") * static_cast<double>(kMicrosPerDay) +
                          num(1, "seconds") * kMicrosPerSecond + num(2, "microseconds") +
                          num(3, "milliseconds") * 1000 +
                          num(4, "minutes") * 60 * kMicrosPerSecond +
                          num(5, "hours") * 3600 * kMicrosPerSecond +
                          num(6, "weeks") * 7 * static_cast<double>(kMicrosPerDay);
          return MakeDelta(static_cast<int64_t>(micros));
        }));
  return Value(std::move(m));
}

}  // namespace floe::dbt
