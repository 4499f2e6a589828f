// CsvReader: RFC 4180 records from a text stream: fields separated by commas, optionally quoted
// with '"' (a doubled quote inside stands for one; quoted fields may hold commas and newlines),
// records ended by \n or \r\n. Used by csv_to_orc (`recis orc from-csv`). It remembers whether
// each field was quoted, so an empty unquoted field can mean null and "" an empty value.
// Thread-safety: one thread at a time.
#pragma once

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
  CsvReader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

  // Reads the next record into `fields`; false at the end of the input. A blank line is a
  // record with one empty field. Throws ConfigError (naming the line) for an unterminated
  // quote or text after a closing quote.
  bool next(std::vector<CsvField>& fields);

  // The line on which the record last returned by next() starts (1-based).
  std::uint64_t record_line() const { return record_line_; }
  const std::string& name() const { return name_; }

 private:
  std::istream& in_;
  std::string name_;
  std::uint64_t line_ = 1;  // the line the next character is on
  std::uint64_t record_line_ = 0;
};

}  // namespace recis::orc
