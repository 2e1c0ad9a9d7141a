"""Compatibility with existing Keras and TensorFlow programs.

``lamina run script.py`` installs :func:`install_aliases` so that ``import keras``,
``import tensorflow`` (lamina's TensorFlow subset) and ``tensorflow.keras`` resolve to
lamina, then runs the script unchanged.

Example:
    >>> from lamina.compat import install_aliases, uninstall_aliases
    >>> install_aliases()
    >>> import keras.layers as kl
    >>> kl.Dense.__module__.startswith("lamina")
    True
    >>> uninstall_aliases()
"""
from lamina.compat.importer import install_aliases, uninstall_aliases
from lamina.compat.runner import run_script
