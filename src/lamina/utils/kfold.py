"""K-fold validation the way *Deep Learning with Python* does it by hand.

``k_fold_indices`` splits ``n`` samples into ``k`` folds (fold ``i`` validates on the
``i``-th block of ``n // k`` samples, trains on all the others, in their order);
``cross_validate`` trains a fresh model per fold, records each fold's history and
final validation scores, and averages them per epoch, optionally repeating the whole
procedure on reshuffled data (iterated K-fold validation with shuffling).

Example:
    >>> [(t.tolist(), v.tolist()) for t, v in k_fold_indices(5, 2)]
    [([2, 3, 4], [0, 1]), ([0, 1, 4], [2, 3])]
"""
import numpy as np
import torch

from lamina.core import tree


def _check_seed(seed, shuffle, owner):
    if seed is None:
        return
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"{owner}: seed must be an int or None; received seed={seed!r}")
    if not shuffle:
        raise ValueError(f"{owner}: seed={seed!r} has no effect because shuffle=False; pass shuffle=True to "
                         "shuffle the samples before splitting them, or leave seed=None")


def _folds(order, k):
    size = len(order) // k
    return [(np.concatenate([order[:i * size], order[(i + 1) * size:]]), order[i * size:(i + 1) * size])
            for i in range(k)]


def _check_k(n, k, owner):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ValueError(f"{owner}: k must be an int >= 2 (the number of folds); received k={k!r}")
    if n < k:
        raise ValueError(f"{owner}: cannot split {n} samples into k={k} folds; k must be at most the number of "
                         "samples")


