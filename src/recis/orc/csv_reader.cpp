#include "recis/orc/csv_reader.h"

#include "recis/common/error.h"

namespace recis::orc {

bool CsvReader::next(std::vector<CsvField>& fields) {
  fields.clear();
  int c = in_.get();
  if (c == std::char_traits<char>::eof()) return false;
  record_line_ = line_;
  fields.emplace_back();
  bool after_quote = false;  // the current field's closing quote has been seen
  while (true) {
    if (c == std::char_traits<char>::eof()) return true;
    CsvField& field = fields.back();
    if (c == '\n' || c == '\r') {
      if (c == '\r' && in_.peek() == '\n') in_.get();
      ++line_;
      return true;
    }
    if (c == ',') {
      fields.emplace_back();
      after_quote = false;
    } else if (c == '"' && field.text.empty() && !field.quoted) {
      field.quoted = true;
      const std::uint64_t quote_line = line_;
      while (true) {
        c = in_.get();
        if (c == std::char_traits<char>::eof()) {
          throw ConfigError(name_ + " line " + std::to_string(quote_line) + " column " +
                            std::to_string(fields.size()) + ": the quoted field never ends");
        }
        if (c == '"') {
          if (in_.peek() != '"') break;
          in_.get();
        }
        if (c == '\n') ++line_;
        field.text.push_back(static_cast<char>(c));
      }
      after_quote = true;
    } else if (after_quote) {
      throw ConfigError(name_ + " line " + std::to_string(line_) + " column " +
                        std::to_string(fields.size()) + ": text after the closing quote");
    } else {
      field.text.push_back(static_cast<char>(c));
    }
    c = in_.get();
  }
}

}  // namespace recis::orc
