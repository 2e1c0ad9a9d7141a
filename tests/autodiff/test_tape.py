"""GradientTape: TensorFlow's semantics on torch autograd (seed 004's examples, nesting, jacobians, warnings)."""
import warnings

import numpy as np
import pytest
import torch

import lamina
from lamina import ops
from lamina.autodiff import GradientTape, tape as tape_module
from lamina.core.variable import Variable


@pytest.fixture(autouse=True)
def _forget_warnings():
    tape_module._warned.clear()
    yield


def test_seed004_gradient_of_x2_plus_y2_is_2_4():
    with GradientTape() as tape:
        x = lamina.Variable(1.0)
        y = lamina.Variable(2.0)
        tape.watch([x, y])
        z = ops.power(x, 2) + ops.power(y, 2)
    dx, dy = tape.gradient(z, [x, y])
    assert [float(dx), float(dy)] == [2.0, 4.0]
    assert dx.dtype == torch.float32 and dx.shape == () and not dx.requires_grad


def test_watched_constant_gets_a_gradient_and_stays_a_constant():
    c = ops.convert_to_tensor(3.0)
    with GradientTape() as tape:
        tape.watch(c)
        f = c * c * c
    assert not c.requires_grad  # restored when the tape closed
    assert float(tape.gradient(f, c)) == 27.0
    assert not c.requires_grad and not (c * 2).requires_grad


def test_persistent_tape_gives_several_gradients_and_none_for_unrelated_variables():
    w = Variable([1.0, -2.0, 3.0])
    unused = Variable(5.0)
    with GradientTape(persistent=True) as tape:
        s = ops.sum(w * w)
        m = ops.mean(ops.power(w, 3))
    assert tape.gradient(s, w).tolist() == [2.0, -4.0, 6.0]
    np.testing.assert_allclose(tape.gradient(m, w).numpy(), [1.0, 4.0, 9.0])
    assert tape.gradient(s, unused) is None
    assert tape.gradient(s, unused, unconnected_gradients="zero").tolist() == 0.0


def test_non_persistent_tape_refuses_a_second_gradient():
    x = Variable(2.0)
    with GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to compute one set"):
        tape.gradient(y, x)


