// Converts CSV text to an ORC file (`recis orc from-csv`). The schema's root is a struct whose
// fields are the CSV columns in order. Cell syntax:
//   - an empty unquoted cell is null; a quoted empty cell ("") is an empty string / list / map;
//   - boolean: true/false/1/0 (any case); integers: decimal digits with an optional sign;
//     float/double: C number syntax (also nan, inf); decimal: -123.45 (at most the column's
//     scale of fraction digits); date: YYYY-MM-DD; timestamp: YYYY-MM-DD HH:MM:SS[.fraction]
//     (or with 'T'), in UTC; string/char/varchar/binary: the cell's bytes;
//   - list<T>: elements separated by ';' ("1;2;3"; an empty element is a null element);
//     map<K,V>: entries separated by ';', key and value by the first ':' ("a:1;b:2").
// Elements of lists and maps are primitive; nested lists, structs and unions are rejected.
// A cell that does not parse raises ConfigError naming the file, line, column and the text.
// CsvBatchReader parses records into column batches; csv_to_orc hands them to a Writer (and
// `recis bench orc-write` times the two apart).
// Thread-safety: csv_to_orc is a pure function of its inputs (writes only `output`); a
// CsvBatchReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "recis/orc/column_vector.h"
#include "recis/orc/type.h"
#include "recis/orc/writer.h"

namespace recis::orc {

class CsvReader;
struct CsvField;

class CsvBatchReader {
 public:
  // Checks the schema (a struct of primitives and lists/maps of primitives; ConfigError naming
  // the column otherwise); skips the first record when `header`.
  CsvBatchReader(std::istream& input, std::string input_name, const Type& schema, bool header);
  ~CsvBatchReader();

  // Clears `batch` (a make_column_vector(schema) struct) and appends up to `max_rows` records;
  // returns how many (0 at the end of the input).
  std::size_t next(ColumnVector& batch, std::size_t max_rows);

 private:
  const Type& schema_;
  std::string input_name_;
  std::unique_ptr<CsvReader> reader_;
  std::vector<CsvField> fields_;
};

struct CsvToOrcOptions {
  bool header = false;             // skip the first record (column names)
  std::size_t batch_rows = 10000;  // rows handed to the writer at a time
  WriterOptions writer;
};

// Reads CSV from `input` (named `input_name` in errors) and writes `output`; returns the rows.
std::uint64_t csv_to_orc(std::istream& input, const std::string& input_name,
                         const std::filesystem::path& output, const Type& schema,
                         const CsvToOrcOptions& options = {});

}  // namespace recis::orc
