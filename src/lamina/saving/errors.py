"""``LoadError``: the one exception lamina's loaders raise for a bad file.

Whatever is wrong with a model or weights file (truncated, hostile, written for
another model, naming an unknown class), loading raises :class:`LoadError` with a
message naming the file, the part of it and the problem. It is a ``ValueError``,
so ``except ValueError`` keeps working.

Example:
    >>> try:
    ...     raise LoadError("model.keras: config.json is not valid JSON")
    ... except ValueError as error:
    ...     print(error)
    model.keras: config.json is not valid JSON
"""
import contextlib


class LoadError(ValueError):
    """A model or weights file cannot be loaded; the message says why.

    Example:
        >>> issubclass(LoadError, ValueError)
        True
    """


@contextlib.contextmanager
def reraise_as_load_error(what):
    """Turn any exception raised inside the block into a :class:`LoadError` that starts with ``what``.

    ``LoadError``s pass through unchanged; ``KeyboardInterrupt`` and ``SystemExit``
    are never caught.

    Example:
        >>> with reraise_as_load_error("weights.h5"):
        ...     int("x")
        Traceback (most recent call last):
        ...
        lamina.saving.errors.LoadError: weights.h5: ValueError: invalid literal for int() with base 10: 'x'
    """
    try:
        yield
    except LoadError:
        raise
    except RecursionError:
        raise LoadError(f"{what}: the file is nested too deeply to load") from None
    except MemoryError:
        raise LoadError(f"{what}: loading needs more memory than is available") from None
    except Exception as error:  # a hostile file can make any constructor fail: report it as a load error
        raise LoadError(f"{what}: {type(error).__name__}: {error}") from error
