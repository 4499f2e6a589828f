#include "recis/optim/optimizer_checks.h"

#include <cmath>
#include <string>

#include "recis/common/error.h"

namespace recis::optim {
namespace {

[[noreturn]] void fail(std::string_view optimizer, std::string_view key, double value,
                       std::string_view expected) {
  throw ConfigError(std::string(optimizer) + ": '" + std::string(key) + "' must be " +
                    std::string(expected) + ", got " + std::to_string(value));
}

}  // namespace

void check_non_negative(std::string_view optimizer, std::string_view key, double value) {
  if (!std::isfinite(value) || value < 0) fail(optimizer, key, value, "a finite number >= 0");
}

void check_positive(std::string_view optimizer, std::string_view key, double value) {
  if (!std::isfinite(value) || value <= 0) fail(optimizer, key, value, "a finite number > 0");
}

void check_beta(std::string_view optimizer, std::string_view key, double value) {
  if (!(value >= 0 && value < 1)) fail(optimizer, key, value, "in [0, 1)");
}

}  // namespace recis::optim
