"""HyperParameters: defaults, Optuna suggestions, conditions, overrides and errors; Objective directions."""
import warnings

import optuna
import pytest
from optuna.trial import FixedTrial

from lamina.tuner import HyperParameters, Objective
from lamina.tuner.objective import get_objective, infer_direction

optuna.logging.set_verbosity(optuna.logging.WARNING)


def declare_all(hp):
    return (hp.Int("units", 8, 64, step=8), hp.Float("lr", 1e-4, 1e-1, sampling="log"),
            hp.Choice("act", ["relu", "tanh"]), hp.Boolean("bn"), hp.Fixed("epochs", 3))


def test_defaults_without_a_trial():
    hp = HyperParameters()
    assert declare_all(hp) == (8, 1e-4, "relu", False, 3)
    assert hp.values == {"units": 8, "lr": 1e-4, "act": "relu", "bn": False, "epochs": 3}
    assert [entry.kind for entry in hp.space] == ["Int", "Float", "Choice", "Boolean", "Fixed"]
    assert hp.Int("n", 1, 5, default=4) == 4 and hp.Choice("c", [1, 2], default=2) == 2
    assert hp["units"] == hp.get("units") == 8 and "units" in hp and "nope" not in hp


def test_values_come_from_the_trial():
    trial = FixedTrial({"units": 24, "lr": 0.01, "act": "tanh", "bn": True})
    hp = HyperParameters._for_trial(trial)
    assert declare_all(hp) == (24, 0.01, "tanh", True, 3)
    assert hp.Int("units", 8, 64, step=8) == 24  # the same declaration again: the same value


def test_optuna_distributions_follow_the_declarations():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    for _ in range(40):
        trial = study.ask()
        hp = HyperParameters._for_trial(trial)
        declare_all(hp)
        seen.add(hp.Int("wide", 8, 64, step=2, sampling="log"))
        assert hp.values["units"] % 8 == 0 and 8 <= hp.values["units"] <= 64
        assert 1e-4 <= hp.values["lr"] <= 1e-1
        study.tell(trial, 0.0)
    distributions = study.trials[0].distributions
    assert distributions["lr"].log and distributions["units"].step == 8
    assert seen == {8, 16, 32, 64}  # log sampling with a step: the multiplicative grid


def test_grids_stop_at_the_last_point_inside_the_range():
    hp = HyperParameters()
    hp.Int("a", 1, 10, step=4)
    hp.Float("b", 0.0, 1.0, step=0.3)
    hp.Float("c", 1.0, 100.0, step=10.0, sampling="log")
    assert hp.space[0].config["max_value"] == 9
    assert hp.space[1].config["max_value"] == 0.9  # not 0.8999999999999999, which Optuna would cut to 0.6
    assert hp.space[2]._geometric() == pytest.approx([1.0, 10.0, 100.0])
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Optuna warns when it has to shrink a range that is not on the grid
        for _ in range(30):
            trial = study.ask()
            seen.add(round(HyperParameters._for_trial(trial).Float("b", 0.0, 1.0, step=0.3), 9))
            study.tell(trial, 0.0)
    assert seen == {0.0, 0.3, 0.6, 0.9}


def test_conditional_scopes_and_parents():
    hp = HyperParameters._for_trial(FixedTrial({"model": "cnn", "filters": 16, "dropout": True, "rate": 0.3}))
    assert hp.Choice("model", ["mlp", "cnn"]) == "cnn"
    with hp.conditional_scope("model", ["mlp"]):
        assert hp.Int("units", 8, 64) is None
    with hp.conditional_scope("model", "cnn"):
        assert hp.Int("filters", 8, 32) == 16
        assert hp.Boolean("dropout") is True
        with hp.conditional_scope("dropout", True):
            assert hp.Float("rate", 0.1, 0.5) == 0.3
    assert hp.Int("pool", 2, 4, parent_name="units", parent_values=[8]) is None  # parent inactive
    assert hp.values == {"model": "cnn", "filters": 16, "dropout": True, "rate": 0.3}
    assert [entry.name for entry in hp.space] == ["model", "units", "filters", "dropout", "rate", "pool"]
    assert "parent_name='model', parent_values=['mlp']" in repr(hp.space[1])


def test_known_values_are_returned_as_they_are():
    hp = HyperParameters._from_values({"units": 48, "act": "tanh"})
    assert hp.Int("units", 8, 64, step=8) == 48 and hp.Choice("act", ["relu", "tanh"]) == "tanh"
    assert hp.Boolean("new") is False  # declared since: its default


