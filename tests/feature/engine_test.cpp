// The engine: fused == per-feature on randomized inputs, duplicate features, pass-through
// columns, configuration errors, and TOML definitions.
#include <gtest/gtest.h>

#include <random>

#include "feature/feature_test_util.h"
#include "recis/feature/feature_config.h"

namespace recis::feature {
namespace {

using ragged::Batch;
using ragged::RaggedTensor;
using testing::columns_equal;
using testing::config_error_of;

// Random rows: lengths in [0, max_len] (about a fifth empty), ids spread over 64 bits with
// repeats, float weights when asked.
RaggedTensor random_ids(std::mt19937_64& rng, int64_t rows, int max_len, bool weighted) {
  std::uniform_int_distribution<int> length(0, max_len);
  ragged::Rows2 ids(rows);
  std::vector<std::vector<float>> weights(rows);
  for (int64_t r = 0; r < rows; ++r) {
    const int n = rng() % 5 == 0 ? 0 : length(rng);
    for (int i = 0; i < n; ++i) {
      ids[r].push_back(rng() % 3 == 0 ? int64_t(rng() % 8) : static_cast<int64_t>(rng()));
      weights[r].push_back(static_cast<float>(rng() % 100) / 10.0f);
    }
  }
  return weighted ? ragged::ragged_from_rows(ids, weights) : ragged::ragged_from_rows(ids);
}

RaggedTensor random_nested(std::mt19937_64& rng, int64_t rows) {
  ragged::Rows3 nested(rows);
  for (auto& row : nested) {
    row.resize(rng() % 7);
    for (auto& list : row) {
      list.resize(rng() % 4);
      for (auto& id : list) id = static_cast<int64_t>(rng());
    }
  }
  return ragged::ragged_from_nested_rows(nested);
}

RaggedTensor random_strings(std::mt19937_64& rng, int64_t rows) {
  std::vector<std::vector<std::string>> strings(rows);
  for (auto& row : strings) {
    row.resize(rng() % 4);
    for (auto& text : row) text = std::to_string(rng() % 1000) + std::string(rng() % 20, 'x');
  }
  return ragged::byte_strings_from_rows(strings);
}

struct RandomSetup {
  Batch batch;
  std::vector<Feature> features;
};

// ~90 features of every kind over 24 columns; rows sizes vary so pieces cross segment bounds.
RandomSetup random_setup(uint64_t seed, int64_t rows) {
  std::mt19937_64 rng(seed);
  RandomSetup setup;
  for (int c = 0; c < 8; ++c) {
    setup.batch.set("ids" + std::to_string(c), random_ids(rng, rows, 1 + c * 3, c % 2 == 0));
    setup.batch.set("text" + std::to_string(c), random_strings(rng, rows));
  }
  for (int c = 0; c < 4; ++c) {
    setup.batch.set("nested" + std::to_string(c), random_nested(rng, rows));
    auto dense = torch::randn({rows}, torch::kFloat64) * 10;
    dense.index_put_({torch::rand({rows}) < 0.1}, std::numeric_limits<double>::quiet_NaN());
    setup.batch.set("num" + std::to_string(c), dense);
  }
  setup.batch.set("unused", torch::arange(rows));
  auto& f = setup.features;
  for (int i = 0; i < 8; ++i) {
    const std::string ids = "ids" + std::to_string(i);
    const std::string text = "text" + std::to_string(i);
    f.push_back(Feature("mod_" + ids).select(ids).mod(1000 + i));
    f.push_back(
        Feature("seq_" + ids).select(ids).truncate(1 + i, i % 2 ? "left" : "right").mod(97));
    f.push_back(Feature("bucket_" + ids).select(ids).bucketize({-1e18, 0, 5, 1e18}));
    f.push_back(Feature("hash_" + text).select(text).hash(i % 2 ? "farm" : "murmur").mod(1 << 20));
    f.push_back(Feature("mh_" + ids).select(ids).mod(100000).multi_hash({10, 20, 30}));
    f.push_back(
        Feature("cross_" + ids).select_fields({ids, "ids" + std::to_string((i + 1) % 8)}).cross());
    f.push_back(Feature("cross_mod_" + ids)
                    .select_fields({ids, "ids" + std::to_string((i + 3) % 8)})
                    .cross()
                    .mod(1000));
  }
  for (int i = 0; i < 4; ++i) {
    const std::string nested = "nested" + std::to_string(i);
    const std::string num = "num" + std::to_string(i);
    f.push_back(Feature("trunc3_" + nested)
                    .select(nested)
                    .truncate(2 + i, i % 2 ? "left" : "right", false, 3));
    f.push_back(
        Feature("trunc3m_" + nested).select(nested, 3).truncate(3, "left", false, 3).mod(11));
    f.push_back(Feature("fill_" + num).select(num).fill_missing(0).log1p().clip(-1, 2));
    f.push_back(
        Feature("norm_" + num).select(num).fill_missing(1).normalize(0.5, 3).bucketize({-1, 0, 1}));
    f.push_back(Feature("clip_" + num).select(num, 1).clip(-3, 3));
  }
  // An exact duplicate under another name.
  f.push_back(Feature("mod_ids0_again").select("ids0").mod(1000));
  return setup;
}

TEST(Engine, FusedEqualsPerFeatureOnRandomInputs) {
  for (const int64_t rows : {int64_t(1), int64_t(37), int64_t(3000)}) {
    RandomSetup setup = random_setup(100 + rows, rows);
    Engine engine(setup.features, 4);
    const Batch fused = engine.run(setup.batch, ExecutionMode::Fused);
    const Batch single = engine.run(setup.batch, ExecutionMode::PerFeature);
    ASSERT_EQ(fused.names(), single.names());
    for (const auto& [name, column] : fused) {
      EXPECT_TRUE(columns_equal(column, single.at(name))) << name << " rows=" << rows;
    }
    // The same with one thread: chunking must not change results.
    Engine serial(setup.features, 1);
    const Batch one_thread = serial.run(setup.batch);
    for (const auto& [name, column] : fused) {
      EXPECT_TRUE(columns_equal(column, one_thread.at(name))) << name << " rows=" << rows;
    }
  }
}

TEST(Engine, FusedModMatchesPlainReference) {
  RandomSetup setup = random_setup(7, 500);
  std::vector<Feature> mods;
  for (int c = 0; c < 8; ++c) {
    mods.push_back(Feature("m" + std::to_string(c)).select("ids" + std::to_string(c)).mod(977 + c));
  }
  const Batch out = Engine(mods, 4).run(setup.batch);
  for (int c = 0; c < 8; ++c) {
    const auto input = ragged::rows2_of(setup.batch.ragged("ids" + std::to_string(c)));
    auto expected = input;
    for (auto& row : expected) {
      for (auto& id : row) id = static_cast<int64_t>(static_cast<uint64_t>(id) % uint64_t(977 + c));
    }
    EXPECT_EQ(ragged::rows2_of(out.ragged("m" + std::to_string(c))), expected) << c;
  }
}

TEST(Engine, ComputesDuplicatesOnceAndPassesUnusedColumnsThrough) {
  Batch batch;
  batch.set("a", ragged::ragged_from_rows({{1001}, {7}}));
  batch.set("label", torch::tensor({1.f, 0.f}));
  Engine engine({Feature("x").select("a").mod(1000), Feature("y").select("a").mod(1000),
                 Feature("z").select("a").mod(999)},
                2);
  EXPECT_EQ(engine.computed_feature_count(), 2u);
  EXPECT_EQ(engine.step_count(), 1u);
  const Batch out = engine.run(batch);
  EXPECT_EQ(out.names(), (std::vector<std::string>{"label", "x", "y", "z"}));
  EXPECT_TRUE(out.ragged("x").values().is_same(out.ragged("y").values()));
  EXPECT_EQ(ragged::rows2_of(out.ragged("y")), (ragged::Rows2{{1}, {7}}));
  EXPECT_EQ(ragged::rows2_of(out.ragged("z")), (ragged::Rows2{{2}, {7}}));
}

TEST(Engine, RunErrorsNameFeatureOpAndColumn) {
  Batch batch;
  batch.set("price", torch::tensor({1.5f}));
  batch.set("ids", ragged::ragged_from_rows({{1}}));
  auto message =
      config_error_of([&] { Engine({Feature("f").select("missing").mod(3)}, 1).run(batch); });
  EXPECT_NE(message.find(
                "feature 'f' op select: the batch has no column 'missing' (columns: price, ids)"),
            std::string::npos)
      << message;
  message = config_error_of([&] { Engine({Feature("p").select("price").mod(3)}, 1).run(batch); });
  EXPECT_NE(message.find("feature 'p' op mod: needs integer id (int64/int32) values, got float32"),
            std::string::npos)
      << message;
  message =
      config_error_of([&] { Engine({Feature("h").select("ids").hash("farm")}, 1).run(batch); });
  EXPECT_NE(message.find("feature 'h' op hash: needs byte strings"), std::string::npos) << message;
  message = config_error_of([&] { Engine({Feature("d").select("ids", 3)}, 1).run(batch); });
  EXPECT_NE(message.find("feature 'd' op select: column 'ids' has rank 2, expected dim 3"),
            std::string::npos)
      << message;
  message = config_error_of(
      [&] { Engine({Feature("t").select("ids").truncate(2, "left", false, 3)}, 1).run(batch); });
  EXPECT_NE(message.find("feature 't' op truncate: n_dims=3"), std::string::npos) << message;
  message =
      config_error_of([&] { Engine({Feature("l").select("ids").fill_missing(0)}, 1).run(batch); });
  EXPECT_NE(message.find("feature 'l' op fill_missing"), std::string::npos) << message;
}

TEST(Engine, DefinitionErrors) {
  auto message = config_error_of([] { Feature("f").select("a").mod(0); });
  EXPECT_EQ(message, "feature 'f' op mod: m must be positive, got 0");
  message = config_error_of([] { Feature("f").select("a").bucketize({3, 1}); });
  EXPECT_EQ(message, "feature 'f' op bucketize: boundaries must be ascending; 1 follows 3");
  message = config_error_of([] { Feature("f").select("a").truncate(0); });
  EXPECT_NE(message.find("feature 'f' op truncate: seq_len 0"), std::string::npos) << message;
  message = config_error_of([] { Feature("f").select("a").truncate(4, "middle"); });
  EXPECT_NE(message.find("side 'middle'"), std::string::npos) << message;
  message = config_error_of([] { Feature("f").select("a").multi_hash({1, 2, 3, 4, 5}); });
  EXPECT_NE(message.find("feature 'f' op multi_hash: needs 1 to 4"), std::string::npos) << message;
  message = config_error_of([] { Feature("f").select("a").hash("sha1"); });
  EXPECT_NE(message.find("hash 'sha1'"), std::string::npos) << message;
  message = config_error_of([] { Feature("f").select("a").normalize(0, 0); });
  EXPECT_NE(message.find("feature 'f' op normalize: std must be positive"), std::string::npos);
  message = config_error_of([] { Feature("f").select("a").clip(2, 1); });
  EXPECT_NE(message.find("feature 'f' op clip: needs lo <= hi"), std::string::npos);

  message = config_error_of([] { Engine({Feature("f").mod(3)}, 1); });
  EXPECT_NE(message.find("feature 'f' starts with mod"), std::string::npos) << message;
  message = config_error_of([] { Engine({Feature("f").select("a").cross()}, 1); });
  EXPECT_NE(message.find("feature 'f' op cross: cross must directly follow"), std::string::npos);
  message = config_error_of([] { Engine({Feature("f").select_fields({"a", "b"}).mod(3)}, 1); });
  EXPECT_NE(message.find("must be followed by cross"), std::string::npos) << message;
  message = config_error_of([] { Engine({Feature("f").select("a").multi_hash({3}).mod(2)}, 1); });
  EXPECT_NE(message.find("multi_hash must be the last op"), std::string::npos) << message;
  message = config_error_of([] {
    Engine({Feature("f").select("a"), Feature("f").select("b")}, 1);
  });
  EXPECT_EQ(message, "feature 'f' is defined twice");
  message = config_error_of([] {
    Engine({Feature("f").select("a").multi_hash({3}), Feature("f_multi_hash_0").select("b")}, 1);
  });
  EXPECT_NE(message.find("outputs 'f_multi_hash_0'"), std::string::npos) << message;
}

constexpr const char* kConfig = R"(
[[features]]
name = "c1"
ops = [{ op = "select", column = "c1" }, { op = "hash", kind = "farm" }, { op = "mod", m = 1000003 }]

[[features]]
name = "seq"
ops = [
  { op = "select", column = "ids", dim = 2 },
  { op = "truncate", seq_len = 3, side = "right" },
  { op = "mod", m = 100 },
]

[[features]]
name = "x"
ops = [{ op = "select", columns = ["ids", "ids2"] }, { op = "cross" }, { op = "multi_hash", num_buckets = [10, 20] }]

[[features]]
name = "price"
ops = [
  { op = "select", column = "price" },
  { op = "fill_missing", value = 0 },
  { op = "log1p" },
  { op = "normalize", mean = 0.5, std = 2 },
  { op = "clip", lo = -1, hi = 1.5 },
  { op = "bucketize", boundaries = [-1, 0, 0.5, 1] },
]
)";

TEST(FeatureConfig, TomlMatchesTheSameFeaturesInCpp) {
  const std::vector<Feature> from_toml = features_from_toml(kConfig, "test.toml");
  const std::vector<Feature> in_cpp{
      Feature("c1").select("c1").hash("farm").mod(1000003),
      Feature("seq").select("ids", 2).truncate(3, "right").mod(100),
      Feature("x").select_fields({"ids", "ids2"}).cross().multi_hash({10, 20}),
      Feature("price")
          .select("price")
          .fill_missing(0)
          .log1p()
          .normalize(0.5, 2)
          .clip(-1, 1.5)
          .bucketize({-1, 0, 0.5, 1}),
  };
  ASSERT_EQ(from_toml.size(), in_cpp.size());
  for (std::size_t i = 0; i < in_cpp.size(); ++i) {
    EXPECT_EQ(from_toml[i].name(), in_cpp[i].name());
    EXPECT_EQ(from_toml[i].signature(), in_cpp[i].signature());
  }
  std::mt19937_64 rng(5);
  Batch batch;
  batch.set("c1", random_strings(rng, 50));
  batch.set("ids", random_ids(rng, 50, 6, false));
  batch.set("ids2", random_ids(rng, 50, 3, true));
  batch.set("price", torch::rand({50}) * 4);
  const Batch a = Engine(from_toml, 2).run(batch);
  const Batch b = Engine(in_cpp, 2).run(batch);
  ASSERT_EQ(a.names(), b.names());
  for (const auto& [name, column] : a) EXPECT_TRUE(columns_equal(column, b.at(name))) << name;
}

TEST(FeatureConfig, ErrorsNameSourceFeatureAndOp) {
  auto error = [](const std::string& text) {
    return config_error_of([&] { features_from_toml(text, "f.toml"); });
  };
  auto message = error(
      "[[features]]\nname = \"a\"\nops = [{ op = \"select\", column = \"a\" }, { op = \"shuffle\" "
      "}]\n");
  EXPECT_NE(message.find("f.toml: features[0].ops[1] (shuffle).op: unknown op 'shuffle'"),
            std::string::npos)
      << message;
  message = error(
      "[[features]]\nname = \"a\"\nops = [{ op = \"select\", column = \"a\" }, { op = \"mod\", "
      "modulus = 3 }]\n");
  EXPECT_NE(message.find("features[0].ops[1] (mod).m: missing; expected an integer"), std::string::npos) << message;
  message = error(
      "[[features]]\nname = \"a\"\nops = [{ op = \"select\", column = \"a\" }, { op = \"mod\", m = "
      "3, n = 4 }]\n");
  EXPECT_NE(message.find("features[0].ops[1] (mod).n: unknown key"), std::string::npos) << message;
  message = error(
      "[[features]]\nname = \"a\"\nops = [{ op = \"select\", column = \"a\" }, { op = \"mod\", m = "
      "\"3\" }]\n");
  EXPECT_NE(message.find("(mod).m: expected an integer, got '3'"), std::string::npos) << message;
  message = error(
      "[[features]]\nname = \"a\"\nops = [{ op = \"select\", column = \"a\" }, { op = \"mod\", m = "
      "-3 }]\n");
  EXPECT_NE(message.find("f.toml: features[0]: feature 'a' op mod: m must be positive, got -3"),
            std::string::npos)
      << message;
  message = error("[[features]]\nname = \"a\"\nops = [\n");
  EXPECT_EQ(message.rfind("f.toml:", 0), 0u) << message;
  message = error("[[features]]\nops = []\n");
  EXPECT_NE(message.find("features[0].name: missing; expected a string"), std::string::npos)
      << message;
  message = error("[[feature]]\nname = \"a\"\n");
  EXPECT_NE(message.find("f.toml: feature: unknown key"), std::string::npos) << message;
}

}  // namespace
}  // namespace recis::feature
