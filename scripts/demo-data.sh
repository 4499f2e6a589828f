#!/usr/bin/env bash
# The demos' sample data: ROWS Criteo-like training rows (4 files) and ROWS/10 held-out rows
# from the same hidden model, written by `recis gen-data` (it prints the Bayes-optimal AUC).
# Usage: scripts/demo-data.sh path/to/recis ROWS DIR
set -euo pipefail
RECIS=$1
ROWS=$2
DIR=$3
echo "== recis gen-data: $ROWS training rows + $((ROWS / 10)) held-out rows in $DIR"
"$RECIS" gen-data --rows "$ROWS" --parts 4 --out "$DIR/train" --force
"$RECIS" gen-data --rows $((ROWS / 10)) --first-row "$ROWS" --out "$DIR/eval" --force
