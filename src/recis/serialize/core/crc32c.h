// CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected, as iSCSI, ext4 and LevelDB use it):
// the checksum of every checkpoint file. The SafeTensors writer and reader checksum each chunk as
// it passes and join the chunks' CRCs with crc32c_combine, so a multi-GB file is checksummed by
// many threads without a second pass. Uses the SSE4.2 crc32 instruction (three interleaved
// streams) when the CPU has it, a table-driven loop otherwise.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace recis::serialize {

// The CRC-32C of a||data, given crc == crc32c(a).
uint32_t crc32c_extend(uint32_t crc, const void* data, std::size_t size);

inline uint32_t crc32c(const void* data, std::size_t size) { return crc32c_extend(0, data, size); }

// The CRC-32C of a||b from crc_a == crc32c(a), crc_b == crc32c(b) and size_b == b's length;
// O(log size_b) (as zlib's crc32_combine, for the Castagnoli polynomial).
uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t size_b);

// The two implementations crc32c_extend chooses between, for tests and benchmarks.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, std::size_t size);
bool crc32c_hardware_available();
// Only valid when crc32c_hardware_available().
uint32_t crc32c_extend_hardware(uint32_t crc, const void* data, std::size_t size);

}  // namespace recis::serialize
