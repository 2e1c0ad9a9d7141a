"""lamina.random: Keras's numbers for seeded draws, reproducible streams, global-generator draws, symbolic scope."""
import numpy as np
import pytest
import torch

from lamina import ops, random
from lamina.core.registry import lookup
from lamina.core.symbolic import KerasTensor, symbolic_scope


@pytest.mark.parametrize("name,args,kwargs", [
    ("normal", ((3, 4),), {}), ("normal", ((5,),), {"mean": 2.0, "stddev": 0.5}),
    ("normal", ((2, 2),), {"dtype": "float64"}), ("uniform", ((3, 4),), {}),
    ("uniform", ((6,),), {"minval": -1.0, "maxval": 3.0}), ("uniform", ((),), {}),
    ("truncated_normal", ((4, 5),), {"stddev": 2.0}), ("randint", ((7,), 0, 10), {}),
    ("randint", ((2, 3), -5, 5), {"dtype": "int64"}), ("gamma", ((4,),), {"alpha": 2.0}),
    ("beta", ((4,),), {"alpha": 2.0, "beta": 3.0}), ("binomial", ((4,),), {"counts": 5, "probabilities": 0.3}),
])
def test_seeded_draws_equal_keras_on_torch(keras, name, args, kwargs):
    ours = getattr(random, name)(*args, seed=42, **kwargs)
    theirs = getattr(keras.random, name)(*args, seed=42, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    assert torch.equal(ours, theirs)


def test_seed_generator_streams_equal_keras_draw_by_draw(keras):
    ours, theirs = random.SeedGenerator(1337), keras.random.SeedGenerator(1337)
    for _ in range(3):
        assert torch.equal(random.normal((4,), seed=ours), keras.random.normal((4,), seed=theirs))
        x = torch.ones(20)
        assert torch.allclose(random.dropout(x, 0.3, seed=ours), keras.random.dropout(x, 0.3, seed=theirs))
    logits = torch.randn(2, 5)
    assert torch.equal(random.categorical(logits, 8, seed=ours), keras.random.categorical(logits, 8, seed=theirs))


def test_int_seed_is_stateless_and_seed_generator_advances():
    assert torch.equal(random.normal((5,), seed=3), random.normal((5,), seed=3))
    gen = random.SeedGenerator(3)
    first, second = random.normal((5,), seed=gen), random.normal((5,), seed=gen)
    assert not torch.equal(first, second)
    assert torch.equal(first, random.normal((5,), seed=3))  # a fresh generator's first draw is the int seed's
    replay = random.SeedGenerator(3)
    assert torch.equal(random.normal((5,), seed=replay), first) and torch.equal(random.normal((5,), seed=replay), second)


def test_seed_none_uses_torch_global_generator():
    torch.manual_seed(7)
    a = random.uniform((4,))
    torch.manual_seed(7)
    assert torch.equal(random.uniform((4,)), a)
    assert not torch.equal(random.uniform((4,)), a)


def test_seed_generator_state_config_and_registry():
    gen = random.SeedGenerator(11, name="noise")
    random.normal((2,), seed=gen)
    assert gen.state.tolist() == [11, 1]
    clone = random.SeedGenerator.from_config(gen.get_config())
    assert clone.name == "noise" and clone.state.tolist() == [11, 0]
    clone.set_state(gen.state)
    assert torch.equal(random.normal((3,), seed=clone), random.normal((3,), seed=gen))
    assert lookup("SeedGenerator") is random.SeedGenerator


def test_draws_during_shape_inference_advance_nothing():
    gen = random.SeedGenerator(5)
    torch.manual_seed(0)
    global_state = torch.get_rng_state()
    with symbolic_scope():
        random.normal((3,), seed=gen)
        random.uniform((3,))
        random.dropout(torch.ones(4), 0.5)
        random.dropout(torch.ones(4), 0.5, seed=gen)
    assert gen.state.tolist() == [5, 0]
    assert torch.equal(torch.get_rng_state(), global_state)


def test_noise_inside_a_symbolic_op_call_has_the_input_shape_like_the_vae_sampling_layer():
    gen = random.SeedGenerator(1337)

    @ops.dispatch.op
    def sample(z_mean, z_log_var):
        epsilon = random.normal(shape=ops.shape(z_mean), mean=0.0, stddev=1.0, seed=gen)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    out = sample(KerasTensor((None, 2)), KerasTensor((None, 2)))
    assert out.shape == (None, 2) and gen.state.tolist() == [1337, 0]
    value = sample(torch.zeros(3, 2), torch.zeros(3, 2))
    assert value.shape == (3, 2) and gen.state.tolist() == [1337, 1]


def test_dropout_scales_kept_values_and_respects_noise_shape():
    x = torch.ones(4000)
    y = random.dropout(x, 0.25, seed=1)
    assert y.unique().tolist() == pytest.approx([0.0, 1 / 0.75])
    assert abs(float((y == 0).float().mean()) - 0.25) < 0.03
    z = random.dropout(torch.ones(50, 8), 0.5, noise_shape=(None, 1), seed=2)
    assert all(len(set(row.tolist())) == 1 for row in z)  # one draw per row
    assert torch.equal(random.dropout(x, 0.0), x) and not random.dropout(x, 1.0).any()
    assert random.dropout(torch.ones(3, dtype=torch.float16), 0.5, seed=0).dtype == torch.float16


def test_unseeded_dropout_uses_the_global_generator(keras):
    torch.manual_seed(3)
    ours = random.dropout(torch.ones(30), 0.5, seed=random.SeedGenerator())
    torch.manual_seed(3)
    assert torch.equal(ours, keras.random.dropout(torch.ones(30), 0.5))


def test_dropout_on_symbolic_input_keeps_its_shape():
    assert random.dropout(KerasTensor((None, 6)), 0.5, seed=1).shape == (None, 6)


def test_shuffle_permutes_whole_slices_reproducibly():
    x = torch.arange(12).reshape(6, 2)
    y = random.shuffle(x, seed=4)
    assert sorted(y[:, 0].tolist()) == x[:, 0].tolist() and torch.equal(y[:, 1], y[:, 0] + 1)
    assert torch.equal(random.shuffle(x, seed=4), y)
    columns = random.shuffle(x.T, axis=1, seed=4)
    assert torch.equal(columns[1], columns[0] + 1)


def test_distribution_statistics():
    n = 20000
    assert abs(float(random.normal((n,), mean=1.0, stddev=2.0, seed=0).std()) - 2.0) < 0.05
    t = random.truncated_normal((n,), mean=1.0, stddev=0.5, seed=0)
    assert float((t - 1.0).abs().max()) < 1.0
    u = random.randint((n,), 3, 6, seed=0)
    assert sorted(set(u.tolist())) == [3, 4, 5] and u.dtype == torch.int32
    counts = np.bincount(random.categorical(torch.log(torch.tensor([[0.2, 0.8]])), n, seed=0)[0].numpy())
    assert abs(counts[1] / n - 0.8) < 0.02


@pytest.mark.parametrize("call,message", [
    (lambda: random.normal((2,), seed="abc"), r"seed must be an int, a lamina.random.SeedGenerator or None"),
    (lambda: random.SeedGenerator(1.5), r"SeedGenerator: seed must be an int or None"),
    (lambda: random.normal((None, 2)), r"normal: shape must be fully known"),
    (lambda: random.uniform((2,), dtype="int32"), r"uniform: dtype must be a float type"),
    (lambda: random.dropout(torch.ones(2), 1.5), r"dropout: rate must be in \[0, 1\]"),
    (lambda: random.dropout(torch.ones(2, 3), 0.5, noise_shape=(2,)), r"dropout: noise_shape=\(2,\) must have one"),
    (lambda: random.categorical(torch.ones(3), 2), r"categorical: logits must be 2-D"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
