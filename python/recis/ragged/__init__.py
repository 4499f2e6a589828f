from recis.ragged.tensor import RaggedPadInfo, RaggedTensor

__all__ = ["RaggedTensor", "RaggedPadInfo"]
