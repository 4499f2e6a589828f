#include "recis/serialize/core/strict_json.h"

#include <set>
#include <vector>

#include "recis/common/error.h"

namespace recis::serialize {

nlohmann::json parse_strict_json(std::string_view text, const std::string& where) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::set<std::string>> keys;  // the keys seen so far in each open object
  const auto check = [&](int depth, Event event, nlohmann::json& parsed) {
    if (event == Event::object_start || event == Event::array_start) {
      if (depth >= kMaxJsonDepth) {
        throw Error(where + " nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      }
      if (event == Event::object_start) keys.emplace_back();
    } else if (event == Event::object_end) {
      keys.pop_back();
    } else if (event == Event::key && !keys.back().insert(parsed.get<std::string>()).second) {
      throw Error(where + " lists '" + parsed.get<std::string>() + "' twice in one object");
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, check);
  } catch (const nlohmann::json::exception& error) {
    throw Error(where + " is not valid JSON: " + error.what());
  }
}

std::string json_excerpt(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kJsonExcerptChars) text.replace(kJsonExcerptChars, std::string::npos, "...");
  return text;
}

}  // namespace recis::serialize
