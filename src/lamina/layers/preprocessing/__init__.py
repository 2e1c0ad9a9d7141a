"""Preprocessing layers: text and lookup layers (strings in, torch tensors out), numeric encoders.

Example:
    >>> from lamina.layers.preprocessing import StringLookup
    >>> StringLookup(vocabulary=["a", "b"])(["b", "q"]).tolist()
    [2, 0]
"""
from lamina.layers.preprocessing.category_encoding import CategoryEncoding
from lamina.layers.preprocessing.discretization import Discretization
from lamina.layers.preprocessing.hashing import Hashing
from lamina.layers.preprocessing.integer_lookup import IntegerLookup
from lamina.layers.preprocessing.normalization import Normalization
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_vectorization import TextVectorization
