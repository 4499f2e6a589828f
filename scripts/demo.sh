#!/usr/bin/env bash
# The main job. Until the trainer lands (issue 8) it shows what exists: the tool, the ORC reader
# and the dataset over RecIS's DeepFM sample file from ../shared when it is there.
set -euo pipefail
RECIS=${1:-build/bin/recis}
"$RECIS" --help
SAMPLE=../shared/orc-corpus/recis-deepfm-part-0.orc
if [ -f "$SAMPLE" ]; then
  echo
  echo "== recis orc scan $SAMPLE"
  "$RECIS" orc scan "$SAMPLE"
  echo
  echo "== recis data inspect (c1, c2 as ids, label dense)"
  "$RECIS" data inspect "$SAMPLE" --varlen c1,c2 --fixedlen label
fi
echo
echo "demo: the trainer is not built yet; 'make demo' will generate Criteo-like data,"
echo "train DeepFM for one epoch and print AUC, logloss and samples/s once it lands."
