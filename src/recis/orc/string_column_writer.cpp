// The column writer for string, varchar, char and binary. Binary is always DIRECT (bytes in
// DATA, lengths in LENGTH). Strings start each stripe collecting a dictionary; after the first
// row group, and again when the stripe ends, the stripe switches to DIRECT if distinct values /
// non-null values exceeds the context's ratio (0.8 by default, as Apache ORC). A dictionary
// stripe writes the sorted distinct values (DICTIONARY_DATA + LENGTH) and each value's rank
// (DATA); its row index positions are filled in when the stripe's encoding is decided.
// As Apache ORC's writer, char(n) stores exactly n characters (shorter values padded with spaces,
// longer ones cut) and varchar(n) at most n, counting UTF-8 characters.
#include <algorithm>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>

#include "recis/orc/typed_column_writers.h"

namespace recis::orc {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view value) const {
    return std::hash<std::string_view>{}(value);
  }
};

// The byte length of the first `characters` UTF-8 characters of `value` (all of it if shorter).
std::size_t utf8_prefix_bytes(std::string_view value, std::size_t characters) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const bool starts_character = (static_cast<unsigned char>(value[i]) & 0xC0) != 0x80;
    if (starts_character && characters-- == 0) return i;
  }
  return value.size();
}

std::size_t utf8_length(std::string_view value) {
  std::size_t characters = 0;
  for (const char byte : value) characters += (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
  return characters;
}

class StringColumnWriter final : public ColumnWriter {
 public:
  StringColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context),
        binary_(type.kind() == TypeKind::Binary),
        bounded_(type.kind() == TypeKind::Char || type.kind() == TypeKind::Varchar),
        pad_(type.kind() == TypeKind::Char),
        dictionary_allowed_(!binary_ && context.dictionary_key_ratio > 0),
        data_(make_stream()),
        lengths_(make_stream()),
        dictionary_data_(make_stream()),
        length_encoder_(make_integer_encoder(context.rle_version, *lengths_, false)),
        id_encoder_(make_integer_encoder(context.rle_version, *data_, false)),
        direct_(!dictionary_allowed_) {}

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& strings = vector_as<BytesVector>(vector, type(), name());
    require_size(strings.offsets.size(), end + 1, "offsets");
    for (std::size_t row = begin; row < end; ++row) {
      if (vector.is_null(row)) continue;
      const std::int64_t first = strings.offsets[row];
      const std::int64_t last = strings.offsets[row + 1];
      if (first < 0 || last < first || static_cast<std::uint64_t>(last) > strings.bytes.size()) {
        fail(row, "offsets [" + std::to_string(first) + ", " + std::to_string(last) +
                      ") do not lie within the " + std::to_string(strings.bytes.size()) +
                      " value bytes");
      }
      const std::string_view value = fit_to_length(
          std::string_view(strings.bytes.data() + first, static_cast<std::size_t>(last - first)));
      if (binary_) {
        stats().add_binary(value.size());
      } else {
        stats().add_string(value);
      }
      if (direct_) {
        write_direct(value);
      } else {
        ids_.push_back(intern(value));
      }
    }
  }

  void record_positions(std::vector<std::uint64_t>& positions) override {
    if (direct_) {
      record_direct_positions(positions);
    } else {
      group_starts_.push_back(ids_.size());  // positions follow once the encoding is known
    }
  }

  void on_row_group_finished() override {
    if (!direct_ && entries().entry_size() == 1 && !dictionary_pays()) switch_to_direct();
  }

  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    const std::uint32_t column = type().column_id();
    const bool v2 = context().rle_version == IntRleVersion::V2;
    if (!direct_ && !dictionary_pays()) switch_to_direct();
    if (direct_) {
      length_encoder_->flush();
      data_->finish();
      lengths_->finish();
      streams.push_back({proto::Stream::DATA, column, data_.get()});
      streams.push_back({proto::Stream::LENGTH, column, lengths_.get()});
      encoding.set_kind(v2 ? proto::ColumnEncoding::DIRECT_V2 : proto::ColumnEncoding::DIRECT);
      return;
    }
    write_dictionary();
    streams.push_back({proto::Stream::DATA, column, data_.get()});
    streams.push_back({proto::Stream::DICTIONARY_DATA, column, dictionary_data_.get()});
    streams.push_back({proto::Stream::LENGTH, column, lengths_.get()});
    encoding.set_kind(v2 ? proto::ColumnEncoding::DICTIONARY_V2 : proto::ColumnEncoding::DICTIONARY);
    encoding.set_dictionary_size(static_cast<std::uint32_t>(keys_.size()));
  }

  void clear_streams() override {
    data_->clear();
    lengths_->clear();
    dictionary_data_->clear();
    dictionary_.clear();
    keys_.clear();
    ids_.clear();
    group_starts_.clear();
    dictionary_bytes_ = 0;
    direct_ = !dictionary_allowed_;
  }

  std::size_t own_buffered_size() const override {
    // A dictionary entry costs its bytes plus roughly a hash node.
    constexpr std::size_t kEntryOverhead = 48;
    return data_->buffered_size() + lengths_->buffered_size() + ids_.size() * sizeof(std::uint32_t) +
           dictionary_bytes_ + keys_.size() * kEntryOverhead;
  }

 private:
  // `value` cut or padded to the column's char(n) / varchar(n) length; unchanged otherwise.
  std::string_view fit_to_length(std::string_view value) {
    if (!bounded_) return value;
    const std::size_t max_characters = type().max_length();
    const std::size_t kept = utf8_prefix_bytes(value, max_characters);
    if (kept < value.size() || !pad_) return value.substr(0, kept);
    const std::size_t characters = utf8_length(value);
    if (characters == max_characters) return value;
    padded_.assign(value);
    padded_.append(max_characters - characters, ' ');
    return padded_;
  }

  std::uint32_t intern(std::string_view value) {
    auto found = dictionary_.find(value);
    if (found != dictionary_.end()) return found->second;
    const auto id = static_cast<std::uint32_t>(keys_.size());
    auto inserted = dictionary_.emplace(std::string(value), id).first;
    keys_.push_back(&inserted->first);
    dictionary_bytes_ += value.size();
    return id;
  }

  bool dictionary_pays() const {
    return ids_.empty() ||
           static_cast<double>(keys_.size()) <=
               context().dictionary_key_ratio * static_cast<double>(ids_.size());
  }

  void write_direct(std::string_view value) {
    data_->write(value.data(), value.size());
    length_encoder_->add(static_cast<std::int64_t>(value.size()));
  }

  void record_direct_positions(std::vector<std::uint64_t>& positions) const {
    data_->record_position(positions);
    length_encoder_->record_position(positions);
  }

  // Writes the values collected so far as DIRECT, filling in the positions of the finished
  // row groups, and continues the stripe in DIRECT.
  void switch_to_direct() {
    direct_ = true;
    std::size_t next = 0;
    for (int group = 0; group < entries().entry_size(); ++group) {
      for (; next < group_starts_[static_cast<std::size_t>(group)]; ++next) write_direct(*keys_[ids_[next]]);
      std::vector<std::uint64_t> positions;
      record_direct_positions(positions);
      entries().mutable_entry(group)->mutable_positions()->Add(positions.begin(), positions.end());
    }
    for (; next < ids_.size(); ++next) write_direct(*keys_[ids_[next]]);
    dictionary_.clear();
    keys_.clear();
    ids_.clear();
    group_starts_.clear();
    dictionary_bytes_ = 0;
  }

  // Sorts the dictionary, writes each value's rank with the row groups' positions, then the
  // sorted values and their lengths.
  void write_dictionary() {
    std::vector<std::uint32_t> order(keys_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return *keys_[a] < *keys_[b]; });
    std::vector<std::int64_t> rank(keys_.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<std::int64_t>(i);
    std::size_t next = 0;
    for (int group = 0; group < entries().entry_size(); ++group) {
      for (; next < group_starts_[static_cast<std::size_t>(group)]; ++next) id_encoder_->add(rank[ids_[next]]);
      std::vector<std::uint64_t> positions;
      id_encoder_->record_position(positions);
      entries().mutable_entry(group)->mutable_positions()->Add(positions.begin(), positions.end());
    }
    for (; next < ids_.size(); ++next) id_encoder_->add(rank[ids_[next]]);
    id_encoder_->flush();
    for (const std::uint32_t id : order) {
      const std::string& key = *keys_[id];
      dictionary_data_->write(key.data(), key.size());
      length_encoder_->add(static_cast<std::int64_t>(key.size()));
    }
    length_encoder_->flush();
    data_->finish();
    dictionary_data_->finish();
    lengths_->finish();
  }

  const bool binary_;
  const bool bounded_;  // char(n) / varchar(n): at most n characters
  const bool pad_;      // char(n): padded to n characters
  const bool dictionary_allowed_;
  std::unique_ptr<OutputStream> data_;
  std::unique_ptr<OutputStream> lengths_;
  std::unique_ptr<OutputStream> dictionary_data_;
  std::unique_ptr<IntegerEncoder> length_encoder_;
  std::unique_ptr<IntegerEncoder> id_encoder_;
  bool direct_;
  // Dictionary mode: distinct values (id = insertion order), each value's id, and the value
  // index at which each row group of the stripe starts.
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> dictionary_;
  std::vector<const std::string*> keys_;
  std::vector<std::uint32_t> ids_;
  std::vector<std::size_t> group_starts_;
  std::size_t dictionary_bytes_ = 0;
  std::string padded_;  // the last padded char(n) value
};

}  // namespace

std::unique_ptr<ColumnWriter> make_string_writer(const Type& type, std::string name,
                                                 const ColumnWriterContext& context) {
  return std::make_unique<StringColumnWriter>(type, std::move(name), context);
}

}  // namespace recis::orc
