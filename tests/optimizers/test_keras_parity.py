"""Differential tests: lamina's optimizers against Keras 3 (torch backend), update by update.

Both libraries start from the same weights and receive the same 20 gradients; after
every update the weights must agree within 1e-6, and at the end so must the
optimizers' state variables (momenta, velocities, ...), in the same order.
"""
import numpy as np
import pytest
import torch

import lamina.optimizers

SHAPES = [(3, 4), (4,), (2, 2, 3)]
STEPS = 20
TOL = dict(rtol=1e-6, atol=1e-6)

# Keras's own Variable.numpy() trips NumPy 2's __array__(copy=...) deprecation; not ours.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def _initial_weights(seed=1):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=shape).astype("float32") for shape in SHAPES]


def _gradients(seed=2):
    """Gradients whose scale cycles over two orders of magnitude, so clipping is sometimes active."""
    rng = np.random.RandomState(seed)
    scales = [0.05, 0.3, 1.0, 3.0]
    return [
        [(scales[step % 4] * rng.normal(size=shape)).astype("float32") for shape in SHAPES] for step in range(STEPS)
    ]


def _run_lamina(make, weights, grads, path="apply", hook=None):
    params = [torch.nn.Parameter(torch.tensor(w)) for w in weights]
    opt = make(lamina.optimizers)
    history = []
    for step, step_grads in enumerate(grads):
        if hook is not None:
            hook(opt, step)
        if path == "apply":
            opt.apply_gradients(zip([torch.tensor(g) for g in step_grads], params))
        else:
            for p, g in zip(params, step_grads):
                p.grad = torch.tensor(g)
            opt.step(params)
            opt.zero_grad()
        history.append([p.detach().numpy().copy() for p in params])
    return opt, params, history


