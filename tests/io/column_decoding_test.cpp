// How each column shape becomes tensors: string hashing (FarmHash Fingerprint64 / MurmurHash64A
// golden values and the bucket rule), unhashed strings as byte strings, 2- and 3-level ragged offsets with nulls, list<struct<k,v>>
// weights, fixedlen scalars, lists, defaults and the wrong-length error, floating varlen values;
// and RecIS's DeepFM example file against values read independently with orc::Reader.
#include <gtest/gtest.h>

#include <limits>

#include "io/orc_test_files.h"
#include "recis/common/error.h"
#include "recis/orc/reader.h"
#include "recis/ragged/ragged_rows.h"
#include "support/test_support.h"

namespace recis::io {
namespace {

using recis::testing::TempDir;
using namespace recis::io::testing;

// Golden 64-bit hashes of three-byte strings (tests/common/hash_test.cpp, from the reference code).
constexpr std::uint64_t kFarm012 = static_cast<std::uint64_t>(-7736835464683084646LL);
constexpr std::uint64_t kFarm123 = static_cast<std::uint64_t>(-5546720800891377920LL);
constexpr std::uint64_t kMurmur012 = static_cast<std::uint64_t>(-4003751876240412087LL);
constexpr std::uint64_t kMurmur567 = static_cast<std::uint64_t>(4434088491466393040LL);
constexpr std::uint64_t kLow63 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

void push_string(orc::BytesVector& strings, std::string_view value) {
  strings.bytes.insert(strings.bytes.end(), value.begin(), value.end());
  strings.offsets.push_back(static_cast<std::int64_t>(strings.bytes.size()));
}
const std::string k012("\x00\x01\x02", 3);
const std::string k123("\x01\x02\x03", 3);
const std::string k567("\x05\x06\x07", 3);

// Rows: [k012, k123], null, [], [k567]; and the scalar column: k012, null, k123, k567.
void write_strings(const std::filesystem::path& path) {
  write_orc(path, "struct<tags:array<string>,tag:string>", 4, 4, [](orc::StructVector& root, std::size_t, std::size_t) {
    auto& tags = static_cast<orc::ListVector&>(*root.fields[0]);
    auto& strings = static_cast<orc::BytesVector&>(*tags.elements);
    push_string(strings, k012);
    push_string(strings, k123);
    tags.offsets = {0, 2, 2, 2, 3};
    tags.present = {1, 0, 1, 1};
    push_string(strings, k567);
    strings.num_rows = 3;
    auto& tag = static_cast<orc::BytesVector&>(*root.fields[1]);
    push_string(tag, k012);
    push_string(tag, "");
    push_string(tag, k123);
    push_string(tag, k567);
    tag.present = {1, 0, 1, 1};
    for (auto& field : root.fields) field->num_rows = 4;
  });
}

ragged::Batch only_batch(OrcDatasetOptions options) {
  OrcDataset dataset(std::move(options.with_worker(0, 1).with_batch_size(1000)));
  auto batch = dataset.next();
  EXPECT_TRUE(batch.has_value());
  EXPECT_FALSE(dataset.next().has_value());
  return std::move(*batch);
}

TEST(ColumnDecoding, StringsAreHashedWithFarmOrMurmurAndTheBucketRule) {
  TempDir dir;
  write_strings(dir / "s.orc");
  const auto id = [](std::uint64_t h) { return static_cast<std::int64_t>(h); };
  {
    const auto batch = only_batch(OrcDatasetOptions().with_paths({dir / "s.orc"}).varlen("tags", HashKind::Farm).varlen("tag", HashKind::Farm));
    EXPECT_EQ(ragged::rows2_of(batch.ragged("tags")),
              (ragged::Rows2{{id(kFarm012 & kLow63), id(kFarm123 & kLow63)}, {}, {}, {id(farm_fingerprint64(k567) & kLow63)}}));
    EXPECT_EQ(ragged::rows2_of(batch.ragged("tag")),
              (ragged::Rows2{{id(kFarm012 & kLow63)}, {}, {id(kFarm123 & kLow63)}, {id(farm_fingerprint64(k567) & kLow63)}}));
  }
  {
    const auto batch = only_batch(OrcDatasetOptions().with_paths({dir / "s.orc"}).varlen("tags", HashKind::Murmur, 1000).varlen("tag", HashKind::Murmur));
    EXPECT_EQ(ragged::rows2_of(batch.ragged("tags")),
              (ragged::Rows2{{id(kMurmur012 % 1000), id(murmur_hash64a(k123) % 1000)}, {}, {}, {id(kMurmur567 % 1000)}}));
    EXPECT_EQ(ragged::rows2_of(batch.ragged("tag")),
              (ragged::Rows2{{id(kMurmur012 & kLow63)}, {}, {id(murmur_hash64a(k123) & kLow63)}, {id(kMurmur567 & kLow63)}}));
  }
}

std::vector<int64_t> int64s(const torch::Tensor& tensor) {
  const torch::Tensor contiguous = tensor.contiguous();
  return {contiguous.data_ptr<int64_t>(), contiguous.data_ptr<int64_t>() + contiguous.numel()};
}

std::string bytes_of(const torch::Tensor& values) {
  return {reinterpret_cast<const char*>(values.data_ptr<uint8_t>()),
          static_cast<std::size_t>(values.numel())};
}

TEST(ColumnDecoding, UnhashedStringsAreByteStringsAcrossBatches) {
  TempDir dir;
  write_strings(dir / "s.orc");
  OrcDataset dataset(OrcDatasetOptions().with_paths({dir / "s.orc"}).with_worker(0, 1)
                         .with_batch_size(3).varlen("tags").varlen("tag"));
  const auto first = dataset.next();
  const auto second = dataset.next();
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(dataset.next().has_value());
  const ragged::RaggedTensor& tags = first->ragged("tags");
  ASSERT_TRUE(tags.is_byte_strings());
  ASSERT_EQ(tags.offsets().size(), 2u);
  EXPECT_EQ(int64s(tags.offsets()[0]), (std::vector<int64_t>{0, 2, 2, 2}));
  EXPECT_EQ(int64s(tags.offsets()[1]), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(bytes_of(tags.values()), k012 + k123);
  const ragged::RaggedTensor& tag = first->ragged("tag");
  EXPECT_EQ(int64s(tag.offsets()[0]), (std::vector<int64_t>{0, 1, 1, 2}));
  EXPECT_EQ(int64s(tag.offsets()[1]), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(bytes_of(tag.values()), k012 + k123);
  const ragged::RaggedTensor& last = second->ragged("tags");
  EXPECT_EQ(int64s(last.offsets()[0]), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(int64s(last.offsets()[1]), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(bytes_of(last.values()), k567);
}

TEST(ColumnDecoding, NestedListsGiveThreeLevelsAndNullsAreEmpty) {
  TempDir dir;
  // Rows: [[1, 2], [], null, [3]], null, [], [[4], [5, 6]]; written as two stripes of two rows.
  write_orc(dir / "n.orc", "struct<seq:array<array<bigint>>>", 4, 2, [](orc::StructVector& root, std::size_t first, std::size_t) {
    auto& outer = static_cast<orc::ListVector&>(*root.fields[0]);
    auto& inner = static_cast<orc::ListVector&>(*outer.elements);
    auto& values = static_cast<orc::LongVector&>(*inner.elements);
    if (first == 0) {
      outer.offsets = {0, 4, 4};
      outer.present = {1, 0};
      inner.offsets = {0, 2, 2, 2, 3};
      inner.present = {1, 1, 0, 1};
      values.values = {1, 2, 3};
    } else {
      outer.offsets = {0, 0, 2};
      inner.offsets = {0, 1, 3};
      values.values = {4, 5, 6};
    }
    inner.num_rows = static_cast<std::size_t>(outer.offsets.back());
    values.num_rows = values.values.size();
    outer.num_rows = 2;
  });
  for (const std::int64_t batch_size : {1, 3, 4}) {
    OrcDataset dataset(OrcDatasetOptions().with_paths({dir / "n.orc"}).with_worker(0, 1).with_batch_size(batch_size).varlen("seq"));
    ragged::Rows3 rows;
    while (auto batch = dataset.next()) {
      EXPECT_EQ(batch->ragged("seq").num_levels(), 3);
      for (auto& row : ragged::rows3_of(batch->ragged("seq"))) rows.push_back(row);
    }
    EXPECT_EQ(rows, (ragged::Rows3{{{1, 2}, {}, {}, {3}}, {}, {}, {{4}, {5, 6}}})) << "batch size " << batch_size;
  }
  // The offsets themselves, for one batch of rows 1..3 (a batch that starts mid-stripe).
  OrcDataset dataset(OrcDatasetOptions().with_paths({dir / "n.orc"}).with_worker(0, 1).with_batch_size(1).varlen("seq"));
  ASSERT_TRUE(dataset.next().has_value());
  OrcDataset tail(OrcDatasetOptions().with_paths({dir / "n.orc"}).with_worker(0, 1).with_batch_size(3).varlen("seq"));
  tail.restore(dataset.state());
  const auto seq = tail.next()->ragged("seq");
  EXPECT_TRUE(torch::equal(seq.offsets()[0], torch::tensor({0, 0, 0, 2}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(seq.offsets()[1], torch::tensor({0, 1, 3}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(seq.values(), torch::tensor({4, 5, 6}, torch::kInt64)));
}

TEST(ColumnDecoding, ListOfStructGivesIdsWithWeights) {
  TempDir dir;
  // Rows: [(k012, 0.5), (7 as null key), (k123, null weight)], [], null, [(k567, 2)].
  write_orc(dir / "w.orc", "struct<kv:array<struct<k:string,v:float>>>", 4, 4, [](orc::StructVector& root, std::size_t, std::size_t) {
    auto& list = static_cast<orc::ListVector&>(*root.fields[0]);
    auto& entries = static_cast<orc::StructVector&>(*list.elements);
    auto& keys = static_cast<orc::BytesVector&>(*entries.fields[0]);
    auto& weights = static_cast<orc::DoubleVector&>(*entries.fields[1]);
    push_string(keys, k012);
    push_string(keys, "");
    push_string(keys, k123);
    push_string(keys, k567);
    keys.present = {1, 0, 1, 1};
    weights.values = {0.5, 9, 0, 2};
    weights.present = {1, 1, 0, 1};
    list.offsets = {0, 3, 3, 3, 4};
    list.present = {1, 1, 0, 1};
    keys.num_rows = weights.num_rows = entries.num_rows = 4;
    list.num_rows = 4;
  });
  const auto batch = only_batch(OrcDatasetOptions().with_paths({dir / "w.orc"}).varlen("kv", HashKind::Farm, 100));
  const auto& kv = batch.ragged("kv");
  ASSERT_TRUE(kv.has_weights());
  EXPECT_EQ(ragged::rows2_of(kv), (ragged::Rows2{{static_cast<std::int64_t>(kFarm012 % 100), static_cast<std::int64_t>(kFarm123 % 100)},
                                                 {}, {}, {static_cast<std::int64_t>(farm_fingerprint64(k567) % 100)}}));
  EXPECT_EQ(ragged::weight_rows_of(kv), (std::vector<std::vector<float>>{{0.5f, 1.0f}, {}, {}, {2.0f}}));
}

TEST(ColumnDecoding, FixedlenScalarsListsAndDefaultsAndFloatVarlen) {
  TempDir dir;
  // Rows: x = 1.5, null, -2; n = 3, 4, null; v = [1, 2], [], null; f = [0.25], [], [1, 2, 3].
  write_orc(dir / "d.orc", "struct<x:double,n:int,v:array<float>,f:array<double>>", 3, 3, [](orc::StructVector& root, std::size_t, std::size_t) {
    auto& x = static_cast<orc::DoubleVector&>(*root.fields[0]);
    x.values = {1.5, 0, -2};
    x.present = {1, 0, 1};
    auto& n = static_cast<orc::LongVector&>(*root.fields[1]);
    n.values = {3, 4, 0};
    n.present = {1, 1, 0};
    auto& v = static_cast<orc::ListVector&>(*root.fields[2]);
    static_cast<orc::DoubleVector&>(*v.elements).values = {1, 2};
    v.elements->num_rows = 2;
    v.offsets = {0, 2, 2, 2};
    v.present = {1, 1, 0};
    auto& f = static_cast<orc::ListVector&>(*root.fields[3]);
    static_cast<orc::DoubleVector&>(*f.elements).values = {0.25, 1, 2, 3};
    f.elements->num_rows = 4;
    f.offsets = {0, 1, 1, 4};
    for (auto& field : root.fields) field->num_rows = 3;
  });
  const auto batch = only_batch(OrcDatasetOptions()
                                    .with_paths({dir / "d.orc"})
                                    .with_float_dtype(torch::kFloat64)
                                    .fixedlen("x", {7})
                                    .fixedlen("n", {-1})
                                    .fixedlen("v", {8, 9})
                                    .varlen("f"));
  EXPECT_TRUE(torch::equal(batch.dense("x"), torch::tensor({1.5, 7.0, -2.0}, torch::kFloat64).view({3, 1})));
  EXPECT_TRUE(torch::equal(batch.dense("n"), torch::tensor({3.0, 4.0, -1.0}, torch::kFloat64).view({3, 1})));
  EXPECT_TRUE(torch::equal(batch.dense("v"), torch::tensor({1.0, 2.0, 8.0, 9.0, 8.0, 9.0}, torch::kFloat64).view({3, 2})));
  const auto& f = batch.ragged("f");
  EXPECT_TRUE(torch::equal(f.values(), torch::tensor({0.25, 1.0, 2.0, 3.0}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(f.offsets()[0], torch::tensor({0, 1, 1, 4}, torch::kInt64)));

  // f as a fixedlen of dim 1: row 2 has 3 values.
  std::string message;
  try {
    only_batch(OrcDatasetOptions().with_paths({dir / "d.orc"}).fixedlen("f", {0}));
  } catch (const Error& error) {
    message = error.what();
  }
  EXPECT_NE(message.find("d.orc"), std::string::npos) << message;
  EXPECT_NE(message.find("row 2"), std::string::npos) << message;
  EXPECT_NE(message.find("'f'"), std::string::npos) << message;
  EXPECT_NE(message.find("has 3 values"), std::string::npos) << message;
}

// RecIS's DeepFM example file: the first batch against values read with orc::Reader directly.
TEST(ColumnDecoding, DeepFmExampleFirstBatchMatchesTheReader) {
  const auto path = recis::testing::shared_dir() / "orc-corpus" / "recis-deepfm-part-0.orc";
  OrcDatasetOptions options;
  options.with_paths({path}).with_worker(0, 1).with_batch_size(512).with_read_threads(2);
  for (int i = 1; i <= 26; ++i) options.varlen("c" + std::to_string(i));
  for (int i = 1; i <= 13; ++i) options.fixedlen("i" + std::to_string(i), {0.0});
  options.fixedlen("label", {0.0});
  OrcDataset dataset(options);
  const auto batch = dataset.next();
  ASSERT_TRUE(batch.has_value());

  auto reader = orc::Reader::open(path);
  auto rows = reader->make_batch();
  ASSERT_EQ(reader->next(*rows, 512), 512u);
  const auto& root = static_cast<const orc::StructVector&>(*rows);
  const auto& names = reader->selected_type().field_names();
  std::size_t nonempty_ids = 0;
  for (std::size_t f = 0; f < names.size(); ++f) {
    const auto& list = static_cast<const orc::ListVector&>(*root.fields[f]);
    if (names[f][0] == 'c') {
      const ragged::Rows2 ids = ragged::rows2_of(batch->ragged(names[f]));
      ASSERT_EQ(ids.size(), 512u);
      const auto& values = static_cast<const orc::LongVector&>(*list.elements).values;
      for (std::size_t r = 0; r < 512; ++r) {
        const std::vector<std::int64_t> expected(values.begin() + list.offsets[r], values.begin() + list.offsets[r + 1]);
        ASSERT_EQ(ids[r], list.is_null(r) ? std::vector<std::int64_t>{} : expected) << names[f] << " row " << r;
        nonempty_ids += expected.size();
      }
    } else {
      const torch::Tensor dense = batch->dense(names[f]);
      ASSERT_EQ(dense.sizes(), (std::vector<int64_t>{512, 1}));
      const auto& values = static_cast<const orc::DoubleVector&>(*list.elements).values;
      for (std::size_t r = 0; r < 512; ++r) {
        const bool empty = list.is_null(r) || list.offsets[r] == list.offsets[r + 1];
        const float expected = empty ? 0.0f : static_cast<float>(values[static_cast<std::size_t>(list.offsets[r])]);
        ASSERT_EQ(dense[static_cast<int64_t>(r)][0].item<float>(), expected) << names[f] << " row " << r;
      }
    }
  }
  EXPECT_GT(nonempty_ids, 26u * 400);  // most rows have one id per sparse column
  // The file's first row, as Apache ORC's reader prints it.
  EXPECT_EQ(ragged::rows2_of(batch->ragged("c1"))[0], std::vector<std::int64_t>{514771121641});
  EXPECT_EQ(batch->dense("i12")[0][0].item<float>(), 17874.0f);
  EXPECT_EQ(ragged::rows2_of(batch->ragged("c14"))[0], std::vector<std::int64_t>{});
}

}  // namespace
}  // namespace recis::io
