#include "recis/serialize/core/table_rows.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <utility>

#include "recis/common/error.h"
#include "recis/embedding/core/child_id.h"
#include "recis/embedding/core/half_float.h"
#include "recis/embedding/core/id_owner.h"

namespace recis::serialize {
namespace {

using embedding::ElementType;
using embedding::RowBlocks;
using embedding::RowLayout;
using embedding::RowMeta;
using embedding::SlotSpec;
using embedding::TableCore;

// Rows per chunk: one task writes or reads this many rows of every tensor.
constexpr std::size_t kChunkRows = 16384;
// How many chunks ahead of the one it builds a loading thread has the kernel read.
constexpr std::size_t kPrefetchChunks = 8;

DType dtype_of(ElementType type) {
  switch (type) {
    case ElementType::F32: return DType::F32;
    case ElementType::BF16: return DType::BF16;
    case ElementType::F16: return DType::F16;
  }
  throw Error("unknown embedding element type");
}

std::string slots_text(const std::vector<SlotSpec>& slots) {
  std::string text;
  for (const SlotSpec& slot : slots) {
    if (!text.empty()) text += ',';
    text += slot.name + ':' + std::to_string(slot.width);
  }
  return text;
}

std::string file_error(const SafeTensorsReader& file, const std::string& what) {
  return file.path().string() + ": " + what;
}

std::vector<SlotSpec> parse_slots(const SafeTensorsReader& file, const std::string& text) {
  std::vector<SlotSpec> slots;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, end - start);
    const std::size_t colon = item.rfind(':');
    std::size_t width = 0;
    if (colon != std::string::npos && colon > 0 && colon + 1 < item.size() &&
        item.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
        item.size() - colon - 1 <= 6) {
      width = std::stoul(item.substr(colon + 1));
    }
    if (width == 0) {
      throw Error(file_error(file, "metadata slots: '" + item + "' is not NAME:WIDTH"));
    }
    slots.push_back({item.substr(0, colon), width});
    start = end + 1;
  }
  return slots;
}

const TensorInfo& expect_tensor(const SafeTensorsReader& file, const std::string& name,
                                std::initializer_list<DType> dtypes,
                                std::vector<int64_t> shape) {
  const TensorInfo& info = file.at(name);
  if (std::find(dtypes.begin(), dtypes.end(), info.dtype) == dtypes.end()) {
    throw Error(file_error(file, "tensor '" + name + "' has dtype " +
                                     std::string(dtype_name(info.dtype)) + ", expected " +
                                     std::string(dtype_name(*dtypes.begin()))));
  }
  if (info.shape != shape) {
    auto text = [](const std::vector<int64_t>& dims) {
      std::string out = "[";
      for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
      return out + "]";
    };
    throw Error(file_error(file, "tensor '" + name + "' has shape " + text(info.shape) +
                                     ", expected " + text(shape)));
  }
  return info;
}

std::string required_metadata(const SafeTensorsReader& file, const std::string& key) {
  const auto found = file.metadata().find(key);
  if (found == file.metadata().end()) {
    throw Error(file_error(file, "metadata lacks '" + key + "' (not a RecIS rows file?)"));
  }
  return found->second;
}

std::size_t index_of(const SafeTensorsReader& file, const std::string& name) {
  return static_cast<std::size_t>(&file.at(name) - file.tensors().data());
}

std::span<const std::byte> bytes_of(const void* data, std::size_t size) {
  return {static_cast<const std::byte*>(data), size};
}

// Converts `count` stored elements of `from` to fp32.
void to_floats(DType from, const std::byte* in, std::size_t count, float* out) {
  if (from == DType::F32) {
    std::memcpy(out, in, count * sizeof(float));
    return;
  }
  std::vector<uint16_t> halves(count);
  std::memcpy(halves.data(), in, count * sizeof(uint16_t));
  if (from == DType::BF16) {
    embedding::bf16_to_floats(halves, {out, count});
  } else {
    embedding::fp16_to_floats(halves, {out, count});
  }
}

}  // namespace

