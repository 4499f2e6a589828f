#!/usr/bin/env bash
# The main job. Until the trainer lands (issue 8) it shows the tool and what is coming.
set -euo pipefail
RECIS=${1:-build/bin/recis}
"$RECIS" --help
echo
echo "demo: the trainer is not built yet; 'make demo' will generate Criteo-like data,"
echo "train DeepFM for one epoch and print AUC, logloss and samples/s once it lands."
