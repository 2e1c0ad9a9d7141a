"""``lamina run``: aliases, sys.argv, exit codes, TensorFlow tensor behaviour and the errors for unsupported names."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import lamina
from lamina.cli import main
from lamina.compat import run_script, tensor_methods
from lamina.compat.importer import target_for


def _script(tmp_path, body, name="prog.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return str(path)


def test_imports_resolve_to_lamina_and_argv_is_the_script_s(tmp_path, capsys):
    path = _script(tmp_path, """
        import sys
        import keras
        import tensorflow as tf
        from keras import backend as K, layers
        from tensorflow.keras import models
        from tensorflow import keras as tf_keras
        import lamina
        assert keras is lamina and tf.keras is lamina and tf_keras is lamina
        assert K is lamina.backend and layers is lamina.layers and models is lamina.models
        assert tf.__name__ == "lamina.compat.tensorflow"
        print("argv", sys.argv[1:], sys.argv[0].endswith("prog.py"), __name__)
    """)
    assert run_script(path, ["--epochs", "3"]) == 0
    assert capsys.readouterr().out == "argv ['--epochs', '3'] True __main__\n"
    assert sys.modules.get("keras") is not lamina and "tensorflow" not in sys.modules  # aliases removed afterwards


def test_exit_codes(tmp_path, capsys):
    assert run_script(_script(tmp_path, "import sys\nsys.exit(3)\n"), []) == 3
    assert run_script(_script(tmp_path, "import sys\nsys.exit()\n"), []) == 0
    assert run_script(_script(tmp_path, "import sys\nsys.exit('bad input')\n"), []) == 1
    assert capsys.readouterr().err == "bad input\n"
    assert main(["run", _script(tmp_path, "import sys\nsys.exit(int(sys.argv[1]))\n"), "7"]) == 7
    with pytest.raises(KeyError):
        run_script(_script(tmp_path, "raise KeyError('boom')\n"), [])
    with pytest.raises(FileNotFoundError, match="lamina run: no such script"):
        run_script(str(tmp_path / "missing.py"), [])


def test_tensorflow_tensor_behaviour_inside_and_torch_s_outside(tmp_path, capsys):
    path = _script(tmp_path, """
        import numpy as np
        import tensorflow as tf
        x = np.ones((2, 3), dtype="float32")
        w = tf.Variable(np.full((3, 1), 2.0, dtype="float32"))
        target = np.zeros((2, 1), dtype="float32")
        with tf.GradientTape() as tape:
            out = x @ w                          # NumPy on the left of @
            loss = tf.reduce_sum(tf.square(out - target))
            total = 1.0 - (target - out)         # NumPy on the left of -, Python numbers too
        grad = tape.gradient(loss, w)
        print(out.numpy().ravel().tolist(), np.asarray(out).shape, grad.numpy().ravel().tolist())
        print((target < out).numpy().ravel().tolist(), total.requires_grad)
    """)
    assert run_script(path, []) == 0
    assert capsys.readouterr().out == "[6.0, 6.0] (2, 1) [24.0, 24.0, 24.0]\n[True, True] True\n"
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        (w * 2).numpy()  # torch's own behaviour is back
    with pytest.raises(TypeError):
        np.ones(2) * w


def test_tensor_methods_install_is_reversible():
    originals = {name: getattr(torch.Tensor, name) for name in ("numpy", "__rsub__", "__eq__", "__radd__")}
    tensor_methods.install()
    try:
        t = torch.tensor([1.0, 2.0], requires_grad=True)
        assert (np.array([3.0, 3.0]) - t).tolist() == [2.0, 1.0]
        assert (np.array([1.0, 0.0]) == t.detach()).tolist() == [True, False]
        assert (np.array([1, 2]) + torch.tensor([1, 1])).dtype == torch.int64
        assert (np.array([0.5]) * torch.tensor([2.0], dtype=torch.float16)).dtype == torch.float16
    finally:
        tensor_methods.uninstall()
    assert {name: getattr(torch.Tensor, name) for name in originals} == originals


def test_unsupported_names_are_named(tmp_path):
    with pytest.raises(AttributeError, match="tf.placeholder is not part of lamina's TensorFlow subset"):
        run_script(_script(tmp_path, "import tensorflow as tf\ntf.placeholder(tf.float32)\n"), [])
    with pytest.raises(ImportError) as error:
        run_script(_script(tmp_path, "from tensorflow import Session\n"), [])
    assert "tensorflow.Session is not part of lamina's TensorFlow subset" in "".join(error.value.__notes__)
    with pytest.raises(ImportError) as error:
        run_script(_script(tmp_path, "from keras.layers import NoSuchLayer\n"), [])
    assert "keras.layers.NoSuchLayer is not part of lamina's Keras API" in "".join(error.value.__notes__)
    with pytest.raises(ModuleNotFoundError, match="No module named 'keras.no_such_module': lamina has no equivalent"):
        run_script(_script(tmp_path, "import keras.no_such_module\n"), [])
    with pytest.raises(ModuleNotFoundError, match="No module named 'tensorflow.compat'"):
        run_script(_script(tmp_path, "import tensorflow.compat.v1\n"), [])


def test_a_real_keras_imported_before_is_set_aside_and_restored(keras, tmp_path, capsys):
    assert run_script(_script(tmp_path, "import keras\nprint(keras.__name__)\n"), []) == 0
    assert capsys.readouterr().out == "lamina\n"
    assert sys.modules["keras"] is keras and keras.backend.backend() == "torch"


def test_module_targets():
    assert target_for("tensorflow") == "lamina.compat.tensorflow"
    assert target_for("tensorflow.nn") == "lamina.compat.tensorflow.nn"
    assert target_for("tensorflow.keras.backend") == "lamina.backend"
    assert target_for("keras.backend") == "lamina.backend"
    assert target_for("tf_keras.layers") == "lamina.layers"
    assert target_for("tensorboard") is None


def test_submodules_of_tensorflow_import(tmp_path, capsys):
    path = _script(tmp_path, """
        import tensorflow.nn
        from tensorflow import math as tfm, random
        from tensorflow.keras import backend as K
        print(tensorflow.nn.relu is not None, tfm.reduce_sum([1, 2]).item(), K.floatx())
    """)
    assert run_script(path, []) == 0
    assert capsys.readouterr().out == "True 3 float32\n"


@pytest.mark.slow
def test_command_line_exit_code_and_error_output(tmp_path):
    path = _script(tmp_path, "import tensorflow as tf\nprint('started', flush=True)\ntf.Session()\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run([sys.executable, "-m", "lamina", "run", path], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 1 and result.stdout == "started\n"
    assert "AttributeError: tf.Session is not part of lamina's TensorFlow subset" in result.stderr
    ok = subprocess.run([sys.executable, "-m", "lamina", "run", _script(tmp_path, "import keras\n", "ok.py")],
                        capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert lamina.__version__
