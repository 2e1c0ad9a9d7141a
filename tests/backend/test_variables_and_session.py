"""K's variables, placeholders, inspection, values, random functions, learning phase and clear_session."""
import numpy as np
import pytest
import torch

from lamina import backend as K
from lamina.layers import Dense, Dropout, Input
from lamina.models import Model


def test_variable_constant_and_values():
    v = K.variable(np.array([[1, 2], [3, 4]]), name="w")
    assert v.dtype == torch.float32 and v.name == "w" and K.dtype(v) == "float32"  # Keras 2: floatx by default
    assert K.int_shape(v) == (2, 2) and K.ndim(v) == 2 and K.count_params(v) == 4
    K.set_value(v, np.zeros((2, 2)))
    assert K.get_value(v).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    K.batch_set_value([(v, np.ones((2, 2)))])
    assert [a.sum() for a in K.batch_get_value([v, K.constant(2.0, shape=(3,))])] == [4.0, 6.0]
    assert K.eval(K.update_add(v, 1.0)).tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert K.get_value(K.moving_average_update(K.variable(1.0), 3.0, 0.9)) == pytest.approx(1.2)
    assert isinstance(K.zeros((2, 3)), torch.nn.Parameter) and K.get_value(K.eye(3)).trace() == 3.0
    assert K.constant([1, 2], dtype="int32").dtype == torch.int32


def test_backend_variable_augmented_assignment_builds_a_new_tensor():
    loss = K.variable(0.0)
    original = loss
    loss += K.constant(2.0)
    assert original.tolist() == 0.0 and loss.tolist() == 2.0  # the variable is untouched, as in TensorFlow
    x = Input((3,))
    total = K.variable(0.0)
    total += K.sum(K.square(x))  # DeepDream's `loss = K.variable(0.); loss += ...` builds a symbolic expression
    assert total.shape == ()
    assert K.function([x], [total])([np.ones((1, 3))])[0] == pytest.approx(3.0)


def test_placeholder_and_is_keras_tensor():
    p = K.placeholder(shape=(None, 4), name="features")
    assert K.int_shape(p) == (None, 4) and K.is_keras_tensor(p) and K.is_placeholder(p)
    assert K.int_shape(K.placeholder(ndim=3)) == (None, None, None)
    assert not K.is_keras_tensor(K.constant(1.0))
    with pytest.raises(ValueError, match="K.is_keras_tensor: expected a symbolic tensor or a tensor; received ndarray"):
        K.is_keras_tensor(np.ones(2))
    with pytest.raises(ValueError, match="pass shape"):
        K.placeholder()


def test_symbolic_shape_is_known_at_run_time():
    x = Input((None, 3))
    n = K.shape(x)
    assert n.shape == (3,)
    batch_times_time = K.prod(K.cast(K.shape(x)[:2], "float32"))
    out = K.function([x], [n, batch_times_time])([np.zeros((2, 5, 3))])
    assert out[0].tolist() == [2, 5, 3] and out[1] == 10.0


def test_eval_of_a_symbolic_tensor_explains_what_to_do():
    with pytest.raises(TypeError, match=r"K.eval: .* is symbolic .* K.function"):
        K.eval(Input((2,)))
    with pytest.raises(TypeError, match="K.set_value: expected a variable"):
        K.set_value(torch.ones(1), 2.0)


def test_random_seeds_give_streams_reproducible_across_runs():
    K.clear_session()
    from lamina.backend.random import set_global_seed

    set_global_seed(7)
    first = [K.random_normal((3,), seed=1), K.random_normal((3,), seed=1)]
    assert not torch.equal(first[0], first[1])  # an operation seed is a stream, not a constant
    set_global_seed(7)
    again = [K.random_normal((3,), seed=1), K.random_normal((3,), seed=1)]
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    u = K.random_uniform((2000,), -1.0, 3.0, seed=2)
    assert float(u.min()) >= -1.0 and float(u.max()) < 3.0 and abs(float(u.mean()) - 1.0) < 0.1
    assert set(K.random_bernoulli((100,), p=0.5, seed=0).tolist()) == {0.0, 1.0}
    z = Input((4,))
    eps = K.random_normal(shape=(K.shape(z)[0], 4))  # the book's VAE sampling
    assert K.function([z], [eps])([np.zeros((5, 4))])[0].shape == (5, 4)


