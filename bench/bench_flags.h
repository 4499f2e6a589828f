// The `--flag VALUE` arguments of a bench: each bench lists its flags with a setter, and
// parse_bench_flags turns unknown flags, missing values and bad values into one-line ConfigErrors
// naming the bench, the flag and the value. Called at the start of each bench's run; stateless.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace recis::bench {

struct BenchFlag {
  std::string name;  // "--rows"
  // Stores the value; throws any std::exception (its what() says what was expected) when bad.
  std::function<void(const std::string& value)> set;
  bool takes_value = true;  // false: a switch, set("") when present
  bool takes_many = false;  // every following argument up to the next --flag, set() for each
};

void parse_bench_flags(const std::string& bench, const std::vector<std::string>& args,
                       const std::vector<BenchFlag>& flags);

// A decimal integer >= 1; throws std::invalid_argument otherwise.
int64_t parse_positive_integer(const std::string& text);

// A switch without a value (--breakdown).
inline BenchFlag switch_flag(std::string name, bool* target) {
  return {std::move(name), [target](const std::string&) { *target = true; }, false};
}

// One or more values (--files a.orc b.orc, as a shell glob expands).
inline BenchFlag list_flag(std::string name, std::vector<std::string>* target) {
  return {std::move(name), [target](const std::string& value) { target->push_back(value); }, true,
          true};
}

// Any text value (--model dcnv2).
inline BenchFlag string_flag(std::string name, std::string* target) {
  return {std::move(name), [target](const std::string& value) { *target = value; }};
}

template <typename Int>
BenchFlag positive_integer_flag(std::string name, Int* target) {
  return {std::move(name),
          [target](const std::string& value) { *target = static_cast<Int>(parse_positive_integer(value)); }};
}

}  // namespace recis::bench
