#include "recis/io/batch_builder.h"

#include <algorithm>

namespace recis::io {
namespace {

template <typename T>
void copy_converted(const double* from, std::size_t count, T* to) {
  std::copy(from, from + count, to);
}

// Copies reals[begin, end) into `out` at `at`, converting to its dtype.
void copy_reals(const std::vector<double>& reals, std::size_t begin, std::size_t end, torch::Tensor& out,
                std::size_t at) {
  if (out.scalar_type() == torch::kFloat64) {
    copy_converted(reals.data() + begin, end - begin, out.data_ptr<double>() + at);
  } else {
    copy_converted(reals.data() + begin, end - begin, out.data_ptr<float>() + at);
  }
}

}  // namespace

BatchBuilder::BatchBuilder(const std::vector<ColumnSpec>& columns, torch::ScalarType float_dtype)
    : columns_(columns), float_dtype_(float_dtype) {}

void BatchBuilder::add(std::shared_ptr<const DecodedChunk> chunk, std::uint64_t begin, std::uint64_t end) {
  if (begin == end) return;
  rows_ += end - begin;
  pieces_.push_back({std::move(chunk), begin, end});
}

ragged::Batch BatchBuilder::build() {
  ragged::Batch batch;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (columns_[c].kind == ColumnKind::FixedLen) {
      batch.set(columns_[c].name, build_dense(c));
    } else {
      batch.set(columns_[c].name, build_ragged(c));
    }
  }
  pieces_.clear();
  rows_ = 0;
  return batch;
}

torch::Tensor BatchBuilder::build_dense(std::size_t column) const {
  const std::size_t dim = columns_[column].dim();
  torch::Tensor out = torch::empty({static_cast<int64_t>(rows_), static_cast<int64_t>(dim)}, float_dtype_);
  std::size_t at = 0;
  for (const Piece& piece : pieces_) {
    const DecodedColumn& decoded = piece.chunk->columns[column];
    copy_reals(decoded.reals, piece.begin * dim, piece.end * dim, out, at);
    at += (piece.end - piece.begin) * dim;
  }
  return out;
}

ragged::RaggedTensor BatchBuilder::build_ragged(std::size_t column) const {
  const DecodedColumn& first = pieces_.front().chunk->columns[column];
  const std::size_t levels = first.offsets.size();
  // Entries per level (rows, then lists for 3 levels) and values, over all pieces.
  std::vector<std::int64_t> level_sizes(levels, 0);
  std::int64_t value_count = 0;
  for (const Piece& piece : pieces_) {
    const DecodedColumn& decoded = piece.chunk->columns[column];
    std::int64_t lo = static_cast<std::int64_t>(piece.begin);
    std::int64_t hi = static_cast<std::int64_t>(piece.end);
    for (std::size_t l = 0; l < levels; ++l) {
      level_sizes[l] += hi - lo;
      lo = decoded.offsets[l][static_cast<std::size_t>(lo)];
      hi = decoded.offsets[l][static_cast<std::size_t>(hi)];
    }
    value_count += hi - lo;
  }
  std::vector<torch::Tensor> offsets;
  std::vector<std::int64_t*> offset_data;
  for (std::size_t l = 0; l < levels; ++l) {
    offsets.push_back(torch::empty({level_sizes[l] + 1}, torch::kInt64));
    offset_data.push_back(offsets.back().data_ptr<std::int64_t>());
    offset_data.back()[0] = 0;
  }
  const torch::ScalarType value_type =
      first.byte_strings ? torch::kUInt8 : first.floating ? float_dtype_ : torch::kInt64;
  torch::Tensor values = torch::empty({value_count}, value_type);
  std::optional<torch::Tensor> weights;
  if (first.weighted) weights = torch::empty({value_count}, torch::kFloat32);

  std::vector<std::int64_t> written(levels, 0);  // entries written per level
  std::int64_t values_written = 0;
  for (const Piece& piece : pieces_) {
    const DecodedColumn& decoded = piece.chunk->columns[column];
    auto lo = static_cast<std::size_t>(piece.begin);
    auto hi = static_cast<std::size_t>(piece.end);
    for (std::size_t l = 0; l < levels; ++l) {
      const std::vector<std::int64_t>& source = decoded.offsets[l];
      std::int64_t* target = offset_data[l] + written[l];
      const std::int64_t shift = target[0] - source[lo];
      for (std::size_t i = lo; i < hi; ++i) target[i - lo + 1] = source[i + 1] + shift;
      written[l] += static_cast<std::int64_t>(hi - lo);
      const auto next_lo = static_cast<std::size_t>(source[lo]);
      hi = static_cast<std::size_t>(source[hi]);
      lo = next_lo;
    }
    if (decoded.byte_strings) {
      std::copy(decoded.bytes.begin() + static_cast<std::ptrdiff_t>(lo),
                decoded.bytes.begin() + static_cast<std::ptrdiff_t>(hi),
                values.data_ptr<std::uint8_t>() + values_written);
    } else if (decoded.floating) {
      copy_reals(decoded.reals, lo, hi, values, static_cast<std::size_t>(values_written));
    } else {
      std::copy(decoded.ids.begin() + static_cast<std::ptrdiff_t>(lo), decoded.ids.begin() + static_cast<std::ptrdiff_t>(hi),
                values.data_ptr<std::int64_t>() + values_written);
    }
    if (weights) {
      std::copy(decoded.weights.begin() + static_cast<std::ptrdiff_t>(lo),
                decoded.weights.begin() + static_cast<std::ptrdiff_t>(hi), weights->data_ptr<float>() + values_written);
    }
    values_written += static_cast<std::int64_t>(hi - lo);
  }
  return ragged::RaggedTensor(std::move(values), std::move(offsets), std::move(weights));
}

}  // namespace recis::io
