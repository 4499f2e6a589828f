// Fused hash: one FarmHash Fingerprint64 or MurmurHash64A per byte string, as int64.
#include "recis/common/hash.h"
#include "recis/feature/kernel_support.h"

namespace recis::feature {

std::vector<FeatureValue> run_fused(const std::vector<OpCall<HashOp>>& calls, ThreadPool& pool) {
  std::vector<const ragged::RaggedTensor*> inputs;
  std::vector<torch::Tensor> outputs;
  std::vector<int64_t> lengths;
  for (const auto& call : calls) {
    const std::string context = call_context(call);
    const auto* strings = std::get_if<ragged::RaggedTensor>(&only_column(call));
    if (!strings || !strings->is_byte_strings()) {
      throw ConfigError(context + ": needs byte strings (a RaggedTensor of uint8 values), got " +
                        (strings ? ragged::dtype_name(strings->values().scalar_type()) + " values"
                                 : std::string("a dense tensor")));
    }
    const int64_t count = strings->element_count();
    inputs.push_back(strings);
    outputs.push_back(torch::empty({count}, torch::kInt64));
    lengths.push_back(count);
  }
  parallel_over_segments(pool, lengths, kDefaultGrain,
                         [&](std::size_t s, int64_t begin, int64_t end) {
                           const auto* bytes = inputs[s]->values().data_ptr<uint8_t>();
                           const int64_t* bounds = inputs[s]->offsets().back().data_ptr<int64_t>();
                           int64_t* dst = outputs[s].data_ptr<int64_t>();
                           const bool farm = calls[s].op->kind == HashKind::Farm;
                           for (int64_t i = begin; i < end; ++i) {
                             const auto size = static_cast<std::size_t>(bounds[i + 1] - bounds[i]);
                             const uint64_t h = farm ? farm_fingerprint64(bytes + bounds[i], size)
                                                     : murmur_hash64a(bytes + bounds[i], size);
                             dst[i] = static_cast<int64_t>(h);
                           }
                         });
  std::vector<FeatureValue> results;
  results.reserve(calls.size());
  for (std::size_t s = 0; s < calls.size(); ++s) {
    const auto& offsets = inputs[s]->offsets();
    // Rows of one string each (a single offsets level) give one id per row.
    std::vector<torch::Tensor> outer(offsets.begin(), offsets.end() - 1);
    if (outer.empty()) outer.push_back(torch::arange(0, outputs[s].numel() + 1, torch::kInt64));
    results.push_back({ragged::RaggedTensor(outputs[s], outer, inputs[s]->weights())});
  }
  return results;
}

}  // namespace recis::feature
