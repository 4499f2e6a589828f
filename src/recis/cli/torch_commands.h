// The `recis` commands that need libtorch, by name and description: their files register them
// in bin/recis-torch with this text, and the torch-free front end bin/recis lists them in its
// help and hands them to bin/recis-torch (front_main.cpp). Constants; thread-safe.
#pragma once

#include <array>

namespace recis::cli {

struct TorchCommand {
  const char* name;
  const char* description;
};

inline constexpr TorchCommand kTrainCommand{"train", "train a model from an experiment config"};
inline constexpr TorchCommand kEvalCommand{"eval",
                                           "evaluate a checkpoint on the config's eval data"};
inline constexpr TorchCommand kDataCommand{"data", "dataset tools: inspect"};
inline constexpr TorchCommand kBenchCommand{
    "bench", "run an end-to-end benchmark (prints one JSON line last)"};
inline constexpr TorchCommand kLaunchCommand{
    "launch", "run N local ranks of a recis command (like torchrun)"};

inline constexpr std::array kTorchCommands{kTrainCommand, kEvalCommand, kDataCommand,
                                           kBenchCommand, kLaunchCommand};

}  // namespace recis::cli
