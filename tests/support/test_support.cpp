#include "support/test_support.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "recis/common/error.h"

namespace recis::testing {

std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("RECIS_SHARED_DIR")) return env;
  return RECIS_SHARED_DIR_DEFAULT;
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() /
                     ("recis-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw IoError("TempDir: could not create a scratch directory");
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::filesystem::path& path) {
  if (path.extension() == ".gz") {
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) throw IoError("cannot open " + path.string());
    std::string out;
    char buffer[1 << 16];
    int n;
    while ((n = gzread(file, buffer, sizeof(buffer))) > 0) out.append(buffer, n);
    gzclose(file);
    if (n < 0) throw IoError("cannot inflate " + path.string());
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void flip_bits(const std::filesystem::path& path, std::uint64_t offset, unsigned char mask) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!file) throw IoError("cannot open " + path.string());
  file.seekg(static_cast<std::streamoff>(offset));
  const int byte = file.get();
  if (byte == std::char_traits<char>::eof()) {
    throw IoError(path.string() + ": no byte at offset " + std::to_string(offset));
  }
  file.seekp(static_cast<std::streamoff>(offset));
  file.put(static_cast<char>(byte ^ mask));
  if (!file) throw IoError("cannot write " + path.string());
}

}  // namespace recis::testing
