#include "recis/serialize/core/checkpoint_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/serialize/core/crc32c.h"
#include "recis/serialize/core/file_util.h"
#include "recis/serialize/core/strict_json.h"

namespace recis::serialize {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kManifestName = "manifest.json";
constexpr std::string_view kLatestName = "latest";
constexpr std::string_view kManifestFormat = "recis-checkpoint";
constexpr std::size_t kMaxManifestBytes = 64 << 20;

std::string crc_hex(uint32_t crc) {
  char text[9];
  std::snprintf(text, sizeof text, "%08x", crc);
  return text;
}

std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The step of a directory named exactly checkpoint_dir_name(step).
std::optional<int64_t> parse_checkpoint_name(std::string_view name) {
  constexpr std::string_view prefix = "ckpt-";
  if (!name.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  const auto step = parse_decimal(digits);
  if (!step || *step > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*step);
}

// Throws unless `relative` is a plain relative '/'-separated path.
void check_relative_path(const std::string& relative, const fs::path& where) {
  const auto refuse = [&](const std::string& why) {
    throw Error(where.string() + ": checkpoint file path '" + relative + "' " + why);
  };
  if (relative.empty()) refuse("is empty");
  if (relative.front() == '/') refuse("must be relative");
  if (relative.find('\0') != std::string::npos || relative.find('\\') != std::string::npos) {
    refuse("must be '/'-separated without NUL or backslash");
  }
  std::size_t begin = 0;
  while (begin <= relative.size()) {
    const std::size_t end = std::min(relative.find('/', begin), relative.size());
    const std::string_view part(relative.data() + begin, end - begin);
    if (part.empty() || part == "." || part == "..")
      refuse("must not have empty, '.' or '..' parts");
    begin = end + 1;
  }
  if (relative == kManifestName) refuse("is reserved for the manifest");
}

std::string staging_name(int64_t step, std::string_view kind, pid_t pid) {
  return "." + checkpoint_dir_name(step) + "." + std::string(kind) + "-" + std::to_string(pid);
}

bool process_is_dead(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// The PID of a leftover of a save (".ckpt-N.tmp-PID", ".ckpt-N.old-PID", ".ckpt-N.trash-PID",
// "latest.tmp-PID"), nullopt for any other name.
std::optional<pid_t> leftover_owner(std::string_view name) {
  const bool staging =
      name.starts_with(".ckpt-") && (name.find(".tmp-") != std::string_view::npos ||
                                     name.find(".old-") != std::string_view::npos ||
                                     name.find(".trash-") != std::string_view::npos);
  if (!staging && !name.starts_with("latest.tmp-")) return std::nullopt;
  const auto pid = parse_decimal(name.substr(name.rfind('-') + 1));
  if (!pid || *pid == 0 || *pid > static_cast<uint64_t>(INT32_MAX)) return std::nullopt;
  return static_cast<pid_t>(*pid);
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    throw IoError(os_error_message(from, "cannot rename to " + to.string(), errno));
  }
}

// Renames `dir` out of the checkpoint namespace, then deletes it: a crash half way through the
// deletion leaves a leftover, never a partial ckpt-N.
void remove_checkpoint(const fs::path& dir, int64_t step) {
  const fs::path trash = dir.parent_path() / staging_name(step, "trash", ::getpid());
  rename_or_throw(dir, trash);
  fs::remove_all(trash);
}

// fsyncs every file and directory under `root`, children before their directory, then root.
void fsync_tree(const fs::path& root) {
  std::vector<fs::path> directories = {root};
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_directory()) {
      directories.push_back(entry.path());
    } else {
      fsync_file(entry.path());
    }
  }
  for (auto it = directories.rbegin(); it != directories.rend(); ++it) fsync_directory(*it);
}

// Undoes the renames that published a checkpoint whose `latest` could not be written (a full
// disk), so a commit that throws leaves the output as it found it: the new checkpoint goes back to
// its staging name (the CheckpointStaging destructor removes it) and a checkpoint it replaced
// (at `replaced`, which is `staging` after an exchange) back to ckpt-STEP. When a rename fails it
// only warns: the new checkpoint is complete either way.
void unpublish(const fs::path& staging, const fs::path& final_dir, const fs::path& replaced) {
  bool undone = false;
  if (replaced == staging) {
    undone =
        ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) == 0;
  } else {
    undone = ::rename(final_dir.c_str(), staging.c_str()) == 0 &&
             (replaced.empty() || ::rename(replaced.c_str(), final_dir.c_str()) == 0);
  }
  if (!undone) {
    RECIS_LOG(Warning) << final_dir.string() << ": complete, but `latest` does not name it and it "
                       << "could not be moved back: " << std::strerror(errno);
  }
}

