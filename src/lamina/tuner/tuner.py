"""``Tuner``: Keras Tuner's search loop on an Optuna study stored in SQLite.

Each trial builds a model with the trial's hyper-parameters, trains it with the
arguments given to ``search`` (``executions_per_trial`` times, from scratch), and
scores it by the best epoch value of the objective (averaged over executions, as
Keras Tuner does). The study lives in ``<directory>/<project_name>/tuner.db``, so a
search that stops (or is killed) resumes where it was when a tuner is created again
with the same directory and project name: finished trials are kept, a trial that was
running is run again with the same hyper-parameters, and ``max_trials`` counts them
all. The weights of each finished trial's best epoch are saved next to it
(``trial_0003/checkpoint.weights.h5``), and ``get_best_models`` rebuilds the models
and loads them.

Optuna is imported when a tuner is created: ``pip install 'lamina[tuner]'``.

Example:
    >>> import tempfile, numpy as np, lamina as keras
    >>> tmp = tempfile.TemporaryDirectory()
    >>> def build_model(hp):
    ...     model = keras.Sequential([keras.layers.Dense(hp.Int("units", 2, 8, step=2), input_shape=(3,)),
    ...                               keras.layers.Dense(1)])
    ...     model.compile(optimizer=keras.optimizers.SGD(hp.Choice("lr", [0.01, 0.1])), loss="mse")
    ...     return model
    >>> tuner = Tuner(build_model, objective="val_loss", max_trials=2, seed=0, directory=tmp.name)
    >>> x = np.random.rand(32, 3); y = x.sum(axis=1)
    >>> tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0)
    >>> len(tuner.get_best_hyperparameters(2)), sorted(tuner.get_best_hyperparameters()[0].values)
    (2, ['lr', 'units'])
"""
import contextlib
import copy
import glob
import os
import shutil

from lamina.callbacks.callback import Callback
from lamina.callbacks.history import HistoryDict
from lamina.models import Model
from lamina.tuner.hypermodel import FunctionHyperModel, HyperModel
from lamina.tuner.hyperparameters import HyperParameters
from lamina.tuner.objective import get_objective
from lamina.utils.random_seed import set_random_seed

DATABASE = "tuner.db"
CHECKPOINT = "checkpoint.weights.h5"


def import_optuna():
    """The ``optuna`` module, or an ImportError naming the ``lamina[tuner]`` extra.

    Example:
        >>> import_optuna().__name__
        'optuna'
    """
    try:
        import optuna
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] != "optuna":
            raise
        raise ImportError("lamina.tuner needs Optuna: pip install 'lamina[tuner]'") from error
    return optuna


@contextlib.contextmanager
def _quiet(optuna):
    """Optuna's INFO lines (study created, trial finished) off: the tuner prints its own."""
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(verbosity)


def _positive_int(value, owner, argument):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{owner}: {argument} must be a positive int; received {argument}={value!r}")
    return value


class TrialWatcher(Callback):
    """Tracks one execution of a trial: the best objective value, the weights at that epoch, pruning.

    With an Optuna ``trial``, it also reports the objective after every epoch (step =
    epochs trained so far) and stops training when the pruner says so (not after the
    last epoch: a trial that trained fully is kept).

    Example:
        >>> from lamina.tuner.objective import Objective
        >>> watcher = TrialWatcher(Objective("val_loss", "min"))
        >>> watcher.best is None
        True
    """

    def __init__(self, objective, trial=None):
        super().__init__()
        self.objective = objective
        self.trial = trial
        self.best = None
        self.best_state = None
        self.epochs = 0
        self.pruned = False

    def on_epoch_end(self, epoch, logs=None):
        logs = HistoryDict(logs or {})
        name = self.objective.name
        if name not in logs:
            hint = " (validation metrics need validation_data or validation_split in search())" if (
                name.startswith("val_")) else ""
            raise ValueError(f"Tuner: the objective {name!r} is not logged by fit{hint}; the logged quantities "
                             f"are {sorted(logs)}")
        value = float(logs[name])
        self.epochs += 1
        if self.objective.better(value, self.best):
            self.best = value
            self.best_state = {key: tensor.detach().clone() for key, tensor in self.model.state_dict().items()}
        if self.trial is not None:
            self.trial.report(value, self.epochs)
            if self.epochs < self.params.get("epochs", 0) and self.trial.should_prune():
                self.pruned = True
                self.model.stop_training = True


