"""The Optimizer base: learning-rate assignment, Keras 2 spellings, the fast path, state, errors."""
import numpy as np
import pytest
import torch

from lamina import optimizers
from lamina.core.variable import Variable
from lamina.optimizers import schedules

ALL_CLASSES = [
    optimizers.SGD,
    optimizers.RMSprop,
    optimizers.Adam,
    optimizers.AdamW,
    optimizers.Adagrad,
    optimizers.Adadelta,
    optimizers.Adamax,
    optimizers.Nadam,
    optimizers.Ftrl,
    optimizers.Lion,
]


def _quadratic_grad(w):
    """Gradient of mean((x @ w - y)**2) for fixed data, as seed004_lr_decay computes it."""
    rng = np.random.RandomState(0)
    x = torch.tensor(rng.normal(size=(64, 3)).astype("float32"))
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    w = w.detach().requires_grad_(True)
    loss = torch.mean((x @ w - y) ** 2)
    (grad,) = torch.autograd.grad(loss, [w])
    return loss.item(), grad


# -- learning rate: readable, assignable, used by the very next update ----------------


@pytest.mark.parametrize("path", ["apply_gradients", "step"])
def test_assigned_learning_rate_is_used_by_the_next_update(path):
    """seed004_lr_decay's loop: every SGD step uses exactly the rate in force."""
    w = Variable(np.zeros((3, 1), dtype="float32"))
    opt = optimizers.SGD(learning_rate=0.2)
    losses = []
    for epoch in range(100):
        loss, grad = _quadratic_grad(w)
        lr_in_force = float(opt.learning_rate.numpy())
        before = w.numpy().copy()
        if path == "step":
            w.grad = grad
            opt.step([w])
        else:
            opt.apply_gradients(zip([grad], [w]))
        np.testing.assert_allclose(w.numpy(), before - lr_in_force * grad.numpy(), atol=1e-6)
        losses.append(loss)
        opt.learning_rate = 0.2 * (100 - epoch) / 100
        assert np.isclose(float(opt.learning_rate.numpy()), 0.2 * (100 - epoch) / 100)
    assert losses[-1] < 1e-4 * losses[0]
    np.testing.assert_allclose(w.numpy(), [[1.0], [-2.0], [0.5]], atol=1e-2)


def test_learning_rate_is_a_variable_that_keras2_code_can_set():
    opt = optimizers.RMSprop(learning_rate=0.001)
    assert opt.lr is opt.learning_rate
    assert isinstance(opt.learning_rate, Variable) and opt.learning_rate.shape == ()
    opt.learning_rate.assign(0.5)  # K.set_value(opt.lr, 0.5) does this
    assert float(opt.learning_rate) == 0.5
    opt.lr = np.float64(0.25)
    assert float(opt.learning_rate) == 0.25 and opt.get_config()["learning_rate"] == 0.25
    opt.learning_rate = torch.tensor(0.125)
    assert float(opt.lr) == 0.125


def test_learning_rate_variable_keeps_its_identity_when_assigned():
    """Assignment is in place, so a compiled step holding the tensor sees the new value."""
    opt = optimizers.Adam(0.01)
    rate = opt.learning_rate
    opt.learning_rate = 0.5
    assert opt.learning_rate is rate and float(rate) == 0.5


def test_schedule_learning_rate_reads_current_value_and_refuses_floats():
    opt = optimizers.SGD(learning_rate=schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5))
    w = torch.nn.Parameter(torch.zeros(2))
    assert float(opt.learning_rate) == 1.0
    for _ in range(3):
        opt.apply_gradients([(torch.ones(2), w)])
    assert float(opt.learning_rate) == pytest.approx(0.125)
    np.testing.assert_allclose(w.detach().numpy(), [-1.75, -1.75])
    with pytest.raises(TypeError, match="ExponentialDecay.*cannot be set to 0.1"):
        opt.learning_rate = 0.1
    assert [v.name for v in opt.variables] == ["iteration"]


