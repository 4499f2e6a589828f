#include "recis/optim/grad_reduce.h"

#include <string>

#include "recis/common/error.h"

namespace recis::optim {

GradReduce parse_grad_reduce(std::string_view name) {
  if (name == "worker") return GradReduce::Worker;
  if (name == "id") return GradReduce::Id;
  throw ConfigError("grad_reduce_by: '" + std::string(name) + "' is not one of worker, id");
}

std::string_view grad_reduce_name(GradReduce mode) {
  return mode == GradReduce::Id ? "id" : "worker";
}

}  // namespace recis::optim
