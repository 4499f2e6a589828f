// CsvReader: RFC 4180 records from a text stream: fields separated by commas, optionally quoted
// with '"' (a doubled quote inside stands for one; quoted fields may hold commas and newlines),
// records ended by \n or \r\n. Used by csv_to_orc (`recis orc from-csv`). It remembers whether
// each field was quoted, so an empty unquoted field can mean null and "" an empty value.
// It reads the stream in blocks and copies each unquoted field's run of characters at once.
// Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace recis::orc {

struct CsvField {
  std::string text;
  bool quoted = false;
};

class CsvReader {
 public:
  // `name` appears in error messages.
  CsvReader(std::istream& in, std::string name);

  // Reads the next record into `fields` (reusing its strings); false at the end of the input. A
  // blank line is a record with one empty field. Throws ConfigError (naming the line) for an
  // unterminated quote or text after a closing quote.
  bool next(std::vector<CsvField>& fields);

  // The line on which the record last returned by next() starts (1-based).
  std::uint64_t record_line() const { return record_line_; }
  const std::string& name() const { return name_; }

 private:
  static constexpr int kEnd = -1;
  // The next character (as unsigned char), or kEnd; get() consumes it.
  int get() { return position_ < filled_ || refill() ? static_cast<unsigned char>(buffer_[position_++]) : kEnd; }
  int peek() { return position_ < filled_ || refill() ? static_cast<unsigned char>(buffer_[position_]) : kEnd; }
  bool refill();
  // Appends the rest of an unquoted field's text that is in the buffer, up to the next
  // comma or line end.
  void append_plain_run(std::string& text);

  std::istream& in_;
  std::string name_;
  std::vector<char> buffer_;
  std::size_t position_ = 0, filled_ = 0;
  std::uint64_t line_ = 1;  // the line the next character is on
  std::uint64_t record_line_ = 0;
};

}  // namespace recis::orc