def test_overrides_and_untuned_entries():
    pinned = HyperParameters()
    pinned.Fixed("lr", 0.5)
    pinned.Choice("units", [4, 5])
    trial = FixedTrial({"units": 5, "act": "tanh"})
    hp = HyperParameters._for_trial(trial, pinned)
    assert hp.Float("lr", 1e-4, 1e-1) == 0.5
    assert hp.Int("units", 8, 64) == 5  # the override's declaration replaces the model's
    assert hp.Choice("act", ["relu", "tanh"]) == "tanh"
    hp = HyperParameters._for_trial(FixedTrial({"units": 4}), pinned, tune_new_entries=False)
    assert (hp.Int("units", 8, 64), hp.Choice("act", ["relu", "tanh"])) == (4, "relu")


@pytest.mark.parametrize("declare,message", [
    (lambda hp: hp.Int("u", 1, 8, sampling="reverse_log"), r"unknown sampling='reverse_log'; expected one of "
                                                           r"\['linear', 'log'\]"),
    (lambda hp: hp.Int("u", 9, 8), "min_value=9 is greater than max_value=8"),
    (lambda hp: hp.Int("u", 1.5, 8), r"hp.Int\('u'\): min_value must be an int; received min_value=1.5"),
    (lambda hp: hp.Float("f", 0.0, 1.0, sampling="log"), "sampling='log' needs min_value > 0"),
    (lambda hp: hp.Int("u", 1, 8, step=0), "step must be positive"),
    (lambda hp: hp.Int("u", 1, 8, step=1, sampling="log"), "a multiplier greater than 1"),
    (lambda hp: hp.Int("u", 1, 8, default=9), r"default=9 is outside \[1, 8\]"),
    (lambda hp: hp.Choice("c", []), "values must be a non-empty list"),
    (lambda hp: hp.Choice("c", [1, 1]), "values has duplicates"),
    (lambda hp: hp.Choice("c", [(1, 2)]), r"values must be ints, floats, strings or booleans .* \(1, 2\)"),
    (lambda hp: hp.Choice("c", ["a"], default="b"), "default='b' is not one of"),
    (lambda hp: hp.Boolean("b", default=1), "default must be True or False"),
    (lambda hp: hp.Fixed("x", [1]), "value must be an int, float, string or boolean"),
    (lambda hp: hp.Int("u", 1, 8, parent_name="p"), "parent_name='p' needs parent_values"),
    (lambda hp: hp.Int("u", 1, 8, parent_values=[1]), "parent_values=.1. needs parent_name"),
    (lambda hp: hp.Int("u", 1, 8, parent_name="ghost", parent_values=[1]), "parent_name='ghost' is not a declared"),
    (lambda hp: (hp.Int("u", 1, 8), hp.Int("u", 1, 9)), "'u' is declared twice, differently"),
])
def test_declaration_errors(declare, message):
    with pytest.raises(ValueError, match=message):
        declare(HyperParameters())


def test_reading_an_inactive_name():
    hp = HyperParameters()
    hp.Int("units", 1, 2)
    with pytest.raises(KeyError, match=r"no active hyper-parameter named 'rate'; the active ones are \['units'\]"):
        hp["rate"]


# -- Objective ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,direction", [
    ("loss", "min"), ("val_loss", "min"), ("val_mae", "min"), ("mean_squared_error", "min"),
    ("val_digits_loss", "min"), ("val_accuracy", "max"), ("acc", "max"), ("val_acc", "max"),
    ("sparse_categorical_accuracy", "max"), ("val_auc", "max"), ("val_precision", "max"), ("recall", "max"),
    ("val_out_categorical_accuracy", "max"), ("r2_score", "max"), ("val_binary_crossentropy", "min"),
    ("my_score", None), ("val_accuracy_delta", None),
])
def test_directions_are_inferred_as_keras_tuner_does(name, direction):
    assert infer_direction(name) == direction


def test_objectives():
    assert get_objective("val_loss") == Objective("val_loss", "min")
    custom = Objective("val_f2", "max")
    assert get_objective(custom) is custom
    assert custom.better(0.9, 0.8) and not custom.better(float("nan"), 0.8) and custom.better(0.1, None)
    assert not Objective("loss", "min").better(float("nan"), None)
    with pytest.raises(ValueError, match=r"cannot tell whether the objective 'val_f2' .* "
                                         r"lamina.tuner.Objective\('val_f2', direction='min'\)"):
        get_objective("val_f2")
    with pytest.raises(TypeError, match="one objective"):
        get_objective(["val_loss", "val_accuracy"])
    with pytest.raises(ValueError, match="direction must be 'min' or 'max'; received 'minimize'"):
        Objective("loss", "minimize")
