"""The ``Trainer`` mixin that gives ``Model`` compile/fit/evaluate/predict.

This module must not import ``lamina.models`` at module level (``Model`` inherits from
``Trainer``).
"""


class Trainer:
    """Mixin holding the training API of :class:`lamina.Model`."""