def test_assigning_a_schedule_replaces_a_constant_rate():
    opt = optimizers.SGD(learning_rate=0.1)
    opt.learning_rate = schedules.PiecewiseConstantDecay([0], [0.5, 0.25])
    w = torch.nn.Parameter(torch.zeros(1))
    opt.apply_gradients([(torch.ones(1), w)])
    opt.apply_gradients([(torch.ones(1), w)])
    assert w.item() == pytest.approx(-0.75)
    assert "learning_rate" not in [v.name for v in opt.variables]


def test_callable_learning_rate_is_called_each_update():
    rates = iter([0.5, 0.25])
    opt = optimizers.SGD(learning_rate=lambda: next(rates))
    w = torch.nn.Parameter(torch.zeros(1))
    opt.apply_gradients([(torch.ones(1), w)])
    opt.apply_gradients([(torch.ones(1), w)])
    assert w.item() == pytest.approx(-0.75)
    with pytest.raises(ValueError, match="plain callable"):
        opt.get_config()


def test_keras2_lr_and_decay_spellings():
    """Keras 2's ``decay``: the rate at iteration t is lr / (1 + decay * t)."""
    opt = optimizers.SGD(lr=0.1, decay=0.5)
    assert float(opt.learning_rate) == pytest.approx(0.1)
    w = torch.nn.Parameter(torch.zeros(1))
    expected = 0.0
    for t in range(5):
        opt.apply_gradients([(torch.ones(1), w)])
        expected -= 0.1 / (1 + 0.5 * t)
        assert w.item() == pytest.approx(expected, rel=1e-6)
    assert opt.get_config()["decay"] == 0.5
    assert optimizers.SGD.from_config(opt.get_config()).decay == 0.5
    assert "decay" not in optimizers.SGD().get_config()


def test_lr_and_learning_rate_together_is_an_error():
    with pytest.raises(ValueError, match="learning_rate=0.5 and lr=0.1"):
        optimizers.Adam(learning_rate=0.5, lr=0.1)


def _ill_conditioned_grad(w):
    """Gradient of 1/2 * sum(A * w**2) with A = [1, 10] (seed004_momentum's problem)."""
    return torch.tensor([1.0, 10.0]) * w.detach()


def test_seed004_momentum_formulas():
    """The notes' rules: z = beta*z + f'(w), w -= lr*z for SGD; v/m recursions for RMSprop."""
    a = np.array([1.0, 10.0])
    w = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
    opt = optimizers.SGD(learning_rate=0.02, momentum=0.9)
    w_ref, z = np.array([1.0, 1.0]), np.zeros(2)
    for step in range(5):
        opt.apply_gradients([(_ill_conditioned_grad(w), w)])
        z = 0.9 * z + a * w_ref
        w_ref = w_ref - 0.02 * z
        np.testing.assert_allclose(w.detach().numpy(), w_ref, atol=1e-5, err_msg=f"SGD step {step}")

    w = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
    opt = optimizers.RMSprop(learning_rate=0.01, momentum=0.02)
    w_ref, v, m = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    for step in range(5):
        opt.apply_gradients([(_ill_conditioned_grad(w), w)])
        g = a * w_ref
        v = 0.9 * v + 0.1 * g * g
        m = 0.02 * m + 0.01 * g / np.sqrt(v + 1e-7)
        w_ref = w_ref - m
        np.testing.assert_allclose(w.detach().numpy(), w_ref, atol=1e-5, err_msg=f"RMSprop step {step}")

    def final_loss(opt):
        w = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
        for _ in range(60):
            opt.apply_gradients([(_ill_conditioned_grad(w), w)])
        return float(torch.sum(torch.tensor([1.0, 10.0]) * w.detach() ** 2))

    assert final_loss(optimizers.SGD(0.02, momentum=0.9)) < final_loss(optimizers.SGD(0.02))


# -- iterations, the fast path, None gradients ----------------------------------------------