std::string manifest_json(int64_t step, const std::map<std::string, FileDigest>& files) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [path, digest] : files) {
    list.push_back({{"path", path}, {"bytes", digest.bytes}, {"crc32c", crc_hex(digest.crc32c)}});
  }
  nlohmann::ordered_json manifest = {{"format", kManifestFormat},
                                     {"version", kCheckpointFormatVersion},
                                     {"step", step},
                                     {"files", list}};
  return manifest.dump(1) + "\n";
}

}  // namespace

std::string checkpoint_dir_name(int64_t step) { return "ckpt-" + std::to_string(step); }

// ---- CheckpointStaging ----

CheckpointStaging::CheckpointStaging(fs::path output_dir, int64_t step)
    : output_dir_(std::move(output_dir)), step_(step) {
  if (step < 0) {
    throw Error(output_dir_.string() + ": checkpoint step must be >= 0, got " +
                std::to_string(step));
  }
  dir_ = output_dir_ / staging_name(step, "tmp", ::getpid());
  try {
    // A new OUTPUT must itself survive a crash: fsync the directory that holds it.
    if (fs::create_directories(output_dir_)) {
      fs::path output = fs::absolute(output_dir_);
      if (!output.has_filename()) output = output.parent_path();  // "out/" names "out"
      fsync_directory(output.parent_path());
    }
    fs::remove_all(dir_);
    fs::create_directory(dir_);
  } catch (const fs::filesystem_error& error) {
    throw IoError(dir_.string() +
                  ": cannot create the checkpoint staging directory: " + error.code().message());
  }
}

CheckpointStaging::CheckpointStaging(AttachTo, fs::path staging_dir)
    : output_dir_(staging_dir.parent_path()), step_(0), dir_(std::move(staging_dir)),
      attached_(true) {
  if (!fs::is_directory(dir_)) {
    throw IoError(dir_.string() + ": no such staging directory to write a checkpoint part into");
  }
}

CheckpointStaging::~CheckpointStaging() {
  if (committed_ || attached_) return;
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

fs::path CheckpointStaging::path_for(const std::string& relative) {
  check_relative_path(relative, dir_);
  fs::path path = dir_ / relative;
  std::lock_guard lock(mutex_);
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) {
    throw IoError(path.parent_path().string() + ": cannot create directory: " + error.message());
  }
  return path;
}

void CheckpointStaging::add(const std::string& relative, FileDigest digest) {
  check_relative_path(relative, dir_);
  std::lock_guard lock(mutex_);
  if (!files_.emplace(relative, digest).second) {
    throw Error((dir_ / relative).string() + ": recorded twice in the checkpoint");
  }
}

void CheckpointStaging::write_file(const std::string& relative, std::string_view content) {
  const fs::path path = path_for(relative);
  write_file_durably(path, content);
  add(relative, {content.size(), crc32c(content.data(), content.size())});
}

std::map<std::string, FileDigest> CheckpointStaging::recorded() const {
  std::lock_guard lock(mutex_);
  return files_;
}