std::vector<ChildRows> live_rows_by_child(const TableCore& table, std::size_t children,
                                          ThreadPool& pool) {
  const std::size_t lists = std::max<std::size_t>(1, children);
  const embedding::IdMap& map = table.id_map();
  const std::size_t shards = map.num_shards();
  auto child_of = [&](int64_t id) {
    const std::size_t child =
        lists == 1 ? 0 : static_cast<std::size_t>(embedding::child_of(id));
    if (child >= lists) {
      throw Error("table " + std::to_string(table.options().table_id) + ": id " +
                  std::to_string(id) + " has child index " + std::to_string(child) +
                  " beyond the table's " + std::to_string(lists) + " children");
    }
    return child;
  };
  // Two passes over the shards in parallel: count each shard's rows per child, then write every
  // (id, row) at its place (shard order within each child), so nothing grows or moves.
  std::vector<std::vector<std::size_t>> counts(shards, std::vector<std::size_t>(lists, 0));
  pool.parallel_for(shards, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t s = first; s < last; ++s) {
      map.for_each_in_shard(s, [&](int64_t id, int64_t) { ++counts[s][child_of(id)]; });
    }
  });
  std::vector<ChildRows> out(lists);
  std::vector<std::vector<std::size_t>> start(shards, std::vector<std::size_t>(lists, 0));
  for (std::size_t c = 0; c < lists; ++c) {
    std::size_t total = 0;
    for (std::size_t s = 0; s < shards; ++s) {
      start[s][c] = total;
      total += counts[s][c];
    }
    out[c].ids.resize(total);
    out[c].rows.resize(total);
  }
  pool.parallel_for(shards, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t s = first; s < last; ++s) {
      std::vector<std::size_t> next = start[s];
      map.for_each_in_shard(s, [&](int64_t id, int64_t row) {
        const std::size_t c = child_of(id);
        out[c].ids[next[c]] = id;
        out[c].rows[next[c]] = row;
        ++next[c];
      });
    }
  });
  // A tiered table's disk rows follow its RAM rows, in id order.
  table.for_each_disk_id([&](int64_t id) {
    const std::size_t c = child_of(id);
    out[c].ids.push_back(id);
    out[c].rows.push_back(TableCore::kOnDisk);
  });
  return out;
}

FileDigest write_rows_file(const TableCore& table, const ChildRows& rows, bool strip_child,
                           const RowsFileNames& names, std::span<const int64_t> evicted_ids,
                           const std::filesystem::path& path, ThreadPool& pool) {
  const RowBlocks& blocks = table.rows();
  const RowLayout& layout = blocks.layout();
  const auto n = static_cast<int64_t>(rows.ids.size());
  const auto dim = static_cast<int64_t>(layout.dim());

  std::vector<TensorSpec> specs = {
      {"ids", DType::I64, {n}},
      {"embedding", dtype_of(layout.element_type()), {n, dim}},
      {"last_step", DType::U32, {n}},
      {"count", DType::U32, {n}},
  };
  for (const SlotSpec& slot : layout.slots()) {
    specs.push_back({slot.name, DType::F32, {n, static_cast<int64_t>(slot.width)}});
  }
  if (!evicted_ids.empty()) {
    specs.push_back({"evicted_ids", DType::I64, {static_cast<int64_t>(evicted_ids.size())}});
  }
  const std::map<std::string, std::string> metadata = {
      {"format", kRowsFormat},
      {"table", names.table},
      {"child", names.child},
      {"dim", std::to_string(dim)},
      {"dtype", std::string(embedding::element_type_name(layout.element_type()))},
      {"slots", slots_text(layout.slots())},
  };
  SafeTensorsWriter writer(path, std::move(specs), metadata);

  const std::size_t chunks = (rows.ids.size() + kChunkRows - 1) / kChunkRows;
  pool.parallel_for(chunks, 1, [&](std::size_t first, std::size_t last) {
    std::vector<std::byte> buffer, disk_rows;
    std::vector<const std::byte*> row_data;
    std::vector<int64_t> disk_ids;
    for (std::size_t chunk = first; chunk < last; ++chunk) {
      const std::size_t begin = chunk * kChunkRows;
      const std::size_t end = std::min(rows.ids.size(), begin + kChunkRows);
      const std::size_t count = end - begin;
      // Each row's bytes: in its block, or (a tiered table's cold rows) read from disk at once.
      row_data.resize(count);
      disk_ids.clear();
      for (std::size_t i = 0; i < count; ++i) {
        if (rows.rows[begin + i] == TableCore::kOnDisk) disk_ids.push_back(rows.ids[begin + i]);
      }
      disk_rows.resize(disk_ids.size() * layout.row_bytes());
      table.read_disk_rows(disk_ids, disk_rows.data());
      for (std::size_t i = 0, cold = 0; i < count; ++i) {
        const int64_t row = rows.rows[begin + i];
        row_data[i] = row == TableCore::kOnDisk ? disk_rows.data() + (cold++) * layout.row_bytes()
                                                : blocks.row_data(row);
      }
      auto fill = [&](std::size_t tensor, std::size_t bytes_per_row, auto&& copy_row) {
        buffer.resize(count * bytes_per_row);
        for (std::size_t i = 0; i < count; ++i) {
          copy_row(row_data[i], rows.ids[begin + i], buffer.data() + i * bytes_per_row);
        }
        writer.write(tensor, begin * bytes_per_row, buffer);
      };
      fill(0, sizeof(int64_t), [&](const std::byte*, int64_t id, std::byte* out) {
        const int64_t stored = strip_child ? embedding::child_local_id(id) : id;
        std::memcpy(out, &stored, sizeof stored);
      });
      fill(1, layout.embedding_bytes(), [&](const std::byte* row, int64_t, std::byte* out) {
        std::memcpy(out, row + layout.embedding_offset(), layout.embedding_bytes());
      });
      fill(2, sizeof(uint32_t), [&](const std::byte* row, int64_t, std::byte* out) {
        std::memcpy(out, row + offsetof(RowMeta, last_step), sizeof(uint32_t));
      });
      fill(3, sizeof(uint32_t), [&](const std::byte* row, int64_t, std::byte* out) {
        std::memcpy(out, row + offsetof(RowMeta, count), sizeof(uint32_t));
      });
      for (std::size_t slot = 0; slot < layout.slots().size(); ++slot) {
        const std::size_t slot_bytes = layout.slots()[slot].width * sizeof(float);
        fill(4 + slot, slot_bytes, [&](const std::byte* row, int64_t, std::byte* out) {
          std::memcpy(out, row + layout.slot_offset(slot), slot_bytes);
        });
      }
    }
  });
  if (!evicted_ids.empty()) {
    writer.write(4 + layout.slots().size(), 0,
                 bytes_of(evicted_ids.data(), evicted_ids.size_bytes()));
  }
  return writer.finish();
}

