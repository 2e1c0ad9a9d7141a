"""The three search strategies of Keras Tuner, as Optuna samplers and pruners.

- ``RandomSearch``: Optuna's ``RandomSampler``.
- ``BayesianOptimization``: Optuna's TPE sampler (a Bayesian method, not Keras
  Tuner's Gaussian process) after ``num_initial_points`` random trials.
- ``Hyperband``: TPE sampling with Optuna's ``HyperbandPruner``: every trial may train
  for ``max_epochs`` epochs, reports its objective after each one, and is stopped
  early when it falls behind the trials of its bracket.

Example:
    >>> import tempfile; tmp = tempfile.TemporaryDirectory()
    >>> RandomSearch(lambda hp: None, objective="val_loss", max_trials=3, directory=tmp.name).max_trials
    3
"""
import math
import warnings

from lamina.tuner.hyperparameters import HyperParameters
from lamina.tuner.tuner import Tuner


class RandomSearch(Tuner):
    """Random search: each trial draws every hyper-parameter independently.

    Takes :class:`~lamina.tuner.Tuner`'s arguments (``objective``, ``max_trials``,
    ``executions_per_trial``, ``seed``, ``directory``, ``project_name``, ``overwrite``...).

    Example:
        >>> import tempfile; tmp = tempfile.TemporaryDirectory()
        >>> tuner = RandomSearch(lambda hp: None, objective="val_accuracy", seed=1, directory=tmp.name)
        >>> type(tuner.study.sampler).__name__
        'RandomSampler'
    """

    def _default_sampler(self, optuna, seed):
        return optuna.samplers.RandomSampler(seed=seed)


class BayesianOptimization(Tuner):
    """Bayesian optimisation with Optuna's Tree-structured Parzen Estimator.

    Args:
        num_initial_points: random trials before TPE models the results (default:
            three per hyper-parameter, as Keras Tuner, at least 2; the attribute holds the
            number used).
        **kwargs: :class:`~lamina.tuner.Tuner`'s arguments.

    Example:
        >>> import tempfile; tmp = tempfile.TemporaryDirectory()
        >>> tuner = BayesianOptimization(lambda hp: None, num_initial_points=4, directory=tmp.name)
        >>> type(tuner.study.sampler).__name__
        'TPESampler'
    """

    def __init__(self, hypermodel, objective="val_loss", max_trials=10, num_initial_points=None, **kwargs):
        if num_initial_points is not None and (isinstance(num_initial_points, bool) or not isinstance(
                num_initial_points, int) or num_initial_points < 1):
            raise ValueError(f"BayesianOptimization: num_initial_points must be a positive int or None; received "
                             f"num_initial_points={num_initial_points!r}")
        self.num_initial_points = num_initial_points
        super().__init__(hypermodel, objective=objective, max_trials=max_trials, **kwargs)

    def _default_sampler(self, optuna, seed):
        if self.num_initial_points is None:  # count the tunable hyper-parameters: build one model with defaults
            hp = HyperParameters._for_trial(None, self.hyperparameters, self.tune_new_entries)
            self._build(hp)
            self.num_initial_points = max(2, 3 * sum(entry.kind != "Fixed" for entry in hp.space))
        return optuna.samplers.TPESampler(n_startup_trials=self.num_initial_points, seed=seed)


def hyperband_trials(max_epochs, factor, iterations=1):
    """How many models one Hyperband run tries: the sum of its brackets' sizes, times ``iterations``.

    Example:
        >>> hyperband_trials(9, 3)
        17
    """
    brackets = int(math.floor(math.log(max_epochs) / math.log(factor) + 1e-9))
    return iterations * sum(math.ceil((brackets + 1) / (s + 1) * factor ** s) for s in range(brackets + 1))


class Hyperband(Tuner):
    """Hyperband: many trials start, the ones behind their bracket are stopped after a few epochs.

    Args:
        max_epochs: the most epochs a trial trains for (``search``'s ``epochs`` is
            replaced by it, as in Keras Tuner).
        factor: the reduction factor between Hyperband's rungs.
        hyperband_iterations: how many times to run the Hyperband schedule; sets the
            default ``max_trials``.
        max_trials: the number of trials (default: what ``hyperband_iterations`` runs of
            the schedule try, e.g. 17 for ``max_epochs=9, factor=3``).
        **kwargs: :class:`~lamina.tuner.Tuner`'s arguments.

    With ``executions_per_trial > 1`` the first execution decides the pruning.

    Example:
        >>> import tempfile; tmp = tempfile.TemporaryDirectory()
        >>> tuner = Hyperband(lambda hp: None, max_epochs=9, factor=3, directory=tmp.name)
        >>> tuner.max_trials, type(tuner.study.pruner).__name__
        (17, 'HyperbandPruner')
    """

    def __init__(self, hypermodel, objective="val_loss", max_epochs=100, factor=3, hyperband_iterations=1,
                 max_trials=None, **kwargs):
        for name, value, least in (("max_epochs", max_epochs, 1), ("factor", factor, 2),
                                   ("hyperband_iterations", hyperband_iterations, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"Hyperband: {name} must be an int >= {least}; received {name}={value!r}")
        self.max_epochs = max_epochs
        self.factor = factor
        self.hyperband_iterations = hyperband_iterations
        if max_trials is None:
            max_trials = hyperband_trials(max_epochs, factor, hyperband_iterations)
        super().__init__(hypermodel, objective=objective, max_trials=max_trials, **kwargs)

    def _default_pruner(self, optuna):
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=self.max_epochs,
                                              reduction_factor=self.factor)

    def _fit_kwargs(self, fit_kwargs):
        epochs = fit_kwargs.get("epochs")
        if epochs is not None and epochs != self.max_epochs:
            warnings.warn(f"Hyperband trains each trial for up to max_epochs={self.max_epochs} epochs; "
                          f"search(epochs={epochs}) is not used", stacklevel=3)
        return dict(fit_kwargs, epochs=self.max_epochs)
