// recis::orc::Type: Hive type strings in and out, pre-order column ids, lookups, and the
// conversion to and from the footer's flat type list (including the malformed lists a corrupt
// file may hold).
#include <gtest/gtest.h>

#include <string>

#include "recis/common/error.h"
#include "recis/orc/format_error.h"
#include "recis/orc/type.h"
#include "recis/orc/type_proto.h"

namespace recis::orc {
namespace {

constexpr const char* kNested =
    "struct<a:int,b:array<string>,c:decimal(18,4),d:map<string,double>,e:uniontype<int,string>>";

TEST(Type, ParsePrintsBackTheSameString) {
  for (const std::string& text :
       {std::string(kNested), std::string("boolean"), std::string("timestamp"),
        std::string("struct<x:tinyint,y:smallint,z:bigint,f:float,g:double,h:binary,i:date,"
                    "j:varchar(10),k:char(3),l:timestamp with local time zone>"),
        std::string("array<array<map<int,struct<`a b`:int,`q``x`:string>>>>"),
        std::string("struct<>")}) {
    EXPECT_EQ(Type::parse(text).to_string(), text);
    EXPECT_EQ(Type::parse(Type::parse(text).to_string()), Type::parse(text)) << text;
  }
}

TEST(Type, AcceptsListSpacesAndUppercase) {
  EXPECT_EQ(Type::parse(" STRUCT< a : LIST<String> , b:Decimal( 10 , 2 ) >").to_string(),
            "struct<a:array<string>,b:decimal(10,2)>");
}

TEST(Type, ColumnIdsArePreOrder) {
  const Type type = Type::parse(kNested);
  EXPECT_EQ(type.column_id(), 0u);
  EXPECT_EQ(type.max_column_id(), 10u);
  EXPECT_EQ(type.num_columns(), 11u);
  EXPECT_EQ(type.child(0).column_id(), 1u);                 // a
  EXPECT_EQ(type.child(1).column_id(), 2u);                 // b
  EXPECT_EQ(type.child(1).child(0).column_id(), 3u);        // b's element
  EXPECT_EQ(type.child(2).column_id(), 4u);                 // c
  EXPECT_EQ(type.child(3).child(1).column_id(), 7u);        // d's value
  EXPECT_EQ(type.child(4).column_id(), 8u);                 // e
  EXPECT_EQ(type.child(4).child(1).column_id(), 10u);       // e's string
  EXPECT_EQ(type.find_column(7)->kind(), TypeKind::Double);
  EXPECT_EQ(type.find_field("c")->precision(), 18u);
  EXPECT_EQ(type.find_field("c")->scale(), 4u);
  EXPECT_EQ(type.find_field("nope"), nullptr);
}

TEST(Type, DecimalWithoutArgumentsIsHive11) {
  const Type type = Type::parse("decimal");
  EXPECT_EQ(type.precision(), 38u);
  EXPECT_EQ(type.scale(), 6u);
}

TEST(Type, BadStringsNameThePosition) {
  for (const std::string& text : {"", "struct<a:int", "array<>", "map<int>", "decimal(40,2)",
                                 "decimal(5,6)", "strin", "struct<a int>", "int extra",
                                 "varchar", "uniontype<>"}) {
    try {
      Type::parse(text);
      ADD_FAILURE() << "'" << text << "' parsed";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("bad ORC type '" + text + "' at offset "),
                std::string::npos)
          << e.what();
    }
  }
  try {
    Type::parse("struct<a:int,b:strng>");
    ADD_FAILURE() << "a misspelt type parsed";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("at offset 15: unknown type name 'strng'"),
              std::string::npos)
        << e.what();
  }
}

TEST(TypeProto, RoundTripsThroughTheFlatList) {
  const Type type = Type::parse(kNested);
  google::protobuf::RepeatedPtrField<proto::Type> list;
  type_to_proto(type, &list);
  ASSERT_EQ(list.size(), 11);
  EXPECT_EQ(list.Get(0).kind(), proto::Type::STRUCT);
  EXPECT_EQ(list.Get(0).subtypes_size(), 5);
  EXPECT_EQ(list.Get(0).subtypes(4), 8u);
  EXPECT_EQ(list.Get(4).precision(), 18u);
  EXPECT_EQ(type_from_proto(list), type);
}

TEST(TypeProto, DecimalWithoutPrecisionReadsAsHive11) {
  google::protobuf::RepeatedPtrField<proto::Type> list;
  list.Add()->set_kind(proto::Type::DECIMAL);
  const Type type = type_from_proto(list);
  EXPECT_EQ(type.precision(), 38u);
  EXPECT_EQ(type.scale(), 6u);
}

TEST(TypeProto, MalformedListsThrowFormatError) {
  google::protobuf::RepeatedPtrField<proto::Type> empty;
  EXPECT_THROW(type_from_proto(empty), FormatError);

  google::protobuf::RepeatedPtrField<proto::Type> cycle;  // struct whose child is itself
  auto* root = cycle.Add();
  root->set_kind(proto::Type::STRUCT);
  root->add_subtypes(0);
  root->add_field_names("self");
  EXPECT_THROW(type_from_proto(cycle), FormatError);

  google::protobuf::RepeatedPtrField<proto::Type> missing;  // child id past the list
  auto* list = missing.Add();
  list->set_kind(proto::Type::LIST);
  list->add_subtypes(1);
  EXPECT_THROW(type_from_proto(missing), FormatError);

  google::protobuf::RepeatedPtrField<proto::Type> names;  // 1 child, 0 names
  auto* s = names.Add();
  s->set_kind(proto::Type::STRUCT);
  s->add_subtypes(1);
  names.Add()->set_kind(proto::Type::INT);
  EXPECT_THROW(type_from_proto(names), FormatError);

  google::protobuf::RepeatedPtrField<proto::Type> wide;  // decimal(39, 2)
  auto* d = wide.Add();
  d->set_kind(proto::Type::DECIMAL);
  d->set_precision(39);
  d->set_scale(2);
  EXPECT_THROW(type_from_proto(wide), FormatError);

  google::protobuf::RepeatedPtrField<proto::Type> extra;  // a type not reachable from the root
  extra.Add()->set_kind(proto::Type::INT);
  extra.Add()->set_kind(proto::Type::INT);
  EXPECT_THROW(type_from_proto(extra), FormatError);
}

}  // namespace
}  // namespace recis::orc
