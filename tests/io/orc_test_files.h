// ORC files for the io tests, written with our writer, and the values a dataset must produce
// from them. The "rows table" (struct<id:bigint,ids:array<bigint>,vec:array<double>,label:double>)
// is a pure function of the row id, so expectations need no second reader:
//   ids   row r % 7 == 3 is null, otherwise r % 4 ids r*10, r*10+1, ...
//   vec   {r, -r}; empty when r % 5 == 0 (the dataset's default {0.5, 1.5})
//   label r % 2; null when r % 11 == 0 (default 0.25)
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "recis/io/orc_dataset.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/writer.h"

namespace recis::io::testing {

inline void push_null(orc::ColumnVector& vector, std::size_t row) {
  if (vector.present.empty()) vector.present.assign(row, 1);
  vector.present.push_back(0);
}
inline void push_present(orc::ColumnVector& vector) {
  if (!vector.present.empty()) vector.present.push_back(1);
}

// Writes `rows` rows, filled by fill(batch, first_row, count) in chunks, in stripes of
// `stripe_rows` rows.
inline void write_orc(const std::filesystem::path& path, const std::string& schema, std::size_t rows,
                      std::uint32_t stripe_rows,
                      const std::function<void(orc::StructVector&, std::size_t, std::size_t)>& fill) {
  const orc::Type type = orc::Type::parse(schema);
  orc::Writer writer(path, type,
                     orc::WriterOptions().with_stripe_size(1).with_row_index_stride(stripe_rows).with_compression(
                         orc::proto::ZSTD));
  auto batch = orc::make_column_vector(type);
  for (std::size_t first = 0; first < rows; first += stripe_rows) {
    const std::size_t count = std::min<std::size_t>(stripe_rows, rows - first);
    batch->clear();
    auto& root = static_cast<orc::StructVector&>(*batch);
    fill(root, first, count);
    root.num_rows = count;
    writer.add(root);
  }
  writer.close();
}

inline std::vector<std::int64_t> expected_ids(std::int64_t r) {
  std::vector<std::int64_t> ids;
  if (r % 7 == 3) return ids;
  for (std::int64_t j = 0; j < r % 4; ++j) ids.push_back(r * 10 + j);
  return ids;
}
inline std::vector<double> expected_vec(std::int64_t r) {
  if (r % 5 == 0) return {0.5, 1.5};
  return {static_cast<double>(r), static_cast<double>(-r)};
}
inline double expected_label(std::int64_t r) { return r % 11 == 0 ? 0.25 : static_cast<double>(r % 2); }

// Rows [first_id, first_id + rows) of the rows table.
inline void write_rows_table(const std::filesystem::path& path, std::int64_t first_id, std::size_t rows,
                             std::uint32_t stripe_rows) {
  write_orc(path, "struct<id:bigint,ids:array<bigint>,vec:array<double>,label:double>", rows, stripe_rows,
            [first_id](orc::StructVector& root, std::size_t first, std::size_t count) {
              auto& id = static_cast<orc::LongVector&>(*root.fields[0]);
              auto& ids = static_cast<orc::ListVector&>(*root.fields[1]);
              auto& vec = static_cast<orc::ListVector&>(*root.fields[2]);
              auto& label = static_cast<orc::DoubleVector&>(*root.fields[3]);
              auto& id_values = static_cast<orc::LongVector&>(*ids.elements);
              auto& vec_values = static_cast<orc::DoubleVector&>(*vec.elements);
              for (std::size_t i = 0; i < count; ++i) {
                const std::int64_t r = first_id + static_cast<std::int64_t>(first + i);
                id.values.push_back(r);
                if (r % 7 == 3) {
                  push_null(ids, i);
                } else {
                  push_present(ids);
                  for (const std::int64_t value : expected_ids(r)) id_values.values.push_back(value);
                }
                ids.offsets.push_back(static_cast<std::int64_t>(id_values.values.size()));
                if (r % 5 != 0) {
                  vec_values.values.push_back(static_cast<double>(r));
                  vec_values.values.push_back(static_cast<double>(-r));
                }
                vec.offsets.push_back(static_cast<std::int64_t>(vec_values.values.size()));
                if (r % 11 == 0) {
                  push_null(label, i);
                  label.values.push_back(0);
                } else {
                  push_present(label);
                  label.values.push_back(static_cast<double>(r % 2));
                }
              }
              for (auto& field : root.fields) field->num_rows = count;
              id_values.num_rows = id_values.values.size();
              vec_values.num_rows = vec_values.values.size();
            });
}

inline OrcDatasetOptions rows_table_options(std::vector<std::filesystem::path> paths) {
  return OrcDatasetOptions()
      .with_paths(std::move(paths))
      .with_worker(0, 1)
      .varlen("id")
      .varlen("ids")
      .fixedlen("vec", {0.5, 1.5})
      .fixedlen("label", {0.25});
}

}  // namespace recis::io::testing
