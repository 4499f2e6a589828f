// CriteoBatch: collects generated rows into an ORC vector tree of criteo_schema() for
// orc::Writer::add — ids scrambled with categorical_id(), missing numerics as null or empty
// lists, the label as a one-element list. Used by the generator. Thread-safety: one thread.
#pragma once

#include <memory>

#include "recis/datagen/criteo_row.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/type.h"

namespace recis::datagen {

class CriteoBatch {
 public:
  explicit CriteoBatch(bool with_sequence);

  void append(const CriteoRow& row);
  // Empties the batch, keeping its buffers.
  void clear();

  std::size_t rows() const { return root_->num_rows; }
  const orc::ColumnVector& vector() const { return *root_; }
  const orc::Type& schema() const { return schema_; }

 private:
  orc::Type schema_;
  bool with_sequence_;
  std::unique_ptr<orc::ColumnVector> root_;
};

}  // namespace recis::datagen
