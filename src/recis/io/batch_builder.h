// BatchBuilder: gathers row ranges of decoded chunks (DecodedChunk: consecutive rows of one
// stripe) until a batch is full, then copies them into one Batch: a [rows, dim] tensor per
// fixedlen column and a RaggedTensor per varlen column (offsets rebased, values and weights
// concatenated), in declaration order. A batch may span chunks, units and epochs.
// Used by OrcDataset's assembling thread. Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "recis/io/column_decoder.h"
#include "recis/io/file_plan.h"
#include "recis/io/orc_dataset_options.h"
#include "recis/ragged/batch.h"

namespace recis::io {

// Rows [first_row, first_row + rows) of one work unit, decoded: columns in declaration order.
struct DecodedChunk {
  std::uint64_t first_row = 0;
  std::uint64_t rows = 0;
  std::vector<DecodedColumn> columns;
};

class BatchBuilder {
 public:
  BatchBuilder(const std::vector<ColumnSpec>& columns, torch::ScalarType float_dtype);

  // Adds rows [begin, end) of `chunk` (chunk-relative) after the rows already gathered.
  void add(std::shared_ptr<const DecodedChunk> chunk, std::uint64_t begin, std::uint64_t end);
  std::uint64_t rows() const { return rows_; }
  // The gathered rows as a Batch (at least one row gathered); starts a new batch.
  ragged::Batch build();

 private:
  struct Piece {
    std::shared_ptr<const DecodedChunk> chunk;
    std::uint64_t begin;
    std::uint64_t end;
  };
  torch::Tensor build_dense(std::size_t column) const;
  ragged::RaggedTensor build_ragged(std::size_t column) const;

  const std::vector<ColumnSpec>& columns_;
  torch::ScalarType float_dtype_;
  std::vector<Piece> pieces_;
  std::uint64_t rows_ = 0;
};

}  // namespace recis::io
