// Parsing the JSON inside checkpoint files, which may be damaged or hostile (SafeTensors headers,
// manifest.json): nesting is capped, so no parsed value recurses deep enough to overflow the stack
// when it is printed or destroyed, and an object listing a key twice is refused rather than
// silently keeping one of the two. Errors are one line and start with the caller's `where`.
// Callers: safetensors.cpp, checkpoint_dir.cpp. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace recis::serialize {

// Containers nested deeper than this are refused (the formats need three levels).
inline constexpr int kMaxJsonDepth = 16;
// Longest excerpt of a parsed value that json_excerpt quotes.
inline constexpr std::size_t kJsonExcerptChars = 120;

// Parses `text`; throws recis::Error "WHERE is not valid JSON: ...", "WHERE nests deeper than
// 16 levels" or "WHERE lists 'KEY' twice in one object".
nlohmann::json parse_strict_json(std::string_view text, const std::string& where);

// `value` as one line of JSON, cut to kJsonExcerptChars characters and "..." (error messages).
std::string json_excerpt(const nlohmann::json& value);

}  // namespace recis::serialize