def test_iterations_count_updates():
    opt = optimizers.Adam()
    w = torch.nn.Parameter(torch.ones(2))
    for _ in range(3):
        result = opt.apply_gradients([(torch.ones(2), w)])
    assert result is opt.iterations
    assert opt.iterations.dtype == torch.int64 and int(opt.iterations) == 3


def test_step_without_variables_uses_the_built_ones_and_skips_missing_grads():
    a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(3))
    opt = optimizers.SGD(0.5)
    opt.build([a, b])
    a.grad = torch.ones(2)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['#1 \(shape \(3,\)\)'\]"):
        opt.step()
    assert a.detach().tolist() == [0.5, 0.5] and b.detach().tolist() == [1.0, 1.0, 1.0]
    opt.zero_grad()
    assert a.grad is None


def test_step_with_a_changing_subset_of_variables():
    """The GAN pattern: the trainer passes the trainable subset, a new list when it changes."""
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))
    opt = optimizers.SGD(1.0, momentum=0.5)
    both, only_b = [a, b], [b]
    for params in (both, both, only_b, only_b, both):
        for p in params:
            p.grad = torch.ones_like(p)
        opt.step(params)
    # a: steps 1, 2 and 5 with its own velocity (-1, -1.5, then -1.75): -4.25; b: five steps
    np.testing.assert_allclose(a.detach().numpy(), [-4.25, -4.25])
    np.testing.assert_allclose(b.detach().numpy(), [-1 - 1.5 - 1.75 - 1.875 - 1.9375] * 3)
    with pytest.raises(ValueError, match="unknown variable"):
        opt.step([torch.nn.Parameter(torch.zeros(1))])


def test_empty_updates_are_no_ops():
    opt = optimizers.Adam()
    opt.apply_gradients([])
    opt.step([])
    assert int(opt.iterations) == 0 and not opt.built  # an empty list does not build it for nothing


def test_apply_accepts_numpy_and_other_dtypes():
    w = Variable(np.ones(3, dtype="float32"), name="w")
    opt = optimizers.SGD(0.5)
    opt.apply_gradients([(np.ones(3, dtype="float64"), w)])
    np.testing.assert_allclose(w.numpy(), [0.5, 0.5, 0.5])
    opt.apply([torch.ones(3, dtype=torch.float64)])  # by position, once built
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0, 0.0])
    assert w.dtype == torch.float32


def test_apply_gradients_does_not_modify_the_given_gradients():
    w = torch.nn.Parameter(torch.ones(3))
    grad = torch.tensor([3.0, -4.0, 0.5])
    optimizers.Adam(clipnorm=1.0, loss_scale_factor=2.0).apply_gradients([(grad, w)])
    assert grad.tolist() == [3.0, -4.0, 0.5]


def test_minimize():
    w = torch.nn.Parameter(torch.tensor([3.0]))
    opt = optimizers.SGD(0.25)
    opt.minimize(lambda: (w**2).sum(), [w])
    assert w.item() == pytest.approx(1.5)


def test_constraints_are_applied_after_the_update():
    w = Variable(np.array([0.1, 1.0], dtype="float32"), constraint=lambda v: torch.clamp(v, min=0.0))
    optimizers.SGD(1.0).apply_gradients([(torch.tensor([1.0, 0.5]), w)])
    np.testing.assert_allclose(w.numpy(), [0.0, 0.5])


