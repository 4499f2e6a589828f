"""The DeepFM example's datasets: gen-data ORC files read by recis.io.OrcDataset in C++ threads,
one dict per batch (label and counts as [B, 1] tensors, ids as RaggedTensors)."""

from feature_config import DENSE_FEATURES, LABEL, SPARSE_FEATURES

from recis.io import OrcDataset


def get_dataset(paths, batch_size, read_threads_num=2, prefetch=2, worker_idx=0,
                worker_num=1):
    dataset = OrcDataset(
        batch_size,
        worker_idx=worker_idx,
        worker_num=worker_num,
        read_threads_num=read_threads_num,
        prefetch=prefetch,
        transform_fn=[lambda parts: parts[0]],
    )
    dataset.add_paths(paths)
    dataset.fixedlen_feature(LABEL, [0.0])
    for name in DENSE_FEATURES:
        dataset.fixedlen_feature(name, [0.0])
    for name in SPARSE_FEATURES:
        dataset.varlen_feature(name)
    return dataset
