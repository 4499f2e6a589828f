// Column writers for struct (PRESENT only), list and map (element counts in LENGTH) and union
// (the alternative of each row in DATA as byte RLE). Children receive only the rows under
// non-null parent rows, in order, as ORC lays nested columns out.
#include <string>

#include "recis/orc/byte_rle_encoder.h"
#include "recis/orc/typed_column_writers.h"

namespace recis::orc {
namespace {

// Calls fn(first, last) for each maximal run of non-null rows in [begin, end).
template <typename Fn>
void for_each_present_run(const ColumnVector& vector, std::size_t begin, std::size_t end, Fn&& fn) {
  if (!vector.has_nulls()) {
    if (begin < end) fn(begin, end);
    return;
  }
  std::size_t row = begin;
  while (row < end) {
    while (row < end && vector.present[row] == 0) ++row;
    const std::size_t first = row;
    while (row < end && vector.present[row] != 0) ++row;
    if (first < row) fn(first, row);
  }
}

std::string child_name(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}

class StructColumnWriter final : public ColumnWriter {
 public:
  StructColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context) {
    for (std::size_t i = 0; i < type.num_children(); ++i) {
      add_child(make_column_writer(type.child(i), child_name(this->name(), type.field_names()[i]),
                                   context));
    }
  }

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& fields = vector_as<StructVector>(vector, type(), name()).fields;
    if (fields.size() != children().size()) {
      fail(begin, "the vector has " + std::to_string(fields.size()) + " fields, the type " +
                      std::to_string(children().size()));
    }
    for_each_present_run(vector, begin, end, [&](std::size_t first, std::size_t last) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!fields[i]) fail(first, "field " + std::to_string(i) + " has no vector");
        children()[i]->write(*fields[i], first, last);
      }
    });
    for (std::size_t row = begin; row < end; ++row) {
      if (!vector.is_null(row)) stats().add_value();
    }
  }
  void record_positions(std::vector<std::uint64_t>&) override {}
  void flush_streams(std::vector<StripeStream>&, proto::ColumnEncoding& encoding) override {
    encoding.set_kind(proto::ColumnEncoding::DIRECT);
  }
  void clear_streams() override {}
  std::size_t own_buffered_size() const override { return 0; }
};

// list<T> and map<K, V>: offsets[n + 1] over the children's rows.
class CollectionColumnWriter final : public ColumnWriter {
 public:
  CollectionColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context),
        lengths_(make_stream()),
        length_encoder_(make_integer_encoder(context.rle_version, *lengths_, /*is_signed=*/false)) {
    if (type.kind() == TypeKind::List) {
      add_child(make_column_writer(type.child(0), child_name(this->name(), "_elem"), context));
    } else {
      add_child(make_column_writer(type.child(0), child_name(this->name(), "_key"), context));
      add_child(make_column_writer(type.child(1), child_name(this->name(), "_value"), context));
    }
  }

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const std::vector<std::int64_t>* offsets = nullptr;
    std::vector<const ColumnVector*> items;
    if (type().kind() == TypeKind::List) {
      const auto& list = vector_as<ListVector>(vector, type(), name());
      offsets = &list.offsets;
      items = {list.elements.get()};
    } else {
      const auto& map = vector_as<MapVector>(vector, type(), name());
      offsets = &map.offsets;
      items = {map.keys.get(), map.values.get()};
    }
    require_size(offsets->size(), end + 1, "offsets");
    for (const ColumnVector* item : items) {
      if (item == nullptr) fail(begin, "the vector has no child vector");
    }
    for_each_present_run(vector, begin, end, [&](std::size_t first, std::size_t last) {
      for (std::size_t row = first; row < last; ++row) {
        const std::int64_t length = (*offsets)[row + 1] - (*offsets)[row];
        if ((*offsets)[row] < 0 || length < 0) {
          fail(row, "offsets [" + std::to_string((*offsets)[row]) + ", " +
                        std::to_string((*offsets)[row + 1]) + ") are not an ascending range");
        }
        length_encoder_->add(length);
        stats().add_collection(static_cast<std::uint64_t>(length));
      }
      const auto child_begin = static_cast<std::size_t>((*offsets)[first]);
      const auto child_end = static_cast<std::size_t>((*offsets)[last]);
      for (std::size_t i = 0; i < items.size(); ++i) {
        children()[i]->write(*items[i], child_begin, child_end);
      }
    });
  }
  void record_positions(std::vector<std::uint64_t>& positions) override {
    length_encoder_->record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    length_encoder_->flush();
    lengths_->finish();
    streams.push_back({proto::Stream::LENGTH, type().column_id(), lengths_.get()});
    encoding.set_kind(context().rle_version == IntRleVersion::V2 ? proto::ColumnEncoding::DIRECT_V2
                                                                 : proto::ColumnEncoding::DIRECT);
  }
  void clear_streams() override { lengths_->clear(); }
  std::size_t own_buffered_size() const override { return lengths_->buffered_size(); }

 private:
  std::unique_ptr<OutputStream> lengths_;
  std::unique_ptr<IntegerEncoder> length_encoder_;
};

// uniontype<...>: row i is alternative tags[i], at row child_rows[i] of that child's vector.
class UnionColumnWriter final : public ColumnWriter {
 public:
  UnionColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context), tags_(make_stream()), tag_encoder_(*tags_) {
    for (std::size_t i = 0; i < type.num_children(); ++i) {
      add_child(make_column_writer(type.child(i), child_name(this->name(), std::to_string(i)),
                                   context));
    }
  }

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& united = vector_as<UnionVector>(vector, type(), name());
    require_size(united.tags.size(), end, "tags");
    require_size(united.child_rows.size(), end, "child rows");
    for (std::size_t row = begin; row < end; ++row) {
      if (vector.is_null(row)) continue;
      const std::uint8_t tag = united.tags[row];
      if (tag >= children().size() || tag >= united.children.size() || !united.children[tag]) {
        fail(row, "tag " + std::to_string(tag) + " names no alternative");
      }
      const std::int64_t child_row = united.child_rows[row];
      if (child_row < 0) fail(row, "child row " + std::to_string(child_row) + " is negative");
      tag_encoder_.add(tag);
      stats().add_value();
      const auto at = static_cast<std::size_t>(child_row);
      children()[tag]->write(*united.children[tag], at, at + 1);
    }
  }
  void record_positions(std::vector<std::uint64_t>& positions) override {
    tag_encoder_.record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    tag_encoder_.flush();
    tags_->finish();
    streams.push_back({proto::Stream::DATA, type().column_id(), tags_.get()});
    encoding.set_kind(proto::ColumnEncoding::DIRECT);
  }
  void clear_streams() override { tags_->clear(); }
  std::size_t own_buffered_size() const override { return tags_->buffered_size(); }

 private:
  std::unique_ptr<OutputStream> tags_;
  ByteRleEncoder tag_encoder_;
};

}  // namespace

std::unique_ptr<ColumnWriter> make_compound_writer(const Type& type, std::string name,
                                                   const ColumnWriterContext& context) {
  switch (type.kind()) {
    case TypeKind::Struct: return std::make_unique<StructColumnWriter>(type, std::move(name), context);
    case TypeKind::Union: return std::make_unique<UnionColumnWriter>(type, std::move(name), context);
    default: return std::make_unique<CollectionColumnWriter>(type, std::move(name), context);
  }
}

}  // namespace recis::orc