def test_exclude_from_weight_decay_by_name_and_object():
    kernel, bias, other = (Variable(np.ones(2, dtype="float32"), name=n) for n in ("kernel", "bias", "other"))
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    opt.apply_gradients([(torch.zeros(2), v) for v in (kernel, bias, other)])
    np.testing.assert_allclose(kernel.numpy(), [0.95, 0.95])
    np.testing.assert_allclose(bias.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(other.numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


def test_weight_decay_keras_formula():
    """Decoupled decay: w *= 1 - weight_decay * lr, before the optimizer's own step."""
    w = torch.nn.Parameter(torch.tensor([2.0]))
    optimizers.SGD(learning_rate=0.1, weight_decay=0.5).apply_gradients([(torch.tensor([1.0]), w)])
    assert w.item() == pytest.approx(2.0 * (1 - 0.05) - 0.1)


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True, clipnorm=1.0, weight_decay=0.1),
        lambda: optimizers.Adam(amsgrad=True, global_clipnorm=1.0, loss_scale_factor=4.0),
        lambda: optimizers.RMSprop(centered=True, momentum=0.1, clipvalue=1.0, use_ema=True, ema_overwrite_frequency=2),
        lambda: optimizers.Nadam(schedules.CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=3)),
        lambda: optimizers.Ftrl(l1_regularization_strength=0.1, beta=0.1, l2_shrinkage_regularization_strength=0.1),
        lambda: optimizers.Lion(schedules.PiecewiseConstantDecay([1, 2], [1.0, 2.0, 3.0])),
        lambda: optimizers.Adadelta(decay=0.1),
        lambda: optimizers.Adamax(schedules.CosineDecayRestarts(0.1, 3)),
        lambda: optimizers.Adagrad(schedules.PolynomialDecay(0.1, 5, cycle=True)),
        lambda: optimizers.AdamW(schedules.ExponentialDecay(0.1, 3, 0.5, staircase=True)),
        lambda: optimizers.SGD(schedules.InverseTimeDecay(0.1, 3, 0.5, staircase=True)),
    ],
)
def test_updates_never_read_tensors_back_to_python(make):
    """On the meta device any .item()/float(tensor) raises, so a full update there proves no host sync."""
    params = [torch.nn.Parameter(torch.ones(3, 2, device="meta")), torch.nn.Parameter(torch.ones(2, device="meta"))]
    opt = make()
    for _ in range(2):
        for p in params:
            p.grad = torch.ones_like(p)
        opt.step(params)
    assert opt.iterations.device.type == "meta" and all(v.device.type == "meta" for v in opt.variables)


# -- custom optimizers written the Keras way ------------------------------------------------


class SignSGD(optimizers.Optimizer):
    """A Keras-style subclass: build() + add_variable_from_reference + per-variable update_step."""

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.steps_taken = [self.add_variable_from_reference(v, "steps") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        self.assign_sub(variable, learning_rate * torch.sign(gradient))
        self.assign_add(self.steps_taken[self._get_variable_index(variable)], torch.ones_like(variable))


def test_keras_style_custom_optimizer():
    w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
    opt = SignSGD(learning_rate=0.25)
    opt.apply_gradients([(torch.tensor([3.0, -0.1]), w)])
    opt.apply_gradients([(torch.tensor([3.0, -0.1]), w)])
    assert w.detach().tolist() == [0.5, -0.5]
    assert opt.steps_taken[0].detach().tolist() == [2.0, 2.0]
    assert [v.name for v in opt.variables][-1] == "param_0_steps"


# -- state: variables, save and restore ----------------------------------------------------------


def _train(opt, params, grads):
    for step_grads in grads:
        opt.apply_gradients(zip([torch.tensor(g) for g in step_grads], params))


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_state_round_trip_resumes_training_exactly(cls):
    rng = np.random.RandomState(0)
    grads = [[rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=2).astype("float32")] for _ in range(10)]

    def fresh():
        return [torch.nn.Parameter(torch.ones(3, 2)), torch.nn.Parameter(torch.zeros(2))]

    straight = fresh()
    _train(cls(learning_rate=0.05), straight, grads)

    first = fresh()
    opt = cls(learning_rate=0.05)
    _train(opt, first, grads[:5])
    saved = opt.state_dict()
    assert int(saved["0"]) == 5
    resumed = [torch.nn.Parameter(p.detach().clone()) for p in first]
    new_opt = cls.from_config(opt.get_config())
    new_opt.build(resumed)
    new_opt.load_state_dict(saved)
    _train(new_opt, resumed, grads[5:])
    for a, b in zip(resumed, straight):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_saved_state_is_a_snapshot_in_keras_order():
    w = Variable(np.ones(2, dtype="float32"), name="kernel")
    opt = optimizers.Adam(name="adam")
    opt.apply_gradients([(torch.ones(2), w)])
    store = {}
    opt.save_own_variables(store)
    assert list(store) == ["0", "1", "2", "3"]
    assert [v.path for v in opt.variables] == [
        "adam/iteration",
        "adam/learning_rate",
        "adam/kernel_momentum",
        "adam/kernel_velocity",
    ]
    momentum = store["2"].clone()
    opt.apply_gradients([(torch.ones(2), w)])
    assert torch.equal(store["2"], momentum)  # later updates do not change what was saved


