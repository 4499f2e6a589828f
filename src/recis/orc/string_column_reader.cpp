// Column readers for string, varchar, char and binary: DIRECT (LENGTH + DATA) and DICTIONARY
// (DATA ids into a per-stripe dictionary of LENGTH + DICTIONARY_DATA), RLE v1 or v2.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "recis/orc/column_readers.h"
#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

// Lengths and ids are decoded at most this many at a time.
constexpr std::size_t kDecodeChunk = 4096;

[[noreturn]] void throw_bad_length(const char* what, std::int64_t length, std::size_t available) {
  throw FormatError(std::string(what) + " length " + std::to_string(length) +
                    " is negative or exceeds the " + std::to_string(available) +
                    " bytes at most left in its data");
}

class DirectStringReader final : public ColumnReader {
 public:
  DirectStringReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams),
        lengths_(int_stream(proto::Stream::LENGTH, false)),
        data_(streams.get(type.column_id(), proto::Stream::DATA)) {}

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& vector = static_cast<BytesVector&>(out);
    lengths_buffer_.resize(rows);
    std::int64_t* lengths = lengths_buffer_.data();
    lengths_->next(lengths, count);
    const std::uint64_t available = data_.remaining_at_most();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      if (lengths[i] < 0 || static_cast<std::uint64_t>(lengths[i]) > available - total) {
        throw_bad_length("string", lengths[i], available - total);
      }
      total += static_cast<std::uint64_t>(lengths[i]);
    }
    const std::uint8_t* bytes = data_.take(total);
    vector.bytes.insert(vector.bytes.end(), bytes, bytes + total);
    spread_to_present(lengths, rows, count, appended_present(out, rows));
    std::int64_t offset = vector.offsets.back();
    for (std::size_t i = 0; i < rows; ++i) {
      offset += lengths[i];
      vector.offsets.push_back(offset);
    }
  }

 private:
  std::unique_ptr<IntDecoder> lengths_;
  ByteCursor data_;
  std::vector<std::int64_t> lengths_buffer_;
};

class DictionaryStringReader final : public ColumnReader {
 public:
  DictionaryStringReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams),
        ids_(int_stream(proto::Stream::DATA, false)) {
    try {
      dictionary_ = streams.read_whole(type.column_id(), proto::Stream::DICTIONARY_DATA);
      load_dictionary(streams.encoding(type.column_id()).dictionary_size());
    } catch (const FormatError& e) {
      fail(std::string("dictionary: ") + e.what());
    }
  }

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& vector = static_cast<BytesVector&>(out);
    ids_buffer_.resize(rows);
    std::int64_t* ids = ids_buffer_.data();
    ids_->next(ids, count);
    const std::uint64_t entries = entry_offsets_.size() - 1;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const auto id = static_cast<std::uint64_t>(ids[i]);
      if (id >= entries) {
        throw FormatError("dictionary id " + std::to_string(id) + " is not below the " +
                          std::to_string(entries) + " dictionary entries");
      }
      total += entry_offsets_[id + 1] - entry_offsets_[id];
    }
    spread_to_present(ids, rows, count, appended_present(out, rows));
    const std::uint8_t* present = appended_present(out, rows);
    const std::size_t start = vector.bytes.size();
    vector.bytes.resize(start + total);
    char* dest = vector.bytes.data() + start;
    std::int64_t offset = vector.offsets.back();
    for (std::size_t i = 0; i < rows; ++i) {
      if (present == nullptr || present[i]) {
        const auto id = static_cast<std::size_t>(ids[i]);
        const std::size_t length = entry_offsets_[id + 1] - entry_offsets_[id];
        std::memcpy(dest, dictionary_.data() + entry_offsets_[id], length);
        dest += length;
        offset += static_cast<std::int64_t>(length);
      }
      vector.offsets.push_back(offset);
    }
  }

 private:
  // Reads `size` entry lengths; grows with the data actually decoded, never by `size` alone.
  void load_dictionary(std::uint64_t size) {
    auto lengths = int_stream(proto::Stream::LENGTH, false);
    entry_offsets_.assign(1, 0);
    std::vector<std::int64_t> chunk(kDecodeChunk);
    std::uint64_t offset = 0;
    for (std::uint64_t done = 0; done < size;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kDecodeChunk, size - done));
      lengths->next(chunk.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        if (chunk[i] < 0 || static_cast<std::uint64_t>(chunk[i]) > dictionary_.size() - offset) {
          throw_bad_length("dictionary entry", chunk[i], dictionary_.size() - offset);
        }
        offset += static_cast<std::uint64_t>(chunk[i]);
        entry_offsets_.push_back(offset);
      }
      done += n;
    }
  }

  std::unique_ptr<IntDecoder> ids_;
  std::string dictionary_;
  std::vector<std::uint64_t> entry_offsets_;  // entries + 1 offsets into dictionary_
  std::vector<std::int64_t> ids_buffer_;
};

}  // namespace

std::unique_ptr<ColumnReader> make_string_reader(const Type& type, const StripeStreams& streams) {
  const auto kind = streams.encoding(type.column_id()).kind();
  if (kind == proto::ColumnEncoding::DICTIONARY || kind == proto::ColumnEncoding::DICTIONARY_V2) {
    return std::make_unique<DictionaryStringReader>(type, streams);
  }
  return std::make_unique<DirectStringReader>(type, streams);
}

}  // namespace recis::orc
