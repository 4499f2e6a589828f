// Column readers for the nested types. list and map share one reader: LENGTH (unsigned RLE) per
// present row, the children read as one flat run of the lengths' sum, in bounded chunks.
// struct: the children see the struct's presence (a null struct has no child values).
// union: DATA holds a byte tag per present row; each alternative's child holds only the rows
// with its tag.
#include <algorithm>
#include <string>
#include <vector>

#include "recis/orc/byte_rle_decoder.h"
#include "recis/orc/column_readers.h"
#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

// Child rows are read at most this many per call, so memory grows only with decoded data.
constexpr std::uint64_t kChildChunk = 65536;

// list and map: a LENGTH per present row, then the children (list: elements; map: keys and values)
// read as one flat run of the lengths' sum, in chunks of at most kChildChunk rows.
class RepeatedColumnReader final : public ColumnReader {
 public:
  RepeatedColumnReader(const Type& type, const std::vector<bool>& selected,
                       const StripeStreams& streams)
      : ColumnReader(type, streams), lengths_(int_stream(proto::Stream::LENGTH, false)) {
    for (const auto& child : type.children()) {
      children_.push_back(make_column_reader(child, selected, streams));
    }
  }

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    const std::uint64_t total =
        append_lengths(offsets_of(out), rows, count, appended_present(out, rows));
    for (std::size_t c = 0; c < children_.size(); ++c) {
      ColumnVector& child = child_of(out, c);
      for (std::uint64_t left = total; left > 0;) {
        const std::uint64_t n = std::min(left, kChildChunk);
        children_[c]->read(child, static_cast<std::size_t>(n), nullptr);
        left -= n;
      }
    }
  }

 private:
  static std::vector<std::int64_t>& offsets_of(ColumnVector& out) {
    return out.kind == TypeKind::List ? static_cast<ListVector&>(out).offsets
                                      : static_cast<MapVector&>(out).offsets;
  }

  static ColumnVector& child_of(ColumnVector& out, std::size_t child) {
    if (out.kind == TypeKind::List) return *static_cast<ListVector&>(out).elements;
    auto& map = static_cast<MapVector&>(out);
    return child == 0 ? *map.keys : *map.values;
  }

  // Reads the lengths of `count` present rows, appends the offsets of all `rows` rows and
  // returns the lengths' sum, which the stripe's streams must be able to hold.
  std::uint64_t append_lengths(std::vector<std::int64_t>& offsets, std::size_t rows,
                               std::size_t count, const std::uint8_t* present) {
    const std::uint64_t limit = streams_.value_limit() - children_read_;
    scratch_.resize(rows);
    std::int64_t* values = scratch_.data();
    lengths_->next(values, count);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (values[i] < 0 || static_cast<std::uint64_t>(values[i]) > limit - total) {
        throw FormatError("length " + std::to_string(values[i]) +
                          " is negative or more than the stripe's streams can hold (" +
                          std::to_string(limit - total) + ")");
      }
      total += static_cast<std::uint64_t>(values[i]);
    }
    spread_to_present(values, rows, count, present);
    std::int64_t offset = offsets.back();
    for (std::size_t i = 0; i < rows; ++i) {
      offset += values[i];
      offsets.push_back(offset);
    }
    children_read_ += total;
    return total;
  }

  std::unique_ptr<IntDecoder> lengths_;
  std::vector<std::unique_ptr<ColumnReader>> children_;
  std::vector<std::int64_t> scratch_;
  std::uint64_t children_read_ = 0;  // in this stripe, bounded by the stripe's value_limit()
};

class StructColumnReader final : public ColumnReader {
 public:
  StructColumnReader(const Type& type, const std::vector<bool>& selected,
                     const StripeStreams& streams)
      : ColumnReader(type, streams) {
    for (const auto& field : type.children()) {
      if (selected[field.column_id()]) {
        fields_.push_back(make_column_reader(field, selected, streams));
      }
    }
  }

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    append_present(out, rows, incoming);
    auto& vector = static_cast<StructVector&>(out);
    const std::uint8_t* present = appended_present(out, rows);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      fields_[i]->read(*vector.fields[i], rows, present);
    }
  }

 private:
  std::vector<std::unique_ptr<ColumnReader>> fields_;
};

class UnionColumnReader final : public ColumnReader {
 public:
  UnionColumnReader(const Type& type, const std::vector<bool>& selected,
                    const StripeStreams& streams)
      : ColumnReader(type, streams), tags_(streams.get(type.column_id(), proto::Stream::DATA)) {
    for (const auto& child : type.children()) {
      children_.push_back(make_column_reader(child, selected, streams));
    }
    counts_.resize(children_.size());
  }

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& vector = static_cast<UnionVector&>(out);
    const std::uint8_t* present = appended_present(out, rows);
    const std::size_t start = vector.tags.size();
    vector.tags.resize(start + rows);
    vector.child_rows.resize(start + rows);
    std::uint8_t* tags = vector.tags.data() + start;
    tags_.next(tags, count);
    spread_to_present(tags, rows, count, present);
    std::fill(counts_.begin(), counts_.end(), 0);
    for (std::size_t i = 0; i < rows; ++i) {
      if (present != nullptr && !present[i]) {
        vector.child_rows[start + i] = 0;
        continue;
      }
      const std::uint8_t tag = tags[i];
      if (tag >= children_.size()) {
        throw FormatError("tag " + std::to_string(tag) + " but only " +
                          std::to_string(children_.size()) + " alternatives");
      }
      vector.child_rows[start + i] =
          static_cast<std::int64_t>(vector.children[tag]->num_rows + counts_[tag]);
      ++counts_[tag];
    }
    for (std::size_t c = 0; c < children_.size(); ++c) {
      children_[c]->read(*vector.children[c], counts_[c], nullptr);
    }
  }

 private:
  ByteRleDecoder tags_;
  std::vector<std::unique_ptr<ColumnReader>> children_;
  std::vector<std::size_t> counts_;
};

}  // namespace

std::unique_ptr<ColumnReader> make_list_reader(const Type& type, const std::vector<bool>& selected,
                                               const StripeStreams& streams) {
  return std::make_unique<RepeatedColumnReader>(type, selected, streams);
}

std::unique_ptr<ColumnReader> make_map_reader(const Type& type, const std::vector<bool>& selected,
                                              const StripeStreams& streams) {
  return std::make_unique<RepeatedColumnReader>(type, selected, streams);
}

std::unique_ptr<ColumnReader> make_struct_reader(const Type& type, const std::vector<bool>& selected,
                                                 const StripeStreams& streams) {
  return std::make_unique<StructColumnReader>(type, selected, streams);
}

std::unique_ptr<ColumnReader> make_union_reader(const Type& type, const std::vector<bool>& selected,
                                                const StripeStreams& streams) {
  return std::make_unique<UnionColumnReader>(type, selected, streams);
}

}  // namespace recis::orc