RowsFileLayout read_rows_layout(const SafeTensorsReader& file) {
  if (required_metadata(file, "format") != kRowsFormat) {
    throw Error(file_error(file, "metadata format is '" + required_metadata(file, "format") +
                                     "', expected '" + kRowsFormat + "'"));
  }
  RowsFileLayout layout;
  layout.names = {required_metadata(file, "table"), required_metadata(file, "child")};
  const TensorInfo& ids = file.at("ids");
  if (ids.dtype != DType::I64 || ids.shape.size() != 1) {
    throw Error(file_error(file, "tensor 'ids' must be I64 [N]"));
  }
  const int64_t n = ids.shape[0];
  const TensorInfo& embedding = file.at("embedding");
  if (embedding.shape.size() != 2 || embedding.shape[1] <= 0) {
    throw Error(file_error(file, "tensor 'embedding' must be [N, dim] with dim > 0"));
  }
  const int64_t dim = embedding.shape[1];
  expect_tensor(file, "embedding", {DType::F32, DType::BF16, DType::F16}, {n, dim});
  expect_tensor(file, "last_step", {DType::U32}, {n});
  expect_tensor(file, "count", {DType::U32}, {n});
  layout.rows = static_cast<std::size_t>(n);
  layout.dim = static_cast<std::size_t>(dim);
  layout.element_type = embedding.dtype == DType::F32    ? ElementType::F32
                        : embedding.dtype == DType::BF16 ? ElementType::BF16
                                                         : ElementType::F16;
  layout.slots = parse_slots(file, required_metadata(file, "slots"));
  for (const SlotSpec& slot : layout.slots) {
    expect_tensor(file, slot.name, {DType::F32}, {n, static_cast<int64_t>(slot.width)});
  }
  try {
    const RowLayout checked(layout.dim, layout.element_type, layout.slots);
  } catch (const ConfigError& error) {
    throw Error(file_error(file, std::string("rows no table can hold: ") + error.what()));
  }
  if (const TensorInfo* evicted = file.find("evicted_ids")) {
    if (evicted->dtype != DType::I64 || evicted->shape.size() != 1) {
      throw Error(file_error(file, "tensor 'evicted_ids' must be I64 [M]"));
    }
    layout.evicted = static_cast<std::size_t>(evicted->shape[0]);
  }
  const std::size_t expected_tensors = 4 + layout.slots.size() + (file.find("evicted_ids") ? 1 : 0);
  if (file.tensors().size() != expected_tensors) {
    throw Error(file_error(file, std::to_string(file.tensors().size()) +
                                     " tensors; the metadata's slots account for " +
                                     std::to_string(expected_tensors)));
  }
  return layout;
}