def test_clear_session_restarts_names_and_learning_phase():
    Dense(1)
    K.set_learning_phase(1)
    K.clear_session()
    assert Dense(1).name == "dense"
    assert K.get_uid("x") == 1 and K.get_uid("x") == 2
    drop = Dropout(0.5)
    assert torch.equal(drop(torch.ones(100)), torch.ones(100))  # inference again after clear_session


def test_set_learning_phase_sets_the_default_training_flag():
    drop = Dropout(0.5)
    K.set_learning_phase(1)
    assert float((drop(torch.ones(1000)) == 0).float().mean()) > 0.3
    assert torch.equal(drop(torch.ones(10), training=False), torch.ones(10))  # an explicit flag still wins
    K.set_learning_phase(0)
    assert torch.equal(drop(torch.ones(10)), torch.ones(10))
    with pytest.raises(ValueError, match="K.set_learning_phase: expected 0 or 1"):
        K.set_learning_phase(2)


def test_in_train_phase_follows_the_model_call():
    x = Input((3,))
    y = K.in_train_phase(x * 2.0, x)
    model = Model(x, y)
    data = torch.ones(1, 3)
    assert model(data, training=True).tolist() == [[2.0, 2.0, 2.0]]
    assert model(data, training=False).tolist() == [[1.0, 1.0, 1.0]]
    assert K.in_train_phase(lambda: torch.ones(1), torch.zeros(1), training=1).tolist() == [1.0]
    assert K.in_test_phase(torch.ones(1), torch.zeros(1), training=True).tolist() == [0.0]
    f = K.function([x, K.learning_phase()], [y])
    assert f([np.ones((1, 3)), 1])[0].tolist() == [[2.0, 2.0, 2.0]]
    assert f([np.ones((1, 3)), 0])[0].tolist() == [[1.0, 1.0, 1.0]]


def test_switch_extends_a_lower_rank_condition_with_trailing_axes():
    condition = torch.tensor([True, False])
    out = K.switch(condition, torch.ones(2, 3), torch.zeros(2, 3))
    assert out.tolist() == [[1.0] * 3, [0.0] * 3]
    with pytest.raises(ValueError, match="must not have a higher rank"):
        K.switch(torch.ones(2, 2, 2), torch.ones(2), torch.zeros(2))


def test_rnn_matches_a_python_loop_with_mask_and_go_backwards():
    rng = np.random.RandomState(0)
    inputs = torch.tensor(rng.normal(size=(2, 4, 3)).astype("float32"))
    w = torch.tensor(rng.normal(size=(3, 5)).astype("float32"))
    u = torch.tensor(rng.normal(size=(5, 5)).astype("float32")) * 0.1

    def step(x_t, states):
        h = torch.tanh(x_t @ w + states[0] @ u)
        return h, [h]

    mask = torch.tensor([[True, True, False, True], [True, False, False, False]])
    last, outputs, states = K.rnn(step, inputs, [torch.zeros(2, 5)], mask=mask)
    for b in range(2):
        h, prev_out = torch.zeros(5), torch.zeros(5)
        for t in range(4):
            if mask[b, t]:
                h = torch.tanh(inputs[b, t] @ w + h @ u)
                prev_out = h
            torch.testing.assert_close(outputs[b, t], prev_out)
        torch.testing.assert_close(states[0][b], h)
        torch.testing.assert_close(last[b], prev_out)
    _, backwards, _ = K.rnn(step, inputs, [torch.zeros(2, 5)], go_backwards=True)
    _, forwards, _ = K.rnn(step, torch.flip(inputs, (1,)), [torch.zeros(2, 5)])
    torch.testing.assert_close(backwards, forwards)


def test_map_fn_and_folds():
    assert K.map_fn(lambda row: row * 2, torch.tensor([[1.0], [2.0]])).tolist() == [[2.0], [4.0]]
    assert K.foldl(lambda acc, x: acc - x, torch.tensor([10.0, 1.0, 2.0])).item() == 7.0
    assert K.foldr(lambda acc, x: acc - x, torch.tensor([1.0, 2.0, 10.0])).item() == 7.0


def test_a_keras2_backend_name_lamina_lacks_is_named():
    with pytest.raises(AttributeError, match="K.get_session is not part of lamina's Keras 2 backend"):
        K.get_session()
