#include "recis/train/builtin_hooks.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/train/trainer.h"

namespace recis::train {
namespace {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", static_cast<long>(total / 3600),
                static_cast<long>(total / 60 % 60), static_cast<long>(total % 60));
  return text;
}

std::string format_number(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// JSON has no NaN: metrics that do not exist are written as null.
nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

ProgressHook::ProgressHook(bool interactive, int64_t log_every)
    : interactive_(interactive), log_every_(log_every) {}

void ProgressHook::record_step(const StepRecord& record) {
  smoothed_loss_ = record.step == 1 ? record.loss : 0.98 * smoothed_loss_ + 0.02 * record.loss;
  const double eta = record.progress > 0
                         ? record.elapsed_s * (1 - record.progress) / record.progress
                         : std::nan("");
  const std::string line = "step " + std::to_string(record.step) + " | " +
                           format_number(record.samples_per_s, 0) + " samples/s | loss " +
                           format_number(smoothed_loss_, 4) + " | auc " +
                           format_number(record.auc, 4) + " | " +
                           format_number(100 * record.progress, 1) + "% | eta " +
                           format_duration(eta);
  if (interactive_) {
    std::cerr << '\r' << line << "\033[K" << std::flush;
    line_open_ = true;
  } else if (record.step % log_every_ == 0) {
    RECIS_LOG(Info) << line;
  }
}

void ProgressHook::record_eval(const EvalRecord& record) {
  if (line_open_) {
    std::cerr << '\n';
    line_open_ = false;
  }
  RECIS_LOG(Info) << "eval at step " << record.step << ": auc " << format_number(record.auc, 4)
                  << ", logloss " << format_number(record.logloss, 4) << ", gauc "
                  << format_number(record.gauc, 4) << ", calibration "
                  << format_number(record.calibration, 3) << " (" << record.samples
                  << " samples, " << format_number(record.seconds, 1) << " s)";
}

void ProgressHook::finish() {
  if (line_open_) std::cerr << '\n';
  line_open_ = false;
}

MetricsFileHook::MetricsFileHook(std::filesystem::path output_dir, int64_t log_every)
    : dir_(std::move(output_dir)), log_every_(log_every) {
  std::filesystem::create_directories(dir_);
  metrics_.open(dir_ / "metrics.jsonl", std::ios::app);
  loss_points_.open(dir_ / "loss.dat", std::ios::trunc);
  auc_points_.open(dir_ / "auc.dat", std::ios::trunc);
  if (!metrics_ || !loss_points_ || !auc_points_) {
    throw IoError("cannot write metrics into " + dir_.string());
  }
}

void MetricsFileHook::record_step(const StepRecord& record) {
  window_loss_ += record.loss;
  ++window_steps_;
  last_step_ = record;
  if (record.step % log_every_ == 0) write_train_record(record);
}

// One train record for the steps since the last one (mean loss over them).
void MetricsFileHook::write_train_record(const StepRecord& record) {
  const double loss = window_loss_ / static_cast<double>(window_steps_);
  window_loss_ = 0;
  window_steps_ = 0;
  metrics_ << nlohmann::json{{"kind", "train"},
                             {"step", record.step},
                             {"samples", record.samples},
                             {"loss", loss},
                             {"auc", number_or_null(record.auc)},
                             {"samples_per_s", record.samples_per_s},
                             {"elapsed_s", record.elapsed_s}}
                  .dump()
           << '\n';
  metrics_.flush();
  loss_points_ << record.step << ' ' << loss << ' ' << format_number(record.auc, 6) << '\n';
  has_train_auc_ = has_train_auc_ || std::isfinite(record.auc);
}

void MetricsFileHook::record_eval(const EvalRecord& record) {
  metrics_ << nlohmann::json{{"kind", "eval"},
                             {"step", record.step},
                             {"samples", record.samples},
                             {"auc", number_or_null(record.auc)},
                             {"logloss", number_or_null(record.logloss)},
                             {"gauc", number_or_null(record.gauc)},
                             {"calibration", number_or_null(record.calibration)},
                             {"seconds", record.seconds}}
                  .dump()
           << '\n';
  metrics_.flush();
  auc_points_ << record.step << ' ' << format_number(record.auc, 6) << '\n';
  has_eval_points_ = has_eval_points_ || std::isfinite(record.auc);
}

void MetricsFileHook::finish() {
  if (window_steps_ > 0) write_train_record(last_step_);
  loss_points_.close();
  auc_points_.close();
  const std::filesystem::path script = dir_ / "curves.gp";
  const std::filesystem::path image = dir_ / "curves.png";
  const std::filesystem::path partial = dir_ / "curves.png.tmp";
  {
    std::ofstream out(script);
    out << "set terminal png size 1000,420\n"
        << "set output '" << partial.string() << "'\n"
        << "set multiplot layout 1," << (has_train_auc_ || has_eval_points_ ? 2 : 1) << "\n"
        << "set xlabel 'step'\nset grid\nset key bottom right\n"
        << "set title 'training loss'\n"
        << "plot '" << (dir_ / "loss.dat").string()
        << "' using 1:2 with linespoints title 'loss'\n";
    // gnuplot refuses a plot whose points are all undefined: draw only the AUC curves there are.
    std::vector<std::string> auc_curves;
    if (has_train_auc_) {
      auc_curves.push_back("'" + (dir_ / "loss.dat").string() +
                           "' using 1:3 with linespoints title 'train (window)'");
    }
    if (has_eval_points_) {
      auc_curves.push_back("'" + (dir_ / "auc.dat").string() +
                           "' using 1:2 with linespoints title 'eval'");
    }
    if (!auc_curves.empty()) {
      out << "set title 'AUC'\nplot " << auc_curves[0];
      if (auc_curves.size() > 1) out << ", " << auc_curves[1];
      out << "\n";
    }
    out << "unset multiplot\n";
  }
  const std::string command = "gnuplot '" + script.string() + "' 2>/dev/null";
  if (std::system(command.c_str()) == 0 && std::filesystem::exists(partial)) {
    std::filesystem::rename(partial, image);
  } else {
    std::filesystem::remove(partial);
    RECIS_LOG(Warning) << "could not draw " << image.string()
                       << " (is gnuplot installed?); the data is in " << dir_.string();
  }
}

void EvictionHook::on_step_end(Trainer& trainer, const StepRecord& record) {
  if (record.step % every_ != 0) return;
  const auto evicted = trainer.embeddings().evict(record.step);
  if (evicted.by_ttl + evicted.by_capacity > 0) {
    RECIS_LOG(Debug) << "step " << record.step << ": evicted " << evicted.by_ttl
                     << " idle rows and " << evicted.by_capacity << " rows over capacity";
  }
}

void CheckpointHook::on_step_end(Trainer& trainer, const StepRecord& record) {
  if (every_ <= 0 || record.step % every_ != 0) return;
  trainer.save_checkpoint();
  last_saved_step_ = record.step;
}

void CheckpointHook::on_train_end(Trainer& trainer) {
  if (!at_end_) return;
  if (trainer.step() == last_saved_step_ && trainer.pending_micro_batches() == 0) return;
  trainer.save_checkpoint();
  last_saved_step_ = trainer.step();
}

void EarlyStopHook::on_eval_end(Trainer& trainer, const EvalRecord& record) {
  if (record.auc > best_auc_) {
    best_auc_ = record.auc;
    evaluations_without_gain_ = 0;
    return;
  }
  if (++evaluations_without_gain_ >= patience_) {
    RECIS_LOG(Info) << "early stop at step " << record.step << ": no AUC gain in " << patience_
                    << " evaluations (best " << best_auc_ << ")";
    trainer.request_stop();
  }
}

ProfilerHook::ProfilerHook(std::string trace_path, int64_t first_step, int64_t last_step)
    : path_(std::move(trace_path)), first_(first_step), last_(last_step) {}

ProfilerHook::~ProfilerHook() = default;

void ProfilerHook::on_train_begin(Trainer&) {
  if (first_ <= 1) recording_ = std::make_unique<torch::autograd::profiler::RecordProfile>(path_);
}

void ProfilerHook::on_step_end(Trainer&, const StepRecord& record) {
  if (record.step + 1 == first_) {
    recording_ = std::make_unique<torch::autograd::profiler::RecordProfile>(path_);
  } else if (record.step == last_ && recording_) {
    recording_.reset();
    RECIS_LOG(Info) << "profile of steps " << first_ << ".." << last_ << " written to " << path_;
  }
}

void ProfilerHook::on_train_end(Trainer&) { recording_.reset(); }

}  // namespace recis::train
