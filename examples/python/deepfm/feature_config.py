"""The columns of `recis gen-data` output (docs/data.md) the DeepFM example reads, and its
embedding sizes. Each id column feeds two tables: a 16-dim vector per id (FM and deep parts)
and a learned weight per id (first-order part)."""

DENSE_FEATURES = [f"i{i}" for i in range(1, 14)]
SPARSE_FEATURES = [f"c{i}" for i in range(1, 27)]
LABEL = "label"
EMBEDDING_DIM = 16
HIDDEN = [256, 128]
