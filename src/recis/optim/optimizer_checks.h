// Range checks for optimizer hyperparameters: each throws ConfigError naming the optimizer, the
// parameter, the value seen and the range expected. Used by the optimizer constructors.
// Pure functions, thread-safe.
#pragma once

#include <string_view>

namespace recis::optim {

void check_non_negative(std::string_view optimizer, std::string_view key, double value);
void check_positive(std::string_view optimizer, std::string_view key, double value);
// value in [0, 1)
void check_beta(std::string_view optimizer, std::string_view key, double value);

}  // namespace recis::optim