def test_get_and_set_weights():
    w = torch.nn.Parameter(torch.ones(2))
    opt = optimizers.SGD(0.1, momentum=0.9)
    opt.apply_gradients([(torch.ones(2), w)])
    weights = opt.get_weights()
    assert [np.shape(x) for x in weights] == [(), (), (2,)]
    other = optimizers.SGD(0.1, momentum=0.9)
    other.build([torch.nn.Parameter(torch.ones(2))])
    other.set_weights(weights)
    np.testing.assert_allclose(other.get_weights()[2], weights[2])


def test_loading_state_checks_count_and_shapes():
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match=r"has 2 state variables, but the saved state has 4 \(this optimizer is not built"):
        opt.load_own_variables({str(i): 0 for i in range(4)})
    opt.build([torch.nn.Parameter(torch.ones(2))])
    bad = {"0": 1, "1": 0.1, "2": np.zeros(3), "3": np.zeros(2)}
    with pytest.raises(ValueError, match=r"param_0_momentum has shape \(3,\), expected \(2,\)"):
        opt.load_own_variables(bad)


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_config_round_trip(cls):
    opt = cls(learning_rate=0.05, clipnorm=2.0, name="opt")
    config = opt.get_config()
    assert config["learning_rate"] == pytest.approx(0.05) and config["name"] == "opt"
    assert cls.from_config(config).get_config() == config
    assert optimizers.deserialize(optimizers.serialize(opt)).get_config() == config


def test_keras2_config_with_legacy_keys_loads():
    config = {"name": "Adam", "lr": 0.002, "decay": 0.0, "beta_1": 0.8, "jit_compile": True, "is_legacy_optimizer": False}
    opt = optimizers.Adam.from_config(config)
    assert float(opt.learning_rate) == pytest.approx(0.002) and opt.beta_1 == 0.8 and opt.decay == 0.0


# -- get / serialize / deserialize --------------------------------------------------------------


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam", "adamw", "adagrad", "adadelta", "adamax", "nadam", "ftrl", "lion"])
def test_get_by_name(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name
    assert type(optimizers.get(type(opt).__name__)) is type(opt)


def test_get_other_identifiers():
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam
    assert optimizers.get(None) is None
    assert isinstance(optimizers.get(optimizers.Nadam), optimizers.Nadam)
    torch_opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    assert optimizers.get(torch_opt) is torch_opt
    opt = optimizers.get({"class_name": "RMSprop", "config": {"learning_rate": 0.01, "rho": 0.5}})
    assert isinstance(opt, optimizers.RMSprop) and opt.rho == 0.5


def test_get_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'adamm'. Valid names are: 'adadelta', .*'sgd'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match=r"Could not interpret optimizer identifier 3"):
        optimizers.get(3)
    with pytest.raises(ValueError, match="expected a dict with 'class_name'"):
        optimizers.deserialize({"config": {}})


def test_deserialize_custom_and_registered_classes():
    config = {"class_name": "SignSGD", "config": {"learning_rate": 0.5}}
    with pytest.raises(ValueError, match="Unknown optimizer: 'SignSGD'"):
        optimizers.deserialize(config)
    opt = optimizers.deserialize(config, custom_objects={"SignSGD": SignSGD})
    assert isinstance(opt, SignSGD) and float(opt.learning_rate) == 0.5


