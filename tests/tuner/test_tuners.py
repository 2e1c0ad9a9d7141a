"""Tuners on a tiny regression where one learning rate is clearly better: search, resume, prune, report."""
import importlib
import sys

import numpy as np
import pytest

import lamina as keras
from lamina import callbacks, layers
from lamina import tuner as kt
from lamina.tuner.tuners import hyperband_trials

GOOD, BAD = 0.05, 1e-5
rng = np.random.RandomState(0)
X = rng.normal(size=(96, 4)).astype("float32")
Y = (X @ [1.0, -2.0, 0.5, 0.0]).astype("float32")
X_VAL = rng.normal(size=(32, 4)).astype("float32")
Y_VAL = (X_VAL @ [1.0, -2.0, 0.5, 0.0]).astype("float32")
DATA = dict(x=X, y=Y, validation_data=(X_VAL, Y_VAL), batch_size=32, verbose=0)


class Builder:
    """build_model(hp) counting its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, hp):
        self.calls += 1
        model = keras.Sequential([layers.Dense(hp.Int("units", 4, 12, step=4), activation="relu", input_shape=(4,)),
                                  layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(hp.Choice("lr", [BAD, GOOD])), loss="mse", metrics=["mae"])
        return model


def states(tuner):
    return [t.state.name for t in tuner.study.trials]


@pytest.mark.parametrize("cls", [kt.RandomSearch, kt.BayesianOptimization])
def test_the_better_choice_wins_and_its_model_is_the_best_epochs(cls, tmp_path):
    tuner = cls(Builder(), objective="val_loss", max_trials=4, seed=0, directory=tmp_path, project_name="p")
    tuner.search(epochs=3, **DATA)
    trials = tuner.study.trials
    assert states(tuner) == ["COMPLETE"] * 4
    assert {t.params["lr"] for t in trials} == {BAD, GOOD}  # both were tried
    best_hp = tuner.get_best_hyperparameters()[0]
    assert best_hp["lr"] == GOOD and best_hp.values == tuner.get_best_trials()[0].params
    best_value = min(t.value for t in trials)
    assert tuner.get_best_trials()[0].value == best_value
    good, bad = ([t.value for t in trials if t.params["lr"] == lr] for lr in (GOOD, BAD))
    assert max(good) < min(bad)
    model = tuner.get_best_models()[0]
    assert model.layers[0].units == best_hp["units"]
    # The checkpoint holds the weights of the best epoch, whose val_loss is the trial's score.
    assert model.evaluate(X_VAL, Y_VAL, verbose=0)[0] == pytest.approx(best_value, rel=1e-5)
    ranked = [hp["lr"] for hp in tuner.get_best_hyperparameters(4)]
    assert ranked == sorted(ranked, key=lambda lr: lr != GOOD)  # every GOOD trial ranks above every BAD one


def test_bayesian_optimization_exploits_after_its_random_start(tmp_path):
    tuner = kt.BayesianOptimization(Builder(), objective="val_loss", max_trials=10, num_initial_points=3, seed=1,
                                    directory=tmp_path)
    tuner.search(epochs=2, **DATA)
    later = [t.params["lr"] for t in tuner.study.trials[3:]]
    assert later.count(GOOD) >= 5, later
    default = kt.BayesianOptimization(Builder(), directory=tmp_path, project_name="other")
    assert default.num_initial_points == 6  # three per tuned hyper-parameter (units, lr)


class EpochCounter(callbacks.Callback):
    runs = []  # class attribute: search() gives each model a copy of the callback

    def on_train_begin(self, logs=None):
        EpochCounter.runs.append(0)

    def on_epoch_end(self, epoch, logs=None):
        EpochCounter.runs[-1] += 1


def test_hyperband_prunes_trials_that_fall_behind(tmp_path):
    EpochCounter.runs = []
    counter = EpochCounter()
    tuner = kt.Hyperband(Builder(), objective="val_loss", max_epochs=9, factor=3, seed=0, directory=tmp_path)
    assert tuner.max_trials == hyperband_trials(9, 3) == 17
    tuner.search(callbacks=[counter], **DATA)
    trials = tuner.study.trials
    pruned = [t for t in trials if t.state.name == "PRUNED"]
    complete = [t for t in trials if t.state.name == "COMPLETE"]
    assert len(trials) == 17 and pruned and complete
    assert EpochCounter.runs == [max(t.intermediate_values) for t in trials]  # pruned trials really stopped
    assert all(max(t.intermediate_values) < 9 for t in pruned)
    assert all(max(t.intermediate_values) == 9 for t in complete)
    assert counter.model is None  # the user's callback object itself was never attached
    assert tuner.get_best_hyperparameters()[0]["lr"] == GOOD
    assert sum(EpochCounter.runs) < 9 * 17


def test_hyperband_replaces_the_epochs_of_search(tmp_path):
    tuner = kt.Hyperband(Builder(), max_epochs=2, max_trials=1, directory=tmp_path)
    with pytest.warns(UserWarning, match=r"max_epochs=2 epochs; search\(epochs=5\) is not used"):
        tuner.search(epochs=5, **DATA)
    assert max(tuner.study.trials[0].intermediate_values) == 2


def test_a_search_resumes_from_its_directory(tmp_path):
    first = Builder()
    kt.RandomSearch(first, max_trials=2, seed=0, directory=tmp_path, project_name="p").search(epochs=1, **DATA)
    assert first.calls == 2
    second = Builder()
    tuner = kt.RandomSearch(second, max_trials=4, seed=0, directory=tmp_path, project_name="p")
    assert len(tuner.study.trials) == 2
    tuner.search(epochs=1, **DATA)
    assert second.calls == 2 and states(tuner) == ["COMPLETE"] * 4
    third = Builder()
    kt.RandomSearch(third, max_trials=4, seed=0, directory=tmp_path, project_name="p").search(epochs=1, **DATA)
    assert third.calls == 0
    # A new session reads the results and the checkpoints without searching.
    reloaded = kt.RandomSearch(Builder(), max_trials=4, directory=tmp_path, project_name="p")
    assert reloaded.get_best_trials(4) == tuner.get_best_trials(4)
    model = reloaded.get_best_models()[0]
    assert model.evaluate(X_VAL, Y_VAL, verbose=0)[0] == pytest.approx(tuner.get_best_trials()[0].value, rel=1e-5)
    fresh = kt.RandomSearch(Builder(), max_trials=4, directory=tmp_path, project_name="p", overwrite=True)
    assert fresh.study.trials == [] and not list((tmp_path / "p").glob("trial_*"))
    with pytest.raises(ValueError, match=r"holds a search for objective 'val_loss' \(min\), not "
                                         r"Objective\(name='val_mae', direction='min'\); pass overwrite=True"):
        kt.RandomSearch(Builder(), objective="val_mae", directory=tmp_path, project_name="p")


def test_a_trial_left_running_by_a_dead_process_is_run_again(tmp_path):
    tuner = kt.RandomSearch(Builder(), max_trials=1, seed=0, directory=tmp_path)
    interrupted = tuner.study.ask()
    interrupted.suggest_categorical("lr", [BAD, GOOD])  # then the process "dies"
    lr = interrupted.params["lr"]
    resumed = kt.RandomSearch(Builder(), max_trials=1, seed=0, directory=tmp_path)
    resumed.search(epochs=1, **DATA)
    assert states(resumed) == ["RUNNING", "COMPLETE"] and resumed.study.trials[1].params["lr"] == lr
    resumed.max_trials = 2
    resumed.search(epochs=1, **DATA)
    assert states(resumed) == ["RUNNING", "COMPLETE", "COMPLETE"]  # re-run once only
    assert resumed.study.user_attrs["requeued"] == [0]


def test_seeded_searches_repeat_exactly(tmp_path):
    runs = []
    for name in ("a", "b"):
        tuner = kt.RandomSearch(Builder(), max_trials=3, seed=5, directory=tmp_path, project_name=name)
        tuner.search(epochs=2, **DATA)
        runs.append([(t.params, t.value) for t in tuner.study.trials])
    assert runs[0] == runs[1]


def test_executions_per_trial_average_the_best_epochs(tmp_path):
    builder = Builder()
    tuner = kt.RandomSearch(builder, max_trials=2, executions_per_trial=2, seed=0, directory=tmp_path)
    tuner.search(epochs=2, **DATA)
    assert builder.calls == 4
    for trial in tuner.study.trials:
        scores = trial.user_attrs["executions"]
        assert len(scores) == 2 and scores[0] != scores[1]
        assert trial.value == pytest.approx(sum(scores) / 2)
    best_trial = tuner.get_best_trials()[0]
    evaluated = tuner.get_best_models()[0].evaluate(X_VAL, Y_VAL, verbose=0)[0]
    assert evaluated == pytest.approx(min(best_trial.user_attrs["executions"]), rel=1e-5)


def test_a_trial_whose_objective_is_nan_fails_and_the_search_goes_on(tmp_path):
    def build(hp):
        model = Builder()(hp)
        if hp.Boolean("broken"):
            model = keras.Sequential([model, layers.Lambda(lambda t: t * float("nan"))])
            model.compile(optimizer="sgd", loss="mse")
        return model

    tuner = kt.RandomSearch(build, max_trials=4, seed=0, directory=tmp_path)
    tuner.search(epochs=1, **DATA)  # Optuna logs a warning for each NaN trial
    broken = [t.user_attrs["hyperparameters"]["broken"] for t in tuner.study.trials]
    assert [state == "FAIL" for state in states(tuner)] == broken and any(broken) and not all(broken)
    assert tuner.get_best_hyperparameters()[0]["broken"] is False


def test_fixed_and_untuned_hyperparameters(tmp_path):
    pinned = kt.HyperParameters()
    pinned.Fixed("lr", GOOD)
    tuner = kt.RandomSearch(Builder(), max_trials=3, seed=0, hyperparameters=pinned, tune_new_entries=False,
                            directory=tmp_path)
    tuner.search(epochs=1, **DATA)
    assert [t.user_attrs["hyperparameters"] for t in tuner.study.trials] == [{"units": 4, "lr": GOOD}] * 3


def test_a_hypermodel_tunes_fit_arguments(tmp_path):
    class Model(kt.HyperModel):
        def build(self, hp):
            return Builder()(hp)

        def fit(self, hp, model, *args, **kwargs):
            return model.fit(*args, batch_size=hp.Choice("batch_size", [8, 32]), **kwargs)

    tuner = kt.RandomSearch(Model(), max_trials=3, seed=0, directory=tmp_path)
    data = dict(DATA)
    del data["batch_size"]
    tuner.search(epochs=1, **data)
    assert all(set(t.params) == {"units", "lr", "batch_size"} for t in tuner.study.trials)
    assert tuner.hypermodel.build(tuner.get_best_hyperparameters()[0]).count_params() > 0


def test_reports(tmp_path, capsys):
    tuner = kt.RandomSearch(Builder(), max_trials=2, seed=0, directory=tmp_path, project_name="p")
    tuner.search(epochs=1, **dict(DATA, verbose=2))
    out = capsys.readouterr().out
    assert "Trial 1/2 (units=" in out and "Trial 2/2" in out and "best val_loss so far" in out
    tuner.results_summary(1)
    out = capsys.readouterr().out
    best = tuner.get_best_trials()[0]
    assert f"Results in {tmp_path / 'p'}" in out and "Showing 1 best trials" in out
    assert f"Trial {best.number:04d} summary" in out and f"lr: {best.params['lr']}" in out
    assert f"Score: {best.value}" in out
    tuner.search_space_summary()
    out = capsys.readouterr().out
    assert "Default search space size: 2" in out
    assert "Int(name='units', min_value=4, max_value=12, step=4, sampling='linear', default=4)" in out
    assert "Choice(name='lr', values=[1e-05, 0.05], default=1e-05)" in out


def test_errors(tmp_path):
    with pytest.raises(TypeError, match="hypermodel must be a function build_model"):
        kt.RandomSearch(42, directory=tmp_path)
    with pytest.raises(ValueError, match="max_trials must be a positive int; received max_trials=0"):
        kt.RandomSearch(Builder(), max_trials=0, directory=tmp_path)
    with pytest.raises(ValueError, match="Hyperband: factor must be an int >= 2; received factor=1"):
        kt.Hyperband(Builder(), factor=1, directory=tmp_path)
    with pytest.raises(ValueError, match="num_initial_points must be a positive int or None"):
        kt.BayesianOptimization(Builder(), num_initial_points=0, directory=tmp_path)
    with pytest.raises(TypeError, match="unexpected keyword argument 'alpha'"):
        kt.BayesianOptimization(Builder(), alpha=1e-4, directory=tmp_path)
    uncompiled = kt.RandomSearch(lambda hp: keras.Sequential([layers.Dense(1)]), directory=tmp_path, project_name="u")
    with pytest.raises(TypeError, match=r"build\(hp\) must return a compiled lamina model"):
        uncompiled.search(epochs=1, **DATA)
    no_validation = kt.RandomSearch(Builder(), max_trials=1, directory=tmp_path, project_name="v")
    with pytest.raises(ValueError, match=r"the objective 'val_loss' is not logged by fit \(validation metrics need "
                                         r"validation_data or validation_split in search\(\)\); the logged "
                                         r"quantities are \['loss', 'mae'\]"):
        no_validation.search(X, Y, epochs=1, verbose=0)
    assert states(no_validation) == ["FAIL"]


def test_without_optuna_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "optuna", None)
    hp = kt.HyperParameters()  # the search space needs no Optuna
    assert hp.Int("units", 1, 4) == 1
    with pytest.raises(ImportError, match=r"pip install 'lamina\[tuner\]'"):
        kt.RandomSearch(Builder(), directory=tmp_path)
    for name in [n for n in sys.modules if n.startswith("lamina.tuner")]:
        monkeypatch.delitem(sys.modules, name)
    assert importlib.import_module("lamina.tuner").HyperParameters  # importing lamina.tuner needs no Optuna


def test_import_lamina_does_not_import_optuna_or_scikit_learn():
    import subprocess

    code = "import sys, lamina; print('optuna' in sys.modules, 'sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]