def _run_keras(keras, make, weights, grads, hook=None):
    variables = [keras.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    opt = make(keras.optimizers)
    history = []
    for step, step_grads in enumerate(grads):
        if hook is not None:
            hook(opt, step)
        opt.apply_gradients(zip([torch.tensor(g) for g in step_grads], variables))
        history.append([np.array(v.numpy()) for v in variables])
    return opt, variables, history


def _assert_same_run(keras, make, grads=None, hook=None, compare_state=True):
    weights = _initial_weights()
    grads = _gradients() if grads is None else grads
    lam_opt, _, lam_history = _run_lamina(make, weights, grads, hook=hook)
    ker_opt, _, ker_history = _run_keras(keras, make, weights, grads, hook=hook)
    for step, (lam, ker) in enumerate(zip(lam_history, ker_history)):
        for i, (a, b) in enumerate(zip(lam, ker)):
            np.testing.assert_allclose(a, b, **TOL, err_msg=f"weight {i} after update {step + 1}")
    if compare_state:
        lam_state = [v.numpy() for v in lam_opt.variables]
        ker_state = [np.asarray(v.numpy()) for v in ker_opt.variables]
        assert len(lam_state) == len(ker_state)
        for i, (a, b) in enumerate(zip(lam_state, ker_state)):
            assert a.shape == b.shape, (i, a.shape, b.shape)
            np.testing.assert_allclose(a, b, **TOL, err_msg=f"optimizer variable {i}")
    return lam_opt, ker_opt


# Each case builds the same optimizer from either library's ``optimizers`` namespace.
CASES = {
    "sgd_default": lambda o: o.SGD(),
    "sgd": lambda o: o.SGD(learning_rate=0.1),
    "sgd_momentum": lambda o: o.SGD(learning_rate=0.05, momentum=0.9),
    "sgd_nesterov": lambda o: o.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "rmsprop_default": lambda o: o.RMSprop(),
    "rmsprop": lambda o: o.RMSprop(learning_rate=0.01, rho=0.8),
    "rmsprop_momentum": lambda o: o.RMSprop(learning_rate=0.01, momentum=0.5),
    "rmsprop_centered": lambda o: o.RMSprop(learning_rate=0.01, centered=True),
    "rmsprop_centered_momentum": lambda o: o.RMSprop(learning_rate=0.01, momentum=0.3, centered=True, epsilon=1e-3),
    "adam_default": lambda o: o.Adam(),
    "adam": lambda o: o.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99),
    "adam_amsgrad": lambda o: o.Adam(learning_rate=0.05, amsgrad=True),
    "adamw_default": lambda o: o.AdamW(),
    "adamw": lambda o: o.AdamW(learning_rate=0.05, weight_decay=0.1, amsgrad=True),
    "adagrad_default": lambda o: o.Adagrad(),
    "adagrad": lambda o: o.Adagrad(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=1e-4),
    "adadelta_default": lambda o: o.Adadelta(),
    "adadelta": lambda o: o.Adadelta(learning_rate=1.0, rho=0.9),
    "adamax_default": lambda o: o.Adamax(),
    "adamax": lambda o: o.Adamax(learning_rate=0.05, beta_1=0.7),
    "nadam_default": lambda o: o.Nadam(),
    "nadam": lambda o: o.Nadam(learning_rate=0.05, beta_2=0.9),
    "ftrl_default": lambda o: o.Ftrl(),
    "ftrl": lambda o: o.Ftrl(
        learning_rate=0.1,
        learning_rate_power=-0.6,
        initial_accumulator_value=0.2,
        l1_regularization_strength=0.01,
        l2_regularization_strength=0.02,
        l2_shrinkage_regularization_strength=0.03,
        beta=0.5,
    ),
    "lion_default": lambda o: o.Lion(),
    "lion": lambda o: o.Lion(learning_rate=0.01, beta_1=0.8, beta_2=0.9),
    # the common options, on a few optimizers
    "sgd_clipnorm": lambda o: o.SGD(learning_rate=0.1, momentum=0.5, clipnorm=1.0),
    "adam_clipnorm": lambda o: o.Adam(learning_rate=0.05, clipnorm=0.7),
    "sgd_clipvalue": lambda o: o.SGD(learning_rate=0.1, clipvalue=0.5),
    "rmsprop_clipvalue": lambda o: o.RMSprop(learning_rate=0.01, clipvalue=0.3),
    "sgd_global_clipnorm": lambda o: o.SGD(learning_rate=0.1, global_clipnorm=2.0),
    "adam_global_clipnorm": lambda o: o.Adam(learning_rate=0.05, global_clipnorm=1.5),
    "sgd_weight_decay": lambda o: o.SGD(learning_rate=0.1, momentum=0.9, weight_decay=0.05),
    "rmsprop_weight_decay": lambda o: o.RMSprop(learning_rate=0.01, weight_decay=0.1),
    "adam_weight_decay_clipnorm": lambda o: o.Adam(learning_rate=0.05, weight_decay=0.2, clipnorm=1.0),
    "adam_ema": lambda o: o.Adam(learning_rate=0.05, use_ema=True, ema_momentum=0.9),
    "sgd_ema_overwrite": lambda o: o.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3),
    "adam_loss_scale": lambda o: o.Adam(learning_rate=0.05, loss_scale_factor=8.0),
    # learning-rate schedules driving the updates
    "sgd_exponential": lambda o: o.SGD(learning_rate=o.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5)),
    "adam_piecewise": lambda o: o.Adam(
        learning_rate=o.schedules.PiecewiseConstantDecay(boundaries=[3, 9], values=[0.1, 0.05, 0.01])
    ),
    "rmsprop_inverse_time": lambda o: o.RMSprop(
        learning_rate=o.schedules.InverseTimeDecay(0.02, decay_steps=2, decay_rate=0.5, staircase=True)
    ),
    "sgd_polynomial": lambda o: o.SGD(
        learning_rate=o.schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0),
        momentum=0.5,
    ),
    "adam_cosine_warmup": lambda o: o.Adam(
        learning_rate=o.schedules.CosineDecay(0.0, decay_steps=12, alpha=0.1, warmup_target=0.1, warmup_steps=5)
    ),
    "nadam_cosine_restarts": lambda o: o.Nadam(
        learning_rate=o.schedules.CosineDecayRestarts(0.05, first_decay_steps=3, t_mul=2.0, m_mul=0.7, alpha=0.1)
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_first_20_updates_match_keras(keras, case):
    _assert_same_run(keras, CASES[case])


def test_clipping_cases_clip_some_steps_and_not_others():
    """The clip thresholds above (0.3 to 2.0) lie inside the range of the gradients' norms and values."""
    grads = _gradients()
    norms = [np.linalg.norm(g) for step in grads for g in step]
    global_norms = [np.sqrt(sum(np.sum(g**2) for g in step)) for step in grads]
    values = [abs(g).max() for step in grads for g in step]
    assert min(norms) < 0.7 and max(norms) > 1.0
    assert min(global_norms) < 1.5 and max(global_norms) > 2.0
    assert min(values) < 0.3 and max(values) > 0.5


@pytest.mark.parametrize("case", ["sgd_momentum", "adam_amsgrad", "rmsprop_centered_momentum", "nadam", "ftrl"])
def test_step_fast_path_equals_apply_gradients(case):
    weights, grads = _initial_weights(), _gradients()
    _, _, via_apply = _run_lamina(CASES[case], weights, grads, path="apply")
    _, _, via_step = _run_lamina(CASES[case], weights, grads, path="step")
    for a_step, s_step in zip(via_apply, via_step):
        for a, s in zip(a_step, s_step):
            np.testing.assert_array_equal(a, s)


def test_none_gradients_are_skipped_like_keras(keras):
    """A variable without a gradient keeps its weights and slots; the others match Keras."""
    weights, grads = _initial_weights(), _gradients()
    for step_grads in grads[::2]:
        step_grads[1] = None

    def run(opt_ns, make_var, to_numpy):
        variables = [make_var(w, i) for i, w in enumerate(weights)]
        opt = opt_ns.Adam(learning_rate=0.05)
        history = []
        with pytest.warns(UserWarning, match="Gradients do not exist"):
            for step_grads in grads:
                pairs = [(None if g is None else torch.tensor(g), v) for g, v in zip(step_grads, variables)]
                opt.apply_gradients(pairs)
                history.append([to_numpy(v) for v in variables])
        return opt, history

    lam_opt, lam_history = run(
        lamina.optimizers, lambda w, i: torch.nn.Parameter(torch.tensor(w)), lambda v: v.detach().numpy().copy()
    )
    ker_opt, ker_history = run(keras.optimizers, lambda w, i: keras.Variable(w, name=f"w{i}"), lambda v: np.array(v.numpy()))
    for lam, ker in zip(lam_history, ker_history):
        for a, b in zip(lam, ker):
            np.testing.assert_allclose(a, b, **TOL)
    for a, b in zip(lam_opt.variables, ker_opt.variables):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), **TOL)


