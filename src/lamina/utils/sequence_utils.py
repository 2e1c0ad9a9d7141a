"""``pad_sequences``: a list of variable-length sequences as one padded array.

Example:
    >>> pad_sequences([[1], [2, 3], [4, 5, 6]]).tolist()
    [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
"""
import numpy as np

_SIDES = ("pre", "post")


def _check_lossless(piece, dtype, index):
    """Refuse casts that would change numbers (floats truncated to ints, integer overflow, NaN)."""
    if piece.dtype == object or not np.issubdtype(dtype, np.integer):
        return
    if np.issubdtype(piece.dtype, np.bool_) or np.issubdtype(piece.dtype, np.integer):
        info = np.iinfo(dtype)
        if piece.size and (piece.min() < info.min or piece.max() > info.max):
            raise ValueError(
                f"pad_sequences: sequence {index} holds values outside the range of dtype {np.dtype(dtype).name} "
                f"([{info.min}, {info.max}]); pass a wider dtype"
            )
        return
    if not np.issubdtype(piece.dtype, np.number):
        raise ValueError(
            f"pad_sequences: sequence {index} holds {piece.dtype} values, which cannot be stored as "
            f"dtype {np.dtype(dtype).name}; pass dtype=object (strings) or a matching dtype"
        )
    with np.errstate(invalid="ignore", over="ignore"):
        cast = piece.astype(dtype)
        lossless = np.array_equal(cast, piece)
    if not lossless:
        raise ValueError(
            f"pad_sequences: sequence {index} holds non-integer values (e.g. {piece.ravel()[:3].tolist()}) but "
            f"dtype={np.dtype(dtype).name} would truncate them; pass dtype='float32' (or the dtype you want)"
        )


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or truncate) every sequence to the same length and stack them.

    Args:
        sequences: list of sequences (lists or arrays; items may themselves be arrays
            of a common shape, e.g. feature vectors).
        maxlen: length of the output rows; default the longest sequence.
        dtype: output dtype; ``object`` for strings.
        padding: ``"pre"`` or ``"post"``: where to add ``value``.
        truncating: ``"pre"`` or ``"post"``: which end to drop from longer sequences.
        value: padding value.

    Returns:
        NumPy array of shape ``(len(sequences), maxlen) + item_shape``.

    Raises:
        ValueError: with an integer ``dtype``, when a sequence holds values the cast
            would change (``1.5`` would silently become ``1`` in Keras).

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post", truncating="post").tolist()
        [[1, 2], [4, 0]]
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences: sequences must be a list of sequences; received {type(sequences).__name__}")
    if padding not in _SIDES:
        raise ValueError(f"pad_sequences: padding must be one of {_SIDES}; received padding={padding!r}")
    if truncating not in _SIDES:
        raise ValueError(f"pad_sequences: truncating must be one of {_SIDES}; received truncating={truncating!r}")
    lengths = []
    sample_shape = None  # the item shape, taken from the first non-empty sequence
    for index, seq in enumerate(sequences):
        try:
            lengths.append(len(seq))
        except TypeError:
            raise ValueError(
                f"pad_sequences: sequences must be a list of sequences, but item {index} is "
                f"{type(seq).__name__} {seq!r}"
            ) from None
        if sample_shape is None and lengths[-1]:
            sample_shape = np.asarray(seq).shape[1:]
    sample_shape = sample_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    elif isinstance(maxlen, bool) or int(maxlen) != maxlen or maxlen < 0:
        raise ValueError(f"pad_sequences: maxlen must be a non-negative integer or None; received maxlen={maxlen!r}")
    maxlen = int(maxlen)
    kind = np.dtype(dtype).kind
    if isinstance(value, str) and kind not in "OUS":  # object, str, bytes
        raise ValueError(
            f"pad_sequences: dtype={dtype!r} cannot hold the string padding value {value!r}; "
            "pass dtype=object for variable-length strings"
        )
    out = np.full((len(lengths), maxlen) + sample_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for index, seq in enumerate(sequences):
        if not lengths[index]:
            continue
        piece = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        piece = np.asarray(piece, dtype=object if kind == "O" else None)
        if piece.shape[1:] != sample_shape:
            raise ValueError(
                f"pad_sequences: sequence {index} has items of shape {piece.shape[1:]}, but earlier items have "
                f"shape {sample_shape}"
            )
        _check_lossless(piece, out.dtype, index)
        if padding == "post":
            out[index, : len(piece)] = piece
        else:
            out[index, -len(piece):] = piece
    return out
