// Conversion between recis::orc::Type and the footer's flat type list (one proto::Type per
// column id, pre-order, children named by id). The reader validates what it reads here; the
// writer emits the list. Thread-safety: pure functions.
#pragma once

#include <google/protobuf/repeated_field.h>

#include "recis/orc/orc_proto.pb.h"
#include "recis/orc/type.h"

namespace recis::orc {

// Builds the schema tree from a footer's types. Throws FormatError when the list is empty, a
// child id is not the next pre-order id, a kind is unknown or a decimal precision is out of
// range. A decimal without precision (Hive 0.11) becomes decimal(38,6).
Type type_from_proto(const google::protobuf::RepeatedPtrField<proto::Type>& types);

// Appends the tree's nodes to `types` in column-id order.
void type_to_proto(const Type& type, google::protobuf::RepeatedPtrField<proto::Type>* types);

}  // namespace recis::orc
