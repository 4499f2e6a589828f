#!/usr/bin/env bash
# The main job: generate Criteo-like sample data (1M training rows, 100k held out, labels from a
# hidden model whose Bayes-optimal AUC gen-data prints), train DeepFM on it for one epoch with
# evaluation on the held-out rows, and print AUC, logloss and samples/s.
# Usage: scripts/demo.sh [path/to/recis]; DEMO_ROWS and DEMO_DIR override the size and place.
set -euo pipefail
RECIS=${1:-build/bin/recis}
ROWS=${DEMO_ROWS:-1000000}
DIR=${DEMO_DIR:-demo-data}

bash "$(dirname "$0")/demo-data.sh" "$RECIS" "$ROWS" "$DIR"

echo
echo "== recis train --config examples/deepfm.toml"
"$RECIS" train --config examples/deepfm.toml \
  --set "data.train=[\"$DIR/train\"]" --set "data.eval=[\"$DIR/eval\"]" \
  --output recis-out/deepfm
echo
echo "metrics: recis-out/deepfm/metrics.jsonl, curves: recis-out/deepfm/curves.png"