class Tuner:
    """A hyper-parameter search over models built by ``hypermodel(hp)``, run by Optuna.

    Args:
        hypermodel: a function ``build_model(hp)`` returning a compiled model, or a
            :class:`~lamina.tuner.HyperModel`.
        objective: the logged quantity to optimise: a name (``'val_accuracy'``; the
            direction is inferred) or an :class:`~lamina.tuner.Objective`.
        max_trials: how many trials the project holds when ``search`` returns
            (finished trials from earlier runs count).
        executions_per_trial: models trained per trial (the score is the mean).
        seed: seeds the sampler, and lamina (``set_random_seed(seed + trial number)``)
            before each trial, so a search can be repeated exactly.
        hyperparameters: a :class:`~lamina.tuner.HyperParameters` whose declarations
            replace those of the same name in ``build_model`` (``hp.Fixed`` pins a value).
        tune_new_entries: if ``False``, hyper-parameters not in ``hyperparameters`` keep
            their defaults.
        directory, project_name: where the study and checkpoints live
            (default ``./untitled_project``).
        overwrite: start afresh, deleting the project's study and checkpoints.
        sampler, pruner: Optuna sampler and pruner (default: TPE, no pruning).

    Attributes:
        study: the ``optuna.Study``.
        hypermodel: the :class:`~lamina.tuner.HyperModel` (``tuner.hypermodel.build(hp)``).
        objective: the :class:`~lamina.tuner.Objective`.

    Example:
        >>> import tempfile; tmp = tempfile.TemporaryDirectory()
        >>> tuner = Tuner(lambda hp: None, objective="val_accuracy", directory=tmp.name)
        >>> tuner.objective, tuner.project_name
        (Objective(name='val_accuracy', direction='max'), 'untitled_project')
    """

    def __init__(self, hypermodel, objective="val_loss", max_trials=10, executions_per_trial=1, seed=None,
                 hyperparameters=None, tune_new_entries=True, directory=None, project_name=None, overwrite=False,
                 sampler=None, pruner=None):
        optuna = import_optuna()
        owner = type(self).__name__
        if isinstance(hypermodel, HyperModel):
            self.hypermodel = hypermodel
        elif callable(hypermodel):
            self.hypermodel = FunctionHyperModel(hypermodel)
        else:
            raise TypeError(f"{owner}: hypermodel must be a function build_model(hp) returning a compiled model, "
                            f"or a HyperModel; received {hypermodel!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"{owner}: seed must be an int or None; received seed={seed!r}")
        if hyperparameters is not None and not isinstance(hyperparameters, HyperParameters):
            raise TypeError(f"{owner}: hyperparameters must be a lamina.tuner.HyperParameters; received "
                            f"{hyperparameters!r}")
        self.objective = get_objective(objective)
        self.max_trials = _positive_int(max_trials, owner, "max_trials")
        self.executions_per_trial = _positive_int(executions_per_trial, owner, "executions_per_trial")
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.tune_new_entries = bool(tune_new_entries)
        self.directory = os.fspath(directory) if directory is not None else "."
        self.project_name = project_name or "untitled_project"
        self.project_dir = os.path.join(self.directory, self.project_name)
        if overwrite:
            self._delete_project_files()
        os.makedirs(self.project_dir, exist_ok=True)
        with _quiet(optuna):
            self.study = optuna.create_study(
                storage="sqlite:///" + os.path.abspath(os.path.join(self.project_dir, DATABASE)),
                study_name=self.project_name, load_if_exists=True,
                direction="minimize" if self.objective.direction == "min" else "maximize")
        stored = self.study.user_attrs.get("objective")
        if stored is None:
            self.study.set_user_attr("objective", [self.objective.name, self.objective.direction])
        elif stored != [self.objective.name, self.objective.direction]:
            raise ValueError(
                f"{owner}: the project {self.project_dir!r} holds a search for objective {stored[0]!r} "
                f"({stored[1]}), not {self.objective!r}; pass overwrite=True to start afresh, or another "
                "project_name"
            )
        # A new session continues the sampler's random stream instead of replaying it.
        offset = None if seed is None else seed + len(self.study.get_trials(deepcopy=False))
        self.study.sampler = sampler if sampler is not None else self._default_sampler(optuna, offset)
        self.study.pruner = pruner if pruner is not None else self._default_pruner(optuna)
        self._prunes = not isinstance(self.study.pruner, optuna.pruners.NopPruner)

    # -- what subclasses choose -----------------------------------------------------------------------
    def _default_sampler(self, optuna, seed):
        return optuna.samplers.TPESampler(seed=seed)

    def _default_pruner(self, optuna):
        return optuna.pruners.NopPruner()

    def _fit_kwargs(self, fit_kwargs):
        """The arguments each trial's ``fit`` gets (Hyperband sets the epochs)."""
        return fit_kwargs

    # -- files ----------------------------------------------------------------------------------------
    def _delete_project_files(self):
        for path in glob.glob(os.path.join(glob.escape(self.project_dir), "trial_*")):
            shutil.rmtree(path, ignore_errors=True)
        database = os.path.join(self.project_dir, DATABASE)
        if os.path.exists(database):
            os.remove(database)

    def _checkpoint(self, number):
        return os.path.join(self.project_dir, f"trial_{number:04d}", CHECKPOINT)

    # -- trials ---------------------------------------------------------------------------------------
    def _build(self, hp):
        model = self.hypermodel.build(hp)
        if not isinstance(model, Model) or not model.compiled:
            raise TypeError(f"{type(self).__name__}: the hypermodel's build(hp) must return a compiled lamina model; "
                            f"it returned {model!r}")
        return model

    def _trials(self, *states):
        optuna = import_optuna()
        return self.study.get_trials(deepcopy=False, states=tuple(getattr(optuna.trial.TrialState, s) for s in states))

    def _requeue_interrupted(self):
        """Trials left running by a process that died are run again, once, with the same hyper-parameters."""
        requeued = list(self.study.user_attrs.get("requeued", []))
        for trial in self._trials("RUNNING"):
            if trial.number not in requeued:
                self.study.enqueue_trial(trial.params)
                requeued.append(trial.number)
        if requeued != self.study.user_attrs.get("requeued", []):
            self.study.set_user_attr("requeued", requeued)

    def _run_trial(self, trial, fit_args, fit_kwargs, callbacks):
        optuna = import_optuna()
        hp = HyperParameters._for_trial(trial, self.hyperparameters, self.tune_new_entries)
        if self.seed is not None:
            set_random_seed(self.seed + trial.number)
        scores, best = [], None
        for execution in range(self.executions_per_trial):
            model = self._build(hp)
            watcher = TrialWatcher(self.objective, trial if self._prunes and execution == 0 else None)
            self.hypermodel.fit(hp, model, *fit_args, **fit_kwargs, callbacks=copy.deepcopy(callbacks) + [watcher])
            trial.set_user_attr("hyperparameters", dict(hp.values))
            if watcher.pruned:
                raise optuna.TrialPruned(f"pruned after {watcher.epochs} epochs")
            if watcher.best is None:  # no epoch, or NaN throughout: Optuna records a failed trial
                return float("nan")
            scores.append(watcher.best)
            if best is None or self.objective.better(watcher.best, best[0]):
                best = (watcher.best, watcher.best_state, model)
        _, state, model = best
        model.load_state_dict(state)
        os.makedirs(os.path.dirname(self._checkpoint(trial.number)), exist_ok=True)
        model.save_weights(self._checkpoint(trial.number))
        trial.set_user_attr("executions", scores)
        return sum(scores) / len(scores)

    def _print_trial(self, study, trial):
        done = len(self._trials("COMPLETE", "PRUNED", "FAIL"))
        values = ", ".join(f"{k}={v!r}" for k, v in trial.user_attrs.get("hyperparameters", trial.params).items())
        if trial.state.name == "COMPLETE":
            outcome = f"{self.objective.name}={trial.value:.6g}"
        elif trial.state.name == "PRUNED":
            outcome = f"pruned after {trial.last_step} epochs"
        else:
            outcome = "failed"
        complete = self._trials("COMPLETE")
        best = f"; best {self.objective.name} so far {study.best_value:.6g}" if complete else ""
        print(f"Trial {done}/{self.max_trials} ({values}): {outcome}{best}")

    # -- public API -----------------------------------------------------------------------------------
    def search(self, *fit_args, **fit_kwargs):
        """Run trials until the project holds ``max_trials`` finished ones.

        Takes ``fit``'s arguments (``x, y, epochs=..., validation_data=...`` or
        ``validation_split=...``, ``callbacks=[...]`` (copied for each model),
        ``verbose``); ``verbose`` also prints one line per trial.
        """
        optuna = import_optuna()
        callbacks = list(fit_kwargs.pop("callbacks", None) or [])
        fit_kwargs = self._fit_kwargs(fit_kwargs)
        self._requeue_interrupted()
        remaining = self.max_trials - len(self._trials("COMPLETE", "PRUNED", "FAIL"))
        if remaining <= 0:
            return
        report = [self._print_trial] if fit_kwargs.get("verbose", 1) else None
        with _quiet(optuna):
            self.study.optimize(lambda trial: self._run_trial(trial, fit_args, fit_kwargs, callbacks),
                                n_trials=remaining, callbacks=report)

    def get_best_trials(self, num_trials=1):
        """The best finished (not pruned) Optuna trials, best first.

        Example:
            >>> import tempfile; tmp = tempfile.TemporaryDirectory()
            >>> Tuner(lambda hp: None, directory=tmp.name).get_best_trials()
            []
        """
        trials = sorted(self._trials("COMPLETE"), key=lambda t: (t.value if self.objective.direction == "min" else
                                                                  -t.value, t.number))
        return trials[:num_trials]

    def get_best_hyperparameters(self, num_trials=1):
        """The :class:`~lamina.tuner.HyperParameters` of the best trials, best first.

        ``tuner.hypermodel.build(hp)`` builds a fresh model with them.
        """
        return [HyperParameters._from_values(t.user_attrs.get("hyperparameters", t.params))
                for t in self.get_best_trials(num_trials)]

    def get_best_models(self, num_models=1):
        """The best trials' models, rebuilt and loaded with the weights of their best epoch, best first.

        With ``executions_per_trial > 1`` the weights are those of the best execution.
        """
        models = []
        for trial, hp in zip(self.get_best_trials(num_models), self.get_best_hyperparameters(num_models)):
            path = self._checkpoint(trial.number)
            if not os.path.exists(path):
                raise FileNotFoundError(f"{type(self).__name__}.get_best_models: the weights of trial {trial.number} "
                                        f"are missing ({path!r})")
            model = self._build(hp)
            model.load_weights(path)
            models.append(model)
        return models

    def search_space_summary(self):
        """Print the hyper-parameters ``build_model`` declares (building one model with the defaults)."""
        hp = HyperParameters._for_trial(None, self.hyperparameters, self.tune_new_entries)
        self._build(hp)
        print("Search space summary")
        print(f"Default search space size: {len(hp.space)}")
        for entry in hp.space:
            print(repr(entry))

    def results_summary(self, num_trials=10):
        """Print the best trials: hyper-parameters and score."""
        trials = self.get_best_trials(num_trials)
        print("Results summary")
        print(f"Results in {self.project_dir}")
        print(f"Showing {len(trials)} best trials")
        print(self.objective)
        for trial in trials:
            print(f"\nTrial {trial.number:04d} summary")
            print("Hyperparameters:")
            for name, value in trial.user_attrs.get("hyperparameters", trial.params).items():
                print(f"{name}: {value}")
            print(f"Score: {trial.value}")
