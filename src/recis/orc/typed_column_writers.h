// The factories of the concrete column writers, one per type family, each in its own .cpp
// (boolean/byte/integer/floating in primitive_column_writers.cpp, string_column_writer.cpp,
// decimal_column_writer.cpp, timestamp_column_writer.cpp, compound_column_writers.cpp).
// Only make_column_writer() calls them. Thread-safety: pure factories.
#pragma once

#include <memory>
#include <string>

#include "recis/orc/column_writer.h"

namespace recis::orc {

std::unique_ptr<ColumnWriter> make_boolean_writer(const Type&, std::string, const ColumnWriterContext&);
std::unique_ptr<ColumnWriter> make_byte_writer(const Type&, std::string, const ColumnWriterContext&);
// smallint, int, bigint and date.
std::unique_ptr<ColumnWriter> make_integer_writer(const Type&, std::string, const ColumnWriterContext&);
std::unique_ptr<ColumnWriter> make_floating_writer(const Type&, std::string, const ColumnWriterContext&);
// string, varchar, char (dictionary or direct per stripe) and binary (direct).
std::unique_ptr<ColumnWriter> make_string_writer(const Type&, std::string, const ColumnWriterContext&);
std::unique_ptr<ColumnWriter> make_decimal_writer(const Type&, std::string, const ColumnWriterContext&);
std::unique_ptr<ColumnWriter> make_timestamp_writer(const Type&, std::string, const ColumnWriterContext&);
// list, map, struct and union.
std::unique_ptr<ColumnWriter> make_compound_writer(const Type&, std::string, const ColumnWriterContext&);

}  // namespace recis::orc
