#include "recis/orc/csv_reader.h"

#include "recis/common/error.h"

namespace recis::orc {

namespace {
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
}  // namespace

CsvReader::CsvReader(std::istream& in, std::string name)
    : in_(in), name_(std::move(name)), buffer_(kBlockBytes) {}

bool CsvReader::refill() {
  in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  filled_ = static_cast<std::size_t>(in_.gcount());
  position_ = 0;
  return filled_ > 0;
}

void CsvReader::append_plain_run(std::string& text) {
  const std::size_t start = position_;
  while (position_ < filled_) {
    const char c = buffer_[position_];
    if (c == ',' || c == '\n' || c == '\r') break;
    ++position_;
  }
  text.append(buffer_.data() + start, position_ - start);
}

bool CsvReader::next(std::vector<CsvField>& fields) {
  std::size_t used = 0;  // fields of this record so far; fields[used - 1] is the current one
  auto start_field = [&] {
    if (used == fields.size()) fields.emplace_back();
    CsvField& field = fields[used++];
    field.text.clear();
    field.quoted = false;
  };
  int c = get();
  if (c == kEnd) {
    fields.clear();
    return false;
  }
  record_line_ = line_;
  start_field();
  bool after_quote = false;  // the current field's closing quote has been seen
  while (true) {
    if (c == kEnd) break;
    CsvField& field = fields[used - 1];
    if (c == '\n' || c == '\r') {
      if (c == '\r' && peek() == '\n') get();
      ++line_;
      break;
    }
    if (c == ',') {
      start_field();
      after_quote = false;
    } else if (c == '"' && field.text.empty() && !field.quoted) {
      field.quoted = true;
      const std::uint64_t quote_line = line_;
      while (true) {
        c = get();
        if (c == kEnd) {
          throw ConfigError(name_ + " line " + std::to_string(quote_line) + " column " +
                            std::to_string(used) + ": the quoted field never ends");
        }
        if (c == '"') {
          if (peek() != '"') break;
          get();
        }
        if (c == '\n') ++line_;
        field.text.push_back(static_cast<char>(c));
      }
      after_quote = true;
    } else if (after_quote) {
      throw ConfigError(name_ + " line " + std::to_string(line_) + " column " +
                        std::to_string(used) + ": text after the closing quote");
    } else {
      --position_;  // c is still in the buffer: copy it with the rest of its run
      append_plain_run(field.text);
    }
    c = get();
  }
  fields.resize(used);
  return true;
}

}  // namespace recis::orc
