// Factories of the concrete column readers, one per type family; each lives in its own .cpp.
// Internal to recis::orc: callers use make_column_reader() from column_reader.h.
#pragma once

#include <memory>
#include <vector>

#include "recis/orc/column_reader.h"

namespace recis::orc {

std::unique_ptr<ColumnReader> make_boolean_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_byte_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_integer_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_floating_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_string_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_decimal_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_timestamp_reader(const Type& type, const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_list_reader(const Type& type, const std::vector<bool>& selected,
                                               const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_map_reader(const Type& type, const std::vector<bool>& selected,
                                              const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_struct_reader(const Type& type, const std::vector<bool>& selected,
                                                 const StripeStreams& streams);
std::unique_ptr<ColumnReader> make_union_reader(const Type& type, const std::vector<bool>& selected,
                                                const StripeStreams& streams);

}  // namespace recis::orc
