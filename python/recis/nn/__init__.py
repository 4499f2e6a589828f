from recis.nn.modules.embedding import DynamicEmbedding, EmbeddingOption
from recis.nn.modules.embedding_engine import EmbeddingEngine
from recis.nn.modules.hashtable import HashTable

__all__ = ["DynamicEmbedding", "EmbeddingOption", "EmbeddingEngine", "HashTable"]
