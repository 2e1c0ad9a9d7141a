"""Learning-rate schedules against ``keras.optimizers.schedules`` (torch backend)."""
import numpy as np
import pytest
import torch

from lamina.optimizers import schedules

# Each case builds the same schedule from either library's ``schedules`` namespace.
CASES = {
    "exponential": lambda s: s.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.8),
    "exponential_staircase": lambda s: s.ExponentialDecay(0.5, decay_steps=4, decay_rate=0.3, staircase=True),
    "exponential_growth": lambda s: s.ExponentialDecay(0.01, decay_steps=10, decay_rate=1.5),
    "piecewise": lambda s: s.PiecewiseConstantDecay(boundaries=[5, 12, 30], values=[1.0, 0.5, 0.1, 0.01]),
    "piecewise_one_boundary": lambda s: s.PiecewiseConstantDecay(boundaries=[0], values=[0.3, 0.2]),
    "inverse_time": lambda s: s.InverseTimeDecay(0.1, decay_steps=3, decay_rate=0.5),
    "inverse_time_staircase": lambda s: s.InverseTimeDecay(0.1, decay_steps=3, decay_rate=2.0, staircase=True),
    "polynomial": lambda s: s.PolynomialDecay(0.1, decay_steps=20),
    "polynomial_power": lambda s: s.PolynomialDecay(0.1, decay_steps=25, end_learning_rate=0.01, power=0.5),
    "polynomial_cycle": lambda s: s.PolynomialDecay(0.2, decay_steps=7, end_learning_rate=0.02, power=2.0, cycle=True),
    "cosine": lambda s: s.CosineDecay(0.1, decay_steps=30),
    "cosine_alpha": lambda s: s.CosineDecay(0.1, decay_steps=30, alpha=0.2),
    "cosine_warmup": lambda s: s.CosineDecay(0.0, decay_steps=30, alpha=0.1, warmup_target=0.2, warmup_steps=10),
    "cosine_warmup_from_nonzero": lambda s: s.CosineDecay(0.05, decay_steps=8, warmup_target=0.1, warmup_steps=3),
    "cosine_restarts": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=5),
    "cosine_restarts_constant_period": lambda s: s.CosineDecayRestarts(0.1, first_decay_steps=6, t_mul=1.0, m_mul=0.5),
    "cosine_restarts_all": lambda s: s.CosineDecayRestarts(0.3, first_decay_steps=4, t_mul=1.5, m_mul=0.8, alpha=0.1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_keras_for_60_steps(keras, case):
    lam = CASES[case](schedules)
    ker = CASES[case](keras.optimizers.schedules)
    steps = torch.arange(60)
    ours = np.array([lam(step).item() for step in steps])
    theirs = np.array([float(ker(step)) for step in steps])
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)
    assert len(set(np.round(ours, 9))) > 1  # the case really changes over these steps


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_equals_keras_and_round_trips(keras, case):
    lam = CASES[case](schedules)
    ker = CASES[case](keras.optimizers.schedules)
    assert lam.get_config() == ker.get_config()
    rebuilt = schedules.deserialize(schedules.serialize(lam))
    assert type(rebuilt) is type(lam) and rebuilt.get_config() == lam.get_config()
    from_keras = schedules.deserialize(keras.optimizers.schedules.serialize(ker))
    assert from_keras.get_config() == lam.get_config()


def test_accepts_python_ints_and_int_tensors_and_returns_floatx():
    schedule = schedules.ExponentialDecay(1.0, decay_steps=2, decay_rate=0.5)
    for step in (4, torch.tensor(4), torch.tensor(4, dtype=torch.int32)):
        value = schedule(step)
        assert value.dtype == torch.float32 and value.shape == () and value.item() == 0.25
    assert schedules.PiecewiseConstantDecay([1], [2, 1])(0).dtype == torch.float32


def test_piecewise_with_no_boundaries_is_constant():
    schedule = schedules.PiecewiseConstantDecay([], [0.5])
    assert schedule(0).item() == 0.5 and schedule(100).item() == 0.5


def test_subclass_without_call_or_config_explains():
    class Incomplete(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match=r"Incomplete must implement __call__\(self, step\)"):
        Incomplete()(0)
    with pytest.raises(NotImplementedError, match=r"Incomplete must implement get_config\(\)"):
        Incomplete().get_config()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), r"ExponentialDecay: decay_steps must be a number > 0; received decay_steps=0"),
        (lambda: schedules.InverseTimeDecay(0.1, -1, 0.5), r"InverseTimeDecay: decay_steps must be a number > 0"),
        (lambda: schedules.PolynomialDecay("0.1", 10), r"PolynomialDecay: initial_learning_rate must be a number"),
        (lambda: schedules.CosineDecay(0.1, 0), r"CosineDecay: decay_steps must be a number > 0"),
        (lambda: schedules.CosineDecay(0.1, 10, warmup_steps=-2), r"CosineDecay: warmup_steps must be >= 0"),
        (lambda: schedules.CosineDecayRestarts(0.1, 0), r"CosineDecayRestarts: first_decay_steps must be a number > 0"),
        (
            lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]),
            r"values must have exactly one more element than boundaries; received boundaries=\[1, 2\] \(2 elements\)",
        ),
        (lambda: schedules.PiecewiseConstantDecay([5, 2], [1, 2, 3]), r"boundaries must be strictly increasing"),
        (lambda: schedules.PiecewiseConstantDecay([1], ["a", 2]), r"values must be numbers"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_deserialize_unknown_schedule_lists_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown learning rate schedule: 'StepDecay'. Valid names are: 'CosineDecay'"):
        schedules.deserialize({"class_name": "StepDecay", "config": {}})
    with pytest.raises(ValueError, match="expects a LearningRateSchedule"):
        schedules.serialize(0.1)
