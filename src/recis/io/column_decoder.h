// Turns one declared column of a decoded ORC stripe (an orc::ColumnVector) into flat buffers the
// batch builder slices: dense rows for fixedlen columns, offsets per level plus values (and
// weights) for varlen columns. String values are hashed here (hash_to_id) or, without a hash,
// kept as byte strings (one more offsets level, strings -> bytes); nulls become defaults
// (fixedlen) or empty lists (varlen), and when nothing needs converting the ORC buffers are copied
// whole (the reader keeps their capacity for its next chunk). check_column_type() says up front
// whether a file column fits its declaration.
// Used by OrcDataset's decode threads and by FilePlan. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recis/io/orc_dataset_options.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/type.h"

namespace recis::io {

struct DecodedColumn {
  // varlen: offsets[0] has rows + 1 entries into the next level (offsets[1] for 3 levels, else
  // the values). Empty for fixedlen.
  std::vector<std::vector<std::int64_t>> offsets;
  // Integer and hashed string values.
  std::vector<std::int64_t> ids;
  // fixedlen: rows * dim values, row-major; varlen: floating values.
  std::vector<double> reals;
  // list<struct<id,weight>>: one weight per value.
  std::vector<float> weights;
  // Unhashed strings: their bytes, concatenated; the last offsets level splits them. While
  // decoding, string_ends holds those boundaries.
  std::vector<std::uint8_t> bytes;
  std::vector<std::int64_t> string_ends;
  bool floating = false;
  bool weighted = false;
  bool byte_strings = false;

  // Entries of the level below the lists: values, or strings for byte strings.
  std::size_t num_values() const {
    if (byte_strings) return string_ends.size() - 1;
    return floating ? reals.size() : ids.size();
  }
};

// Throws ConfigError naming `file`, the column, its type and what the declaration accepts.
void check_column_type(const ColumnSpec& spec, const orc::Type& type, const std::string& file);

// Decodes `rows` rows of `vector` (a column checked by check_column_type). `file` and `first_row` (the file row of row 0) name a bad row in errors: a
// fixedlen list of the wrong length throws recis::Error.
DecodedColumn decode_column(const ColumnSpec& spec, orc::ColumnVector& vector, std::size_t rows,
                            const std::string& file, std::uint64_t first_row);

}  // namespace recis::io