fs::path CheckpointStaging::commit(std::size_t keep) {
  if (committed_) throw Error(dir_.string() + ": commit() called twice");
  if (attached_) throw Error(dir_.string() + ": an attached rank cannot commit the checkpoint");
  std::lock_guard lock(mutex_);
  const fs::path final_dir = output_dir_ / checkpoint_dir_name(step_);
  fs::path replaced;  // where an older ckpt-STEP went, to delete once the new one is in place
  try {
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      if (entry.is_directory()) continue;
      const std::string relative = entry.path().lexically_relative(dir_).generic_string();
      if (!files_.contains(relative)) {
        throw Error(entry.path().string() +
                    ": written into the checkpoint but not recorded with add() (no size/CRC)");
      }
    }
    for (const auto& [relative, digest] : files_) {
      const fs::path path = dir_ / relative;
      std::error_code error;
      const uint64_t size = fs::file_size(path, error);
      if (error) throw IoError(path.string() + ": recorded but missing: " + error.message());
      if (size != digest.bytes) {
        throw Error(path.string() + ": " + std::to_string(size) + " bytes, recorded as " +
                    std::to_string(digest.bytes));
      }
    }
    write_file_durably(dir_ / kManifestName, manifest_json(step_, files_));
    fsync_tree(dir_);

    if (fs::exists(final_dir)) {
      replaced = output_dir_ / staging_name(step_, "old", ::getpid());
      fs::remove_all(replaced);
      if (::renameat2(AT_FDCWD, dir_.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) == 0) {
        replaced = dir_;  // the exchange left the old checkpoint under the staging name
      } else if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
        rename_or_throw(final_dir, replaced);
        rename_or_throw(dir_, final_dir);
      } else {
        throw IoError(os_error_message(dir_, "cannot exchange with " + final_dir.string(), errno));
      }
    } else {
      rename_or_throw(dir_, final_dir);
    }
    try {
      fsync_directory(output_dir_);
      replace_file_atomically(output_dir_ / kLatestName, checkpoint_dir_name(step_) + "\n");
    } catch (const std::exception&) {
      unpublish(dir_, final_dir, replaced);
      throw;
    }
    committed_ = true;
  } catch (const fs::filesystem_error& error) {
    throw IoError(std::string(error.what()));
  }

  // The new checkpoint is complete and `latest` names it; failing to tidy up only warns.
  try {
    if (!replaced.empty()) fs::remove_all(replaced);
    if (keep > 0) {
      std::vector<fs::path> others;
      for (fs::path& dir : list_checkpoints(output_dir_)) {
        if (dir != final_dir) others.push_back(std::move(dir));
      }
      const std::size_t keep_others = keep - 1;
      for (std::size_t i = 0; i + keep_others < others.size(); ++i) {
        remove_checkpoint(others[i], *parse_checkpoint_name(others[i].filename().string()));
      }
    }
    for (const auto& entry : fs::directory_iterator(output_dir_)) {
      const auto owner = leftover_owner(entry.path().filename().string());
      if (owner && *owner != ::getpid() && process_is_dead(*owner)) fs::remove_all(entry.path());
    }
  } catch (const std::exception& error) {
    RECIS_LOG(Warning) << output_dir_.string() << ": saved " << final_dir.string()
                       << " but could not remove old checkpoints: " << error.what();
  }
  return final_dir;
}

// ---- reading ----

