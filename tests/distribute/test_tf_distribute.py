"""Under ``lamina run``, a TensorFlow program's ``tf.distribute.MirroredStrategy`` is lamina's DataParallel."""
import textwrap

from lamina import distribute
from lamina.compat import run_script

PROGRAM = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras

    strategy = tf.distribute.MirroredStrategy()
    assert type(strategy).__module__.startswith("lamina.distribute"), type(strategy)
    with strategy.scope():
        model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    history = model.fit(rng.normal(size=(64, 3)), rng.normal(size=(64, 1)), batch_size=16, epochs=2, verbose=0)
    out = os.path.join(sys.argv[1], f"rank{strategy.rank}.json")
    with open(out, "w") as f:
        json.dump({"replicas": strategy.num_replicas_in_sync, "loss": history.history["loss"],
                   "kernel": model.get_weights()[0].tolist()}, f)
""")


def test_mirrored_strategy_of_a_tensorflow_program_trains_on_two_processes(tmp_path):
    import json

    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    assert distribute.launch(run_script, nprocs=2, args=(str(script), [str(tmp_path)]), timeout=120) == [0, 0]
    rank0, rank1 = (json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2))
    assert rank0["replicas"] == rank1["replicas"] == 2
    assert rank0["loss"] == rank1["loss"] and rank0["kernel"] == rank1["kernel"]


def test_mirrored_strategy_in_one_process_is_one_replica(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(PROGRAM)
    assert run_script(str(script), [str(tmp_path)]) == 0
    assert '"replicas": 1' in (tmp_path / "rank0.json").read_text()