def k_fold_indices(n, k, shuffle=False, seed=None):
    """The ``(train_indices, validation_indices)`` pairs of ``k``-fold validation on ``n`` samples.

    Fold ``i`` validates on samples ``i * (n // k)`` to ``(i + 1) * (n // k) - 1`` and
    trains on every other sample, in order (the ``n % k`` samples left over at the end
    are always trained on), exactly as the book's hand-written loop slices its arrays.
    With ``shuffle=True`` the samples are first put in the order of
    ``np.random.RandomState(seed).permutation(n)``.

    Args:
        n: the number of samples.
        k: the number of folds (at least 2).
        shuffle: shuffle before splitting.
        seed: the shuffle's seed (``None``: a fresh random order); only with ``shuffle=True``.

    Returns:
        A list of ``k`` pairs of int64 NumPy arrays.

    Example:
        >>> folds = k_fold_indices(8, 4, shuffle=True, seed=0)
        >>> sorted(np.concatenate([v for _, v in folds]).tolist())
        [0, 1, 2, 3, 4, 5, 6, 7]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"k_fold_indices: n must be a non-negative int (the number of samples); received n={n!r}")
    _check_k(n, k, "k_fold_indices")
    _check_seed(seed, shuffle, "k_fold_indices")
    order = np.random.RandomState(seed).permutation(n) if shuffle else np.arange(n)
    return _folds(order.astype(np.int64), int(k))


class CrossValidationResult:
    """What :func:`cross_validate` returns.

    Attributes:
        histories: one ``{name: [value per epoch]}`` dict per fold (the folds of the first
            repeat, then those of the second, ...), as ``History.history``.
        scores: one ``{name: value}`` dict per fold: ``model.evaluate`` on the fold's
            validation samples after training.
        indices: the ``(train_indices, validation_indices)`` pair of each fold.
        average_history: ``{name: [mean over folds, per epoch]}`` (the book's
            ``average_mae_history`` is ``average_history['val_mae']``). When folds trained
            for different numbers of epochs (early stopping), epoch ``e`` averages the
            folds that reached it.
        mean_scores, std_scores: ``{name: mean (standard deviation) over folds}`` of ``scores``.

    Example:
        >>> r = CrossValidationResult([{"val_mae": [3.0, 2.0]}, {"val_mae": [5.0, 4.0]}],
        ...                           [{"mae": 2.0}, {"mae": 4.0}], [])
        >>> r.average_history["val_mae"], r.mean_scores["mae"]
        ([4.0, 3.0], 3.0)
    """

    def __init__(self, histories, scores, indices):
        self.histories = histories
        self.scores = scores
        self.indices = indices
        names = sorted({name for history in histories for name in history})
        self.average_history = {}
        for name in names:
            runs = [history[name] for history in histories if name in history]
            epochs = max(len(run) for run in runs)
            self.average_history[name] = [float(np.mean([run[e] for run in runs if e < len(run)]))
                                          for e in range(epochs)]
        score_names = sorted({name for score in scores for name in score})
        self.mean_scores = {name: float(np.mean([s[name] for s in scores if name in s])) for name in score_names}
        self.std_scores = {name: float(np.std([s[name] for s in scores if name in s])) for name in score_names}

    def __repr__(self):
        means = ", ".join(f"{name}={mean:.4g}±{self.std_scores[name]:.2g}" for name, mean in self.mean_scores.items())
        return f"<CrossValidationResult {len(self.scores)} folds: {means}>"


def _num_samples(data, owner):
    lengths = {len(leaf) for leaf in tree.flatten(data) if leaf is not None}
    if len(lengths) != 1:
        raise ValueError(f"{owner}: x and y must hold the same number of samples in every array; found lengths "
                         f"{sorted(lengths)}")
    return lengths.pop()


def _take(data, index):
    def take(leaf):
        if leaf is None:
            return None
        if isinstance(leaf, torch.Tensor):
            return leaf[torch.from_numpy(index).to(leaf.device)]
        return np.asarray(leaf)[index]

    return tree.map_structure(take, data)


def cross_validate(build_model, x, y=None, k=4, epochs=1, batch_size=None, verbose=0, repeats=1, shuffle=False,
                   seed=None, metrics=None, **fit_kwargs):
    """K-fold validation with a fresh model per fold (the book's procedure), optionally iterated with shuffling.

    For each of ``repeats`` repetitions (each on a new shuffle of the samples when
    ``shuffle=True``) and each of the ``k`` folds of :func:`k_fold_indices`:
    ``model = build_model()`` (compiled), ``model.fit`` on the fold's training samples
    with ``validation_data`` = the fold's validation samples, then ``model.evaluate`` on
    them. The repetitions shuffle with one ``np.random.RandomState(seed)``: the first
    uses the same order as ``k_fold_indices(n, k, shuffle=True, seed=seed)``.

    Args:
        build_model: a function of no arguments returning a new compiled model.
        x, y: NumPy arrays or torch tensors (lists/dicts of them for several inputs or
            outputs), indexed along their first axis.
        k: the number of folds.
        epochs, batch_size, verbose: passed to ``fit``; ``verbose > 0`` also prints one
            line per fold.
        repeats: how many times to run the whole K-fold procedure.
        shuffle, seed: shuffle the samples before each repetition, reproducibly when
            ``seed`` is an int.
        metrics: names of the logged quantities to keep in the histories
            (``['val_mae']``); ``None`` keeps every one.
        **fit_kwargs: any other ``fit`` argument (``callbacks``, ``class_weight``, ...);
            ``fit`` shuffles the batches as usual.

    Returns:
        A :class:`CrossValidationResult`.

    Example:
        >>> import lamina as keras
        >>> def build():
        ...     model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
        ...     model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
        ...     return model
        >>> x, y = np.random.rand(20, 2), np.random.rand(20)
        >>> result = cross_validate(build, x, y, k=4, epochs=3, batch_size=8)
        >>> len(result.histories), len(result.average_history["val_mae"]), sorted(result.mean_scores)
        (4, 3, ['loss', 'mae'])
    """
    if not callable(build_model):
        raise TypeError(f"cross_validate: build_model must be a function returning a compiled model; received "
                        f"{build_model!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)) or repeats < 1:
        raise ValueError(f"cross_validate: repeats must be a positive int; received repeats={repeats!r}")
    if isinstance(metrics, str):
        metrics = [metrics]
    n = _num_samples((x, y), "cross_validate")
    _check_k(n, k, "cross_validate")
    _check_seed(seed, shuffle, "cross_validate")
    for key in ("validation_data", "validation_split"):
        if key in fit_kwargs:
            raise TypeError(f"cross_validate: {key} cannot be given; each fold validates on its own samples")
    rng = np.random.RandomState(seed)
    histories, scores, indices = [], [], []
    for repeat in range(repeats):
        order = rng.permutation(n) if shuffle else np.arange(n)
        for fold, (train, val) in enumerate(_folds(order.astype(np.int64), int(k))):
            if verbose:
                print(f"Fold {fold + 1}/{k}" + (f" (repeat {repeat + 1}/{repeats})" if repeats > 1 else ""))
            model = build_model()
            if not hasattr(model, "fit") or not getattr(model, "compiled", False):
                raise TypeError(f"cross_validate: build_model() must return a compiled model; it returned "
                                f"{model!r}")
            x_val, y_val = _take(x, val), _take(y, val)
            history = model.fit(_take(x, train), _take(y, train), validation_data=(x_val, y_val), epochs=epochs,
                                batch_size=batch_size, verbose=verbose, **fit_kwargs).history
            if metrics is not None:
                missing = [name for name in metrics if name not in history]
                if missing:
                    raise ValueError(f"cross_validate: metrics={list(metrics)} names {missing}, which fit did not "
                                     f"log; the logged quantities are {sorted(history)}")
                history = {name: history[name] for name in metrics}
            histories.append(history)
            scores.append(model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0, return_dict=True))
            indices.append((train, val))
    return CrossValidationResult(histories, scores, indices)
