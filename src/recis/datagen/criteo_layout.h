// The columns of the Criteo-like sample data: 26 categorical `list<bigint>` columns c1..c26 with
// log-spaced vocabularies from 10 to 1M ids (c24..c26 hold 1-5 ids a row, the rest one), 13
// numeric `list<double>` columns i1..i13 (one log-normal count, or null / empty when missing), a
// `list<double>` label and, optionally, a `hist` list<bigint> sequence of c1 ids for DIN.
// Used by the row sampler, the hidden model, the generator and the tests that check the files.
// Thread-safety: immutable tables and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "recis/orc/type.h"

namespace recis::datagen {

struct CategoricalColumn {
  std::string name;          // "c1"
  std::uint64_t vocabulary;  // ids are drawn from this many ranks
  int max_ids;               // ids per present row: 1, or 1..max_ids uniformly
  double missing_rate;       // share of rows with an empty list
};

struct NumericColumn {
  std::string name;  // "i1"
  double log_mean;   // the value is floor(exp(log_mean + log_sd * z)), z ~ N(0, 1)
  double log_sd;
  double missing_rate;  // share of rows without a value (half null lists, half empty lists)
};

std::span<const CategoricalColumn> categorical_columns();
std::span<const NumericColumn> numeric_columns();

// The categorical column whose ids fill the `hist` sequence (c1).
inline constexpr std::size_t kSequenceSourceColumn = 0;
// `hist` holds 0 .. kMaxSequenceLength ids a row.
inline constexpr std::uint64_t kMaxSequenceLength = 50;

// The stored id of rank `rank` (0 = most frequent) in categorical column `column`: a scrambled,
// non-negative int64, so ids are neither small nor ordered by frequency.
std::int64_t categorical_id(std::size_t column, std::uint64_t rank);

// The id of a `hist` item's cluster (its c1 rank / kHistClusterSize) in `hist_steps`: ids of a
// pseudo column after c26, so they never equal an item's id.
std::int64_t hist_cluster_id(std::uint64_t cluster);

// struct<c1:array<bigint>,...,c26,i1:array<double>,...,i13,label:array<double>
//        [,hist:array<bigint>,hist_steps:array<array<bigint>>]>
// hist_steps holds one [item id, cluster id] list per hist item: the 3-level form of the sequence.
orc::Type criteo_schema(bool with_sequence);

}  // namespace recis::datagen