std::vector<int64_t> load_rows_file(TableCore& table, const SafeTensorsReader& file,
                                    int64_t child, ThreadPool& pool, RankShard shard) {
  const RowsFileLayout layout = read_rows_layout(file);
  const RowBlocks& blocks = table.rows();
  const RowLayout& table_layout = blocks.layout();
  if (layout.dim != table_layout.dim()) {
    throw Error(file_error(file, "rows of dim " + std::to_string(layout.dim) + " for child '" +
                                     layout.names.child + "', but its table has dim " +
                                     std::to_string(table_layout.dim())));
  }
  // For each of the file's slots, the table's slot index, or -1 when the table has none (the
  // file's values are then read and dropped).
  std::vector<int64_t> table_slot(layout.slots.size(), -1);
  for (std::size_t t = 0; t < table_layout.slots().size(); ++t) {
    const SlotSpec& wanted = table_layout.slots()[t];
    const auto found = std::find_if(layout.slots.begin(), layout.slots.end(),
                                    [&](const SlotSpec& s) { return s.name == wanted.name; });
    if (found == layout.slots.end() || found->width != wanted.width) {
      throw Error(file_error(file, "no optimizer slot '" + wanted.name + "' of width " +
                                       std::to_string(wanted.width) + " (the file has '" +
                                       slots_text(layout.slots) +
                                       "'); was it saved with another optimizer?"));
    }
    table_slot[static_cast<std::size_t>(found - layout.slots.begin())] = static_cast<int64_t>(t);
  }
  const DType stored = file.at("embedding").dtype;
  const bool same_type = layout.element_type == table_layout.element_type();
  const std::size_t stored_row_bytes = layout.dim * dtype_bytes(stored);

  struct TensorIndexes {
    std::size_t ids, embedding, last_step, count;
    std::vector<std::size_t> slots;
  } index{index_of(file, "ids"), index_of(file, "embedding"), index_of(file, "last_step"),
          index_of(file, "count"), {}};
  for (const SlotSpec& slot : layout.slots) index.slots.push_back(index_of(file, slot.name));

  // The file is columnar: a chunk of rows reads one range of every tensor. Those interleaved
  // streams defeat the kernel's sequential readahead, so each thread asks for its next chunks'
  // ranges ahead itself; the disk then reads while the thread builds rows (a cold 10M-row load
  // took about 12% longer without this).
  std::vector<std::pair<std::size_t, uint64_t>> row_tensors = {  // (tensor, bytes per row)
      {index.ids, sizeof(int64_t)},
      {index.embedding, stored_row_bytes},
      {index.last_step, sizeof(uint32_t)},
      {index.count, sizeof(uint32_t)}};
  for (std::size_t slot = 0; slot < layout.slots.size(); ++slot) {
    row_tensors.emplace_back(index.slots[slot], layout.slots[slot].width * sizeof(float));
  }
  auto prefetch_chunk = [&](std::size_t chunk) {
    for (const auto& [tensor, row_bytes] : row_tensors) {
      file.prefetch(tensor, chunk * kChunkRows * row_bytes, kChunkRows * row_bytes);
    }
  };
  table.reserve_more(
      std::min(table.ram_room(), layout.rows / static_cast<std::size_t>(std::max(1, shard.world))));
  const std::size_t chunks = (layout.rows + kChunkRows - 1) / kChunkRows;
  pool.parallel_for(chunks, 1, [&](std::size_t first, std::size_t last) {
    std::vector<int64_t> ids, rows;
    std::vector<uint32_t> steps, counts;
    std::vector<RowMeta> metas;
    std::vector<std::size_t> kept;  // positions in the chunk of the rows this rank keeps
    std::vector<std::byte> buffer, staged;
    std::vector<std::byte*> row_data;
    std::vector<float> values(layout.dim);
    for (std::size_t ahead = first; ahead < std::min(last, first + kPrefetchChunks); ++ahead) {
      prefetch_chunk(ahead);
    }
    for (std::size_t chunk = first; chunk < last; ++chunk) {
      if (chunk + kPrefetchChunks < last) prefetch_chunk(chunk + kPrefetchChunks);
      const std::size_t begin = chunk * kChunkRows;
      const std::size_t count = std::min(layout.rows, begin + kChunkRows) - begin;
      ids.resize(count);
      steps.resize(count);
      counts.resize(count);
      metas.resize(count);
      rows.resize(count);
      auto read_tensor = [&](std::size_t tensor, void* out, std::size_t bytes_per_row) {
        file.read(tensor, begin * bytes_per_row,
                  {static_cast<std::byte*>(out), count * bytes_per_row});
      };
      read_tensor(index.ids, ids.data(), sizeof(int64_t));
      read_tensor(index.last_step, steps.data(), sizeof(uint32_t));
      read_tensor(index.count, counts.data(), sizeof(uint32_t));
      kept.clear();
      for (std::size_t i = 0; i < count; ++i) {
        const int64_t id = child >= 0 ? embedding::encode_child_id(child, ids[i]) : ids[i];
        if (shard.world > 1 && embedding::owner_of_id(id, shard.world) != shard.rank) continue;
        ids[kept.size()] = id;
        metas[kept.size()] = {steps[i], counts[i]};
        kept.push_back(i);
      }
      const std::size_t keep = kept.size();
      // The rows are built in place: in their blocks, or, when a tiered table's RAM budget has
      // no room for the chunk, in a staging buffer that then goes to the disk tier whole.
      const bool to_disk = table.ram_room() < keep;
      row_data.resize(keep);
      if (to_disk) {
        staged.assign(keep * table_layout.row_bytes(), std::byte{0});
        for (std::size_t k = 0; k < keep; ++k) {
          row_data[k] = staged.data() + k * table_layout.row_bytes();
          std::memcpy(row_data[k], &metas[k], sizeof(RowMeta));
        }
      } else {
        // Every table slot is in the file (checked above) and the embedding is written below.
        table.restore(std::span(ids).first(keep), std::span(metas).first(keep),
                      std::span(rows).first(keep), TableCore::NewRows::kCallerWritesAll);
        for (std::size_t k = 0; k < keep; ++k) row_data[k] = blocks.row_data(rows[k]);
      }

      buffer.resize(count * stored_row_bytes);
      read_tensor(index.embedding, buffer.data(), stored_row_bytes);
      for (std::size_t k = 0; k < keep; ++k) {
        const std::byte* source = buffer.data() + kept[k] * stored_row_bytes;
        if (same_type) {
          std::memcpy(row_data[k] + table_layout.embedding_offset(), source, stored_row_bytes);
        } else {
          to_floats(stored, source, layout.dim, values.data());
          table_layout.store_embedding(row_data[k], values);
        }
      }
      for (std::size_t slot = 0; slot < layout.slots.size(); ++slot) {
        const std::size_t slot_bytes = layout.slots[slot].width * sizeof(float);
        buffer.resize(count * slot_bytes);
        read_tensor(index.slots[slot], buffer.data(), slot_bytes);
        if (table_slot[slot] < 0) continue;
        const std::size_t offset = table_layout.slot_offset(static_cast<std::size_t>(table_slot[slot]));
        for (std::size_t k = 0; k < keep; ++k) {
          std::memcpy(row_data[k] + offset, buffer.data() + kept[k] * slot_bytes, slot_bytes);
        }
      }
      if (to_disk) table.restore_to_disk(std::span(ids).first(keep), staged.data());
    }
  });

  std::vector<int64_t> evicted(layout.evicted);
  if (!evicted.empty()) {
    file.read(index_of(file, "evicted_ids"), 0,
              {reinterpret_cast<std::byte*>(evicted.data()), evicted.size() * sizeof(int64_t)});
    if (child >= 0) {
      for (int64_t& id : evicted) id = embedding::encode_child_id(child, id);
    }
    if (shard.world > 1) {
      std::erase_if(evicted, [&](int64_t id) {
        return embedding::owner_of_id(id, shard.world) != shard.rank;
      });
    }
  }
  return evicted;
}

embedding::TableOptions table_options_for(const RowsFileLayout& layout) {
  embedding::TableOptions options;
  options.dim = layout.dim;
  options.element_type = layout.element_type;
  options.slots = layout.slots;
  return options;
}

}  // namespace recis::serialize
