#include "recis/embedding/core/disk_tier.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <numeric>
#include <vector>

#include "recis/common/error.h"

namespace recis::embedding {
namespace {

// A file in the directory that says this class made it, so a later run may clear it.
constexpr const char* kMarkerFile = "RECIS_DISK_TIER";
constexpr int kBloomBitsPerKey = 10;

using Key = std::array<char, sizeof(uint64_t)>;

Key key_of(int64_t id) {
  Key key;
  auto bits = static_cast<uint64_t>(id);
  for (int i = 7; i >= 0; --i) {
    key[static_cast<std::size_t>(i)] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return key;
}

int64_t id_of(const rocksdb::Slice& key) {
  uint64_t bits = 0;
  for (std::size_t i = 0; i < sizeof(uint64_t); ++i) {
    bits = (bits << 8) | static_cast<unsigned char>(key.data()[i]);
  }
  return static_cast<int64_t>(bits);
}

// Positions of `ids` in key order: a batch written in key order inserts into the memtable's skip
// list next to the previous key (several times faster than random order).
std::vector<uint32_t> key_order(std::span<const int64_t> ids) {
  std::vector<uint32_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return static_cast<uint64_t>(ids[a]) < static_cast<uint64_t>(ids[b]);
  });
  return order;
}

}  // namespace

struct DiskTier::Db {
  std::shared_ptr<rocksdb::Cache> cache;
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::WriteOptions write;
  std::atomic<int64_t> rows{0};
};

DiskTier::DiskTier(std::filesystem::path path, std::size_t row_bytes, std::string owner,
                   std::size_t memory_bytes)
    : path_(std::move(path)), row_bytes_(row_bytes), owner_(std::move(owner)),
      db_(std::make_unique<Db>()) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(path_, error)) {
    if (!fs::is_directory(path_, error)) fail("exists and is not a directory", "refusing to use it");
    if (fs::exists(path_ / kMarkerFile, error)) {
      fs::remove_all(path_, error);
      if (error) fail("could not clear the previous run's tier", error.message());
    } else if (!fs::is_empty(path_, error)) {
      fail("is a non-empty directory that is not a RecIS disk tier",
           "refusing to delete it; choose an empty or new disk_path");
    }
  }
  fs::create_directories(path_, error);
  if (error) fail("could not create the directory", error.message());
  std::ofstream(path_ / kMarkerFile) << "recis embedding disk tier; cleared when a run starts\n";

  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kNoCompression;
  const std::size_t write_buffer = memory_bytes / 4;
  options.write_buffer_size = write_buffer;
  options.max_write_buffer_number = 2;
  options.max_background_jobs = 2;
  options.keep_log_file_num = 1;
  // Point reads and writes only (iteration is for checkpoints): memtables hashed by the whole
  // key, so a lookup is one bucket, not a skip-list search.
  options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(sizeof(Key)));
  // About one bucket per row a memtable holds.
  options.memtable_factory.reset(
      rocksdb::NewHashSkipListRepFactory(std::max<std::size_t>(1024, write_buffer / (row_bytes + 32))));
  options.allow_concurrent_memtable_write = false;
  options.info_log_level = rocksdb::WARN_LEVEL;
  rocksdb::BlockBasedTableOptions table;
  db_->cache = rocksdb::NewLRUCache(memory_bytes / 2);
  table.block_cache = db_->cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey, false));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, (path_ / "rows").string(), &db);
  if (!status.ok()) fail("could not open", status.ToString());
  db_->db.reset(db);
  db_->write.disableWAL = true;
}

DiskTier::~DiskTier() = default;

void DiskTier::fail(const std::string& what, const std::string& status) const {
  throw Error(owner_ + ": disk tier " + path_.string() + " " + what + ": " + status);
}

void DiskTier::put(std::span<const int64_t> ids, const std::byte* rows) {
  if (ids.empty()) return;
  rocksdb::WriteBatch batch(ids.size() * (row_bytes_ + 2 * sizeof(Key)));
  for (const uint32_t i : key_order(ids)) {
    const Key key = key_of(ids[i]);
    batch.Put(rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(reinterpret_cast<const char*>(rows + i * row_bytes_), row_bytes_));
  }
  const rocksdb::Status status = db_->db->Write(db_->write, &batch);
  if (!status.ok()) fail("failed writing " + std::to_string(ids.size()) + " rows", status.ToString());
  db_->rows.fetch_add(static_cast<int64_t>(ids.size()), std::memory_order_relaxed);
}

std::size_t DiskTier::get(std::span<const int64_t> ids, std::byte* out,
                          std::span<uint8_t> found) const {
  const std::size_t n = ids.size();
  if (n == 0) return 0;
  std::vector<Key> keys(n);
  std::vector<rocksdb::Slice> slices(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = key_of(ids[i]);
    slices[i] = rocksdb::Slice(keys[i].data(), keys[i].size());
  }
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db_->db->MultiGet(rocksdb::ReadOptions(), db_->db->DefaultColumnFamily(), n, slices.data(),
                    values.data(), statuses.data());
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) {
      found[i] = 0;
      continue;
    }
    if (!statuses[i].ok()) fail("failed reading id " + std::to_string(ids[i]), statuses[i].ToString());
    if (values[i].size() != row_bytes_) {
      fail("holds " + std::to_string(values[i].size()) + " bytes for id " + std::to_string(ids[i]),
           "expected a row of " + std::to_string(row_bytes_) + " (corrupt tier)");
    }
    std::memcpy(out + i * row_bytes_, values[i].data(), row_bytes_);
    found[i] = 1;
    ++hits;
  }
  return hits;
}

void DiskTier::erase(std::span<const int64_t> ids) {
  if (ids.empty()) return;
  rocksdb::WriteBatch batch;
  for (const uint32_t i : key_order(ids)) {
    const Key key = key_of(ids[i]);
    batch.Delete(rocksdb::Slice(key.data(), key.size()));
  }
  const rocksdb::Status status = db_->db->Write(db_->write, &batch);
  if (!status.ok()) fail("failed deleting " + std::to_string(ids.size()) + " rows", status.ToString());
  db_->rows.fetch_sub(static_cast<int64_t>(ids.size()), std::memory_order_relaxed);
}

void DiskTier::for_each(FunctionRef<void(int64_t id, const std::byte* row)> fn) const {
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  read.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->db->NewIterator(read));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != sizeof(uint64_t) || it->value().size() != row_bytes_) {
      fail("holds an entry of " + std::to_string(it->value().size()) + " bytes",
           "expected a row of " + std::to_string(row_bytes_) + " (corrupt tier)");
    }
    fn(id_of(it->key()), reinterpret_cast<const std::byte*>(it->value().data()));
  }
  if (!it->status().ok()) fail("failed while iterating", it->status().ToString());
}

std::size_t DiskTier::size() const {
  return static_cast<std::size_t>(db_->rows.load(std::memory_order_relaxed));
}

std::size_t DiskTier::memory_bytes() const {
  uint64_t memtables = 0, readers = 0;
  db_->db->GetIntProperty("rocksdb.cur-size-all-mem-tables", &memtables);
  db_->db->GetIntProperty("rocksdb.estimate-table-readers-mem", &readers);
  return static_cast<std::size_t>(memtables + readers) + db_->cache->GetUsage();
}

}  // namespace recis::embedding