# -- bad arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: optimizers.SGD(momentum=1.5), r"SGD: momentum must be a float in \[0, 1\]; received momentum=1.5"),
        (lambda: optimizers.Adam(learning_rate="fast"), r"Adam: learning_rate must be a float.*received learning_rate='fast'"),
        (lambda: optimizers.Adam(learning_rate=[0.1]), r"learning_rate must be a float"),
        (lambda: optimizers.SGD(clipnorm=1.0, clipvalue=1.0), r"only one of clipnorm, clipvalue and global_clipnorm"),
        (lambda: optimizers.SGD(clipnorm=-1.0), r"SGD: clipnorm must be None or a number > 0.0; received clipnorm=-1.0"),
        (lambda: optimizers.Adam(weight_decay=-0.1), r"weight_decay must be None or a number >= 0.0"),
        (lambda: optimizers.AdamW(weight_decay=None), r"AdamW: weight_decay must be a float"),
        (lambda: optimizers.Adam(ema_momentum=2.0, use_ema=True), r"ema_momentum must be a number in \[0, 1\]"),
        (lambda: optimizers.Adam(ema_overwrite_frequency=0), r"ema_overwrite_frequency must be None or an integer >= 1"),
        (lambda: optimizers.Lion(beta_1=0.0), r"Lion: beta_1 must be in \(0, 1\]"),
        (lambda: optimizers.Ftrl(learning_rate_power=0.5), r"Ftrl: learning_rate_power must be <= 0"),
        (lambda: optimizers.Ftrl(l1_regularization_strength=-1), r"Ftrl: l1_regularization_strength must be >= 0"),
        (lambda: optimizers.Adam(name=3), r"Adam: name must be a string"),
    ],
)
def test_bad_constructor_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unknown_keyword_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r"RMSprop: unexpected keyword argument\(s\) \['momentun'\]"):
        optimizers.RMSprop(momentun=0.9)


def test_gradient_accumulation_is_refused_clearly():
    with pytest.raises(NotImplementedError, match="gradient_accumulation_steps is not supported"):
        optimizers.Adam(gradient_accumulation_steps=4)


def test_bad_apply_calls():
    a, b = torch.nn.Parameter(torch.ones(2)), Variable(np.ones(3, dtype="float32"), name="bias")
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="the optimizer is not built"):
        opt.apply([torch.ones(2)])
    with pytest.raises(ValueError, match=r"step\(\) without variables needs a built optimizer"):
        opt.step()
    with pytest.raises(ValueError, match="received 1 gradients for 2 variables"):
        opt.apply([torch.ones(2)], [a, b])
    with pytest.raises(ValueError, match=r"gradient for variable 'bias' has shape \(2,\), but the variable has shape \(3,\)"):
        opt.apply_gradients([(torch.ones(2), a), (torch.ones(2), b)])
    with pytest.raises(ValueError, match="received 1 gradients, but the optimizer was built with 2 variables"):
        opt.apply([torch.ones(2)])
    with pytest.raises(ValueError, match=r"unknown variable #0 \(shape \(4,\)\).*create a new optimizer"):
        opt.apply_gradients([(torch.ones(4), torch.nn.Parameter(torch.ones(4)))])
    with pytest.raises(ValueError, match="no gradients were provided for any of the 2 variables"):
        opt.apply_gradients([(None, a), (None, b)])


def test_bad_build_calls():
    w = torch.nn.Parameter(torch.ones(2))
    with pytest.raises(ValueError, match="the same variable appears more than once"):
        optimizers.Adam().build([w, w])
    with pytest.raises(ValueError, match=r"variables\[1\] must be a float tensor or Variable"):
        optimizers.Adam().build([w, torch.ones(2, dtype=torch.int64)])