def test_learning_rate_assigned_between_updates_matches_keras(keras):
    rates = {4: 0.02, 9: 0.3, 15: 0.001}

    def hook(opt, step):
        if step in rates:
            opt.learning_rate = rates[step]

    lam_opt, ker_opt = _assert_same_run(keras, lambda o: o.RMSprop(learning_rate=0.01, momentum=0.2), hook=hook)
    assert float(lam_opt.learning_rate) == pytest.approx(0.001)


def test_ema_finalize_matches_keras(keras):
    weights, grads = _initial_weights(), _gradients()
    make = CASES["adam_ema"]
    lam_opt, lam_params, _ = _run_lamina(make, weights, grads)
    ker_opt, ker_vars, _ = _run_keras(keras, make, weights, grads)
    lam_opt.finalize_variable_values(lam_params)
    ker_opt.finalize_variable_values(ker_vars)
    for p, v in zip(lam_params, ker_vars):
        np.testing.assert_allclose(p.detach().numpy(), np.asarray(v.numpy()), **TOL)


@pytest.mark.parametrize(
    "case", ["sgd_momentum", "rmsprop_centered_momentum", "adam_amsgrad", "nadam", "ftrl", "adam_ema", "adamw"]
)
def test_config_equals_keras_config(keras, case):
    lam = CASES[case](lamina.optimizers)
    ker = CASES[case](keras.optimizers)
    lam_config, ker_config = lam.get_config(), ker.get_config()
    lam_config.pop("name"), ker_config.pop("name")
    assert lam_config == ker_config


@pytest.mark.parametrize("case", ["sgd_exponential", "adam_cosine_warmup", "nadam_cosine_restarts", "adam_piecewise"])
def test_config_with_schedule_round_trips_through_keras_format(keras, case):
    lam = CASES[case](lamina.optimizers)
    ker = CASES[case](keras.optimizers)
    lam_schedule = lam.get_config()["learning_rate"]
    ker_schedule = ker.get_config()["learning_rate"]
    assert lam_schedule["class_name"] == ker_schedule["class_name"]
    assert lam_schedule["config"] == ker_schedule["config"]
    # a Keras config (with its extra 'module' and 'registered_name' keys) loads into lamina
    rebuilt = type(lam).from_config(ker.get_config())
    assert rebuilt.get_config()["learning_rate"] == lam_schedule


def test_weight_decay_exclusions_match_keras(keras):
    """Exclusion by name pattern (re.search, as Keras) and by object, on named lamina Variables."""
    from lamina.core.variable import Variable

    weights, grads = _initial_weights(), _gradients()
    names = ["kernel", "bias", "gamma"]

    def run(opt_ns, make_var, to_numpy):
        variables = [make_var(w, name) for w, name in zip(weights, names)]
        opt = opt_ns.AdamW(learning_rate=0.05, weight_decay=0.3)
        opt.exclude_from_weight_decay(var_list=[variables[2]], var_names=["bi.s"])
        for step_grads in grads:
            opt.apply_gradients(zip([torch.tensor(g) for g in step_grads], variables))
        return [to_numpy(v) for v in variables]

    # (copies: lamina's Variable currently shares memory with a float32 NumPy input)
    ours = run(lamina.optimizers, lambda w, n: Variable(w.copy(), name=n), lambda v: v.numpy())
    theirs = run(keras.optimizers, lambda w, n: keras.Variable(w, name=n), lambda v: np.array(v.numpy()))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, **TOL)
    decayed_everywhere = run(lamina.optimizers, lambda w, n: Variable(w.copy(), name=n.upper()), lambda v: v.numpy())
    assert not np.allclose(decayed_everywhere[1], ours[1])  # the exclusion changed something