def test_non_scalar_targets_are_summed_and_output_gradients_weight_them():
    x = Variable([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as tape:
        y = x * x
        z = 3 * x
    assert tape.gradient(y, x).tolist() == [2.0, 4.0, 6.0]
    assert tape.gradient(y, x, output_gradients=torch.tensor([1.0, 0.0, 2.0])).tolist() == [2.0, 0.0, 12.0]
    assert tape.gradient([y, z], x).tolist() == [5.0, 7.0, 9.0]
    with pytest.raises(ValueError, match="output_gradients has 1 tensors for 2 targets"):
        tape.gradient([y, z], x, output_gradients=[torch.ones(3)])


def test_sources_keep_their_nested_structure():
    a, b, c = Variable(1.0), Variable([2.0, 3.0]), Variable(4.0)
    with GradientTape() as tape:
        loss = a * 2 + ops.sum(b * b) + c
    grads = tape.gradient(loss, {"a": a, "rest": [b, (c,)]})
    assert float(grads["a"]) == 2.0 and grads["rest"][0].tolist() == [4.0, 6.0] and float(grads["rest"][1][0]) == 1.0


def test_gradient_of_unwatched_tensor_is_none_and_warns_once_naming_it():
    w = Variable([1.0, 2.0])
    t = torch.ones(2)
    for expected_warnings in (1, 0):
        with GradientTape() as tape:
            loss = ops.sum(w * t)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grads = tape.gradient(loss, [w, t])
        assert grads[0].tolist() == [1.0, 1.0] and grads[1] is None
        messages = [str(w.message) for w in caught]
        assert len(messages) == expected_warnings
        if expected_warnings:
            assert "a tensor of shape (2,) and dtype float32 was never watched" in messages[0]


def test_watch_accessed_variables_false_watches_only_what_is_given():
    a, b = Variable(2.0), Variable(3.0)
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 3.0 and gb is None
    assert tape.watched_variables() == (a,)


def test_non_trainable_variable_is_watched_only_when_asked_and_stays_non_trainable():
    v = Variable(2.0, trainable=False)
    with GradientTape(persistent=True) as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    with GradientTape() as tape:
        tape.watch(v)
        y = v * v
    assert not v.trainable
    assert float(tape.gradient(y, v)) == 4.0


def test_integer_tensors_cannot_be_watched():
    with GradientTape() as tape:
        with pytest.warns(UserWarning, match="is not a float tensor"):
            tape.watch(torch.ones(2, dtype=torch.int32))


def test_stop_recording_pauses_recording():
    x = Variable(3.0)
    with GradientTape() as tape:
        y = x * x
        with tape.stop_recording():
            z = x * 10
        total = y + z
    assert not z.requires_grad
    assert float(tape.gradient(total, x)) == 6.0
    with pytest.raises(RuntimeError, match="stop_recording: the tape is not recording"):
        with tape.stop_recording():
            pass


def test_nested_tapes_give_second_derivatives():
    x = ops.convert_to_tensor(3.0)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy_dx = inner.gradient(y, x)
    d2y_dx2 = outer.gradient(dy_dx, x)
    assert dy_dx.requires_grad  # differentiable: recorded by the outer tape
    assert float(dy_dx.detach()) == 27.0 and float(d2y_dx2) == 18.0
    v = Variable(2.0)
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = ops.sin(v) * v
        g = inner.gradient(y, v)
    h = outer.gradient(g, v)
    np.testing.assert_allclose(float(h), 2 * np.cos(2.0) - 2.0 * np.sin(2.0), rtol=1e-6)


def test_two_tapes_over_one_forward_pass_like_a_gan_step():
    gen_w, disc_w = Variable([[0.5, -0.3]]), Variable([[0.2], [0.7]])
    noise = torch.randn(4, 1)
    with GradientTape() as gen_tape, GradientTape() as disc_tape:
        fake = noise @ gen_w
        score = fake @ disc_w
        gen_loss = ops.mean(ops.softplus(-score))
        disc_loss = ops.mean(ops.softplus(score))
    gen_grad = gen_tape.gradient(gen_loss, gen_w)
    disc_grad = disc_tape.gradient(disc_loss, disc_w)
    ref_gen, = torch.autograd.grad(torch.nn.functional.softplus(-(noise @ gen_w @ disc_w)).mean(), gen_w)
    ref_disc, = torch.autograd.grad(torch.nn.functional.softplus(noise @ gen_w @ disc_w).mean(), disc_w)
    torch.testing.assert_close(gen_grad, ref_gen)
    torch.testing.assert_close(disc_grad, ref_disc)


def test_tape_records_even_inside_no_grad():
    x = Variable(2.0)
    with torch.no_grad():
        with GradientTape() as tape:
            y = x * x
        assert not torch.is_grad_enabled()
    assert float(tape.gradient(y, x)) == 4.0


def test_seed004_backprop_matches_manual_deltas_and_finite_differences():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(1, 3)).astype("float32")
    t = torch.tensor([[0.2, 0.9]])
    w1, w2 = Variable(rng.normal(size=(3, 4)).astype("float32")), Variable(rng.normal(size=(4, 2)).astype("float32"))

    def loss_fn():
        o_i = ops.sigmoid(ops.matmul(x, w1))
        o_k = ops.sigmoid(ops.matmul(o_i, w2))
        return 0.5 * ops.sum(ops.square(o_k - t)), o_i, o_k

    with GradientTape() as tape:
        loss, o_i, o_k = loss_fn()
    g1, g2 = tape.gradient(loss, [w1, w2])
    oi, ok = o_i.detach().numpy(), o_k.detach().numpy()
    delta_k = (ok - t.numpy()) * (ok - ok ** 2)
    delta_i = (oi - oi ** 2) * (delta_k @ w2.numpy().T)
    np.testing.assert_allclose(g2.numpy(), oi.T @ delta_k, atol=1e-6)
    np.testing.assert_allclose(g1.numpy(), x.T @ delta_i, atol=1e-6)
    eps, base = 1e-3, float(loss.detach())
    with torch.no_grad():
        w1[0, 0] += eps
    numeric = (float(loss_fn()[0].detach()) - base) / eps
    np.testing.assert_allclose(numeric, float(g1[0, 0]), rtol=2e-2, atol=1e-4)


def test_seed004_softmax_crossentropy_gradient_is_p_minus_y():
    y = torch.tensor([[0.0, 1.0, 0.0]])
    z = Variable([[2.0, 1.0, 0.1]])
    with GradientTape() as tape:
        probs = ops.softmax(z)
        loss = ops.sum(ops.categorical_crossentropy(y, probs))
    np.testing.assert_allclose(tape.gradient(loss, z).numpy(), (probs - y).detach().numpy(), atol=1e-5)


def test_jacobian_matches_torch_functional_jacobian():
    x = Variable([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    w = Variable(torch.randn(3, 2))
    with GradientTape(persistent=True) as tape:
        y = ops.tanh(ops.matmul(x, w))
    jx, jw = tape.jacobian(y, [x, w])
    ref_x = torch.autograd.functional.jacobian(lambda a: torch.tanh(a @ w), x.detach())
    ref_w = torch.autograd.functional.jacobian(lambda b: torch.tanh(x.detach() @ b), w.detach())
    assert jx.shape == (2, 2, 2, 3) and jw.shape == (2, 2, 3, 2)
    torch.testing.assert_close(jx, ref_x)
    torch.testing.assert_close(jw, ref_w)
    unrelated = Variable(1.0)
    assert tape.jacobian(y, unrelated) is None
    assert tape.jacobian(y, unrelated, unconnected_gradients="zero").shape == (2, 2)


def test_batch_jacobian_is_the_per_example_block():
    x = Variable(torch.randn(4, 3))
    w = torch.randn(3, 2)
    with GradientTape() as tape:
        y = ops.sigmoid(ops.matmul(x, w)) * ops.sum(x, axis=1, keepdims=True)
    jac = tape.batch_jacobian(y, x)
    assert jac.shape == (4, 2, 3)
    for i in range(4):
        ref = torch.autograd.functional.jacobian(lambda a: torch.sigmoid(a @ w) * a.sum(), x[i].detach())
        torch.testing.assert_close(jac[i], ref)


def test_jacobian_falls_back_to_a_loop_for_ops_without_a_batching_rule():
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 3

        @staticmethod
        def backward(ctx, grad):
            (a,) = ctx.saved_tensors
            return grad * 3 * a ** 2

    x = Variable([1.0, 2.0])
    with GradientTape() as tape:
        y = Cube.apply(x)
    torch.testing.assert_close(tape.jacobian(y, x), torch.tensor([[3.0, 0.0], [0.0, 12.0]]))


def test_reset_allows_a_new_gradient():
    x = Variable(1.0)
    with GradientTape() as tape:
        y = x * 5
    tape.gradient(y, x)
    tape.reset()
    with tape:
        z = x * 7
    assert float(tape.gradient(z, x)) == 7.0


@pytest.mark.parametrize("call,error,message", [
    (lambda t, x, y: t.gradient(y, x, unconnected_gradients="ones"), ValueError,
     r"unknown unconnected_gradients='ones'; expected one of \('none', 'zero'\)"),
    (lambda t, x, y: t.gradient(y, [x, 2.0]), TypeError, r"sources must be tensors or Variables; source 1 is float"),
    (lambda t, x, y: t.watch("x"), TypeError, r"watch: expected tensors or Variables; received str"),
    (lambda t, x, y: t.batch_jacobian(y, x), ValueError, r"batch_jacobian: target \(shape \(\)\)"),
])
def test_bad_calls_are_explained(call, error, message):
    x = Variable(1.0)
    with GradientTape(persistent=True) as tape:
        y = x * 2
    with pytest.raises(error, match=message):
        call(tape, x, y)


def test_a_tape_cannot_be_entered_twice_at_once():
    tape = GradientTape()
    with tape:
        with pytest.raises(ValueError, match="already open"):
            tape.__enter__()


def test_top_level_exports():
    assert lamina.GradientTape is GradientTape
    assert lamina.clip_by_value and lamina.clip_by_norm and lamina.clip_by_global_norm
    assert lamina.ops.add and lamina.random.SeedGenerator


def test_a_constant_watched_by_two_open_tapes_stays_watched_until_both_close():
    c = torch.tensor(2.0)
    with GradientTape() as outer:
        with GradientTape() as inner:
            inner.watch(c)
            outer.watch(c)
            a = c * c
        inner.gradient(a, c)
        assert c.requires_grad  # the outer tape is still open
        b = a + c * 10  # recorded after the inner tape closed
    assert not c.requires_grad
    assert float(outer.gradient(b, c)) == 14.0
