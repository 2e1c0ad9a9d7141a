"""Models (``keras.models``): ``Model``, ``Sequential`` and the functional API.

Example:
    >>> from lamina.models import Sequential
    >>> from lamina.layers import Dense
    >>> Sequential([Dense(1, input_shape=(2,))]).count_params()
    3
"""
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
