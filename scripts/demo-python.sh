#!/usr/bin/env bash
# The second demo: the same sample data as scripts/demo.sh, and DeepFM written in Python as a
# RecIS user writes it (examples/python/deepfm: FeatureEngine + EmbeddingEngine + torch layers,
# recis.framework.Trainer), trained one epoch and evaluated on the held-out rows.
# Usage: scripts/demo-python.sh [build dir]; DEMO_ROWS and DEMO_DIR as for scripts/demo.sh.
set -euo pipefail
BUILD=${1:-build}
RECIS="$BUILD/bin/recis"
ROWS=${DEMO_ROWS:-1000000}
DIR=${DEMO_DIR:-demo-data}

bash "$(dirname "$0")/demo-data.sh" "$RECIS" "$ROWS" "$DIR"

echo
echo "== python examples/python/deepfm/runner.py"
PYTHONPATH="$BUILD/python" /usr/bin/python3 examples/python/deepfm/runner.py \
  --train_paths "$DIR/train" --eval_paths "$DIR/eval" --output_dir recis-out/deepfm-python
echo
echo "metrics: recis-out/deepfm-python/metrics.jsonl, curves: recis-out/deepfm-python/curves.png"