std::vector<fs::path> list_checkpoints(const fs::path& output_dir) {
  std::vector<std::pair<int64_t, fs::path>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(output_dir, error)) {
    const auto step = parse_checkpoint_name(entry.path().filename().string());
    std::error_code ignored;
    if (step && entry.is_directory(ignored) &&
        fs::is_regular_file(entry.path() / kManifestName, ignored)) {
      found.emplace_back(*step, entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> dirs;
  for (auto& [step, dir] : found) dirs.push_back(std::move(dir));
  return dirs;
}

std::optional<fs::path> latest_checkpoint(const fs::path& output_dir) {
  const fs::path pointer = output_dir / kLatestName;
  std::error_code error;
  if (fs::exists(pointer, error)) {
    try {
      std::string name = read_small_file(pointer, 4096);
      while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
        name.pop_back();
      const fs::path dir = output_dir / name;
      if (parse_checkpoint_name(name) && fs::is_regular_file(dir / kManifestName, error))
        return dir;
      RECIS_LOG(Warning) << pointer.string() << " names '" << name
                         << "', not a complete checkpoint; using the newest complete one";
    } catch (const IoError& read_error) {
      RECIS_LOG(Warning) << read_error.what() << "; using the newest complete checkpoint";
    }
  }
  std::vector<fs::path> all = list_checkpoints(output_dir);
  if (all.empty()) return std::nullopt;
  return all.back();
}

std::filesystem::path resolve_checkpoint(const std::filesystem::path& path) {
  if (std::filesystem::exists(path / "manifest.json")) return path;
  if (const auto latest = latest_checkpoint(path)) return *latest;
  throw ConfigError(path.string() +
                    ": neither a checkpoint (no manifest.json) nor an output directory holding one");
}

Manifest read_manifest(const fs::path& checkpoint_dir) {
  return parse_manifest(read_small_file(checkpoint_dir / kManifestName, kMaxManifestBytes),
                        checkpoint_dir);
}

Manifest parse_manifest(std::string_view text, const fs::path& checkpoint_dir) {
  const fs::path path = checkpoint_dir / kManifestName;
  const auto fail = [&](const std::string& what) -> Error {
    return Error(path.string() + ": " + what);
  };
  const nlohmann::json json = parse_strict_json(text, path.string());
  if (!json.is_object()) throw fail("expected a JSON object");
  const auto format = json.find("format");
  if (format == json.end() || *format != kManifestFormat) {
    throw fail("expected \"format\": \"recis-checkpoint\"");
  }
  const auto version = json.find("version");
  if (version == json.end() || !version->is_number_integer())
    throw fail("expected an integer version");
  if (*version != kCheckpointFormatVersion) {
    throw fail("format version " + json_excerpt(*version) + ", this build reads version " +
               std::to_string(kCheckpointFormatVersion));
  }
  const auto step = json.find("step");
  if (step == json.end() || !step->is_number_unsigned() ||
      step->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    throw fail("expected a non-negative integer step");
  }
  const auto files = json.find("files");
  if (files == json.end() || !files->is_array()) throw fail("expected a files array");

  Manifest manifest;
  manifest.version = kCheckpointFormatVersion;
  manifest.step = step->get<int64_t>();
  for (const auto& file : *files) {
    if (!file.is_object()) throw fail("files entries must be objects, got " + json_excerpt(file));
    const auto relative = file.find("path");
    const auto bytes = file.find("bytes");
    const auto crc = file.find("crc32c");
    if (relative == file.end() || !relative->is_string() || bytes == file.end() ||
        !bytes->is_number_unsigned() || crc == file.end() || !crc->is_string()) {
      throw fail("files entries need a string path, an unsigned bytes and a crc32c, got " +
                 json_excerpt(file));
    }
    ManifestEntry entry;
    entry.path = relative->get<std::string>();
    check_relative_path(entry.path, checkpoint_dir);
    entry.bytes = bytes->get<uint64_t>();
    const std::string hex = crc->get<std::string>();
    const auto [end, error] =
        std::from_chars(hex.data(), hex.data() + hex.size(), entry.crc32c, 16);
    if (hex.size() != 8 || error != std::errc() || end != hex.data() + hex.size()) {
      throw fail("crc32c of '" + entry.path + "' must be 8 hex digits, got '" + hex + "'");
    }
    manifest.files.push_back(std::move(entry));
  }
  std::sort(manifest.files.begin(), manifest.files.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  for (std::size_t i = 1; i < manifest.files.size(); ++i) {
    if (manifest.files[i].path == manifest.files[i - 1].path) {
      throw fail("lists '" + manifest.files[i].path + "' twice");
    }
  }
  return manifest;
}

void verify_checkpoint(const fs::path& checkpoint_dir) {
  const Manifest manifest = read_manifest(checkpoint_dir);
  for (const ManifestEntry& entry : manifest.files) {
    const fs::path path = checkpoint_dir / entry.path;
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      throw Error(path.string() + ": missing, the manifest lists it with " +
                  std::to_string(entry.bytes) + " bytes");
    }
    const FileDigest digest = digest_file(path);
    if (digest.bytes != entry.bytes) {
      throw Error(path.string() + ": " + std::to_string(digest.bytes) + " bytes, manifest says " +
                  std::to_string(entry.bytes) + " (truncated or replaced)");
    }
    if (digest.crc32c != entry.crc32c) {
      throw Error(path.string() + ": CRC-32C " + crc_hex(digest.crc32c) + ", manifest says " +
                  crc_hex(entry.crc32c) + " (corrupt)");
    }
  }
}

const ManifestEntry& manifest_entry(const Manifest& manifest, const std::string& relative,
                                    const fs::path& checkpoint_dir) {
  const auto it = std::find_if(manifest.files.begin(), manifest.files.end(),
                               [&](const ManifestEntry& entry) { return entry.path == relative; });
  const fs::path path = checkpoint_dir / relative;
  if (it == manifest.files.end()) {
    throw Error(path.string() + ": not listed in " + (checkpoint_dir / kManifestName).string());
  }
  std::error_code error;
  const uint64_t size = fs::file_size(path, error);
  if (error)
    throw Error(path.string() + ": missing, the manifest lists it (" + error.message() + ")");
  if (size != it->bytes) {
    throw Error(path.string() + ": " + std::to_string(size) + " bytes, manifest says " +
                std::to_string(it->bytes));
  }
  return *it;
}

}  // namespace recis::serialize
