"""What ``import lamina`` loads, and that everything it leaves for later still resolves.

No timing here (the import-time budget is measured by ``python -m benchmarks``): these tests
check *which* modules a fresh ``import lamina`` brings in, in a separate interpreter, and
that the lazily provided names, submodules and registry entries work on first use.
"""
import json
import subprocess
import sys
import textwrap

import pytest

# Not needed to define, compile and fit a model: `import lamina` must not load these.
HEAVY = [
    "PIL", "matplotlib", "h5py", "safetensors", "tensorboard", "optuna", "sklearn", "pandas", "scipy", "onnx",
    "onnxruntime", "tqdm", "torch._dynamo", "torch.onnx", "urllib.request", "http.client", "tarfile", "zipfile",
    "ssl", "socket", "asyncio", "unittest.mock", "multiprocessing", "csv", "sqlite3",
]
LAZY_LAMINA = [
    "lamina.applications", "lamina.autodiff", "lamina.backend", "lamina.datasets", "lamina.distribute", "lamina.preprocessing",
    "lamina.saving", "lamina.tuner", "lamina.visualization", "lamina.wrappers", "lamina.compat",
    "lamina.examples", "lamina.utils.image_utils", "lamina.utils.file_utils", "lamina.utils.model_visualization",
    "lamina.callbacks.model_checkpoint", "lamina.callbacks.tensorboard", "lamina.layers.rnn",
    "lamina.layers.attention", "lamina.layers.preprocessing", "lamina.layers.augmentation",
]


def run_fresh(code):
    """Run ``code`` in a new interpreter; return what it printed as JSON."""
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_lamina_loads_only_what_a_model_needs():
    loaded = run_fresh("""
        import json, sys
        import torch
        before = set(sys.modules)
        import lamina
        print(json.dumps(sorted(set(sys.modules) - before)))
    """)
    added_by_lamina = set(loaded)
    assert added_by_lamina, "the subprocess did not import lamina"
    heavy = [m for m in HEAVY + LAZY_LAMINA if m in added_by_lamina or any(n.startswith(m + ".") for n in loaded)]
    assert not heavy, f"`import lamina` loads {heavy}; import them on first use (docs/dev.md, 'Import time')"
    outside = sorted(m for m in loaded
                     if m.partition(".")[0] != "lamina" and m.partition(".")[0] not in sys.stdlib_module_names)
    assert not outside, f"`import lamina` loads third-party modules {outside} that `import torch` does not"
    # and the model-building core is there
    for needed in ("lamina.layers.core.dense", "lamina.models.sequential", "lamina.training.trainer",
                   "lamina.optimizers.adam", "lamina.callbacks.history"):
        assert needed in added_by_lamina


def test_lazy_names_resolve_and_are_listed():
    result = run_fresh("""
        import importlib, json, sys
        import lamina
        report = {"dir_lamina": sorted(dir(lamina)), "unresolved": [], "modules": {}}
        packages = ["lamina"] + ["lamina." + name for name in lamina._LAZY_SUBMODULES] + [
            "lamina.layers", "lamina.callbacks"]
        for package_name in packages:
            package = importlib.import_module(package_name)
            names = list(getattr(package, "__all__", [])) + [n for n in dir(package) if not n.startswith("_")]
            for name in names:
                try:
                    getattr(package, name)
                except Exception as error:  # report every failure, not just the first
                    report["unresolved"].append(f"{package_name}.{name}: {error!r}")
        report["modules"] = {m: m in sys.modules for m in ["lamina.applications.vgg16", "lamina.datasets.mnist",
                                                           "lamina.layers.rnn.lstm", "lamina.utils.image_utils"]}
        report["vgg16"] = lamina.applications.VGG16.__module__
        report["lstm"] = lamina.layers.LSTM.__module__
        print(json.dumps(report))
    """)
    assert result["unresolved"] == []
    for name in ("applications", "datasets", "preprocessing", "utils", "saving", "backend", "wrappers", "layers",
                 "Sequential", "Model", "Input", "GradientTape"):
        assert name in result["dir_lamina"]
    assert all(result["modules"].values()), result["modules"]
    assert result["vgg16"] == "lamina.applications.vgg16"
    assert result["lstm"] == "lamina.layers.rnn.lstm"


def test_public_paths_work_on_first_use():
    result = run_fresh("""
        import json
        import lamina
        from lamina.datasets import mnist
        from lamina.preprocessing.image import ImageDataGenerator
        from lamina.layers import *  # noqa: F403  (the lazy layers are exported too)
        model = lamina.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
        print(json.dumps({
            "mnist": mnist.__name__, "generator": ImageDataGenerator.__name__,
            "to_categorical": lamina.utils.to_categorical([0, 2]).tolist(),
            "star": [LSTM.__name__, Rescaling.__name__, TextVectorization.__name__],  # noqa: F405
            "vgg16_output": list(model.output.shape[1:]),
            "callbacks": [lamina.callbacks.ModelCheckpoint.__name__, lamina.callbacks.BackupAndRestore.__name__],
        }))
    """)
    assert result == {
        "mnist": "lamina.datasets.mnist", "generator": "ImageDataGenerator",
        "to_categorical": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "star": ["LSTM", "Rescaling", "TextVectorization"],
        "vgg16_output": [1, 1, 512], "callbacks": ["ModelCheckpoint", "BackupAndRestore"],
    }


def test_keras_aliases_reach_lazy_modules():
    result = run_fresh("""
        import json
        from lamina.compat.importer import install_aliases
        install_aliases()
        from keras.datasets import boston_housing
        from keras.utils import to_categorical
        import keras
        print(json.dumps([boston_housing.__name__, to_categorical.__module__, keras.layers.GRU.__module__,
                          keras.applications.vgg16.__name__]))
    """)
    assert result == ["lamina.datasets.boston_housing", "lamina.utils.numerical_utils", "lamina.layers.rnn.gru",
                      "lamina.applications.vgg16"]


def test_every_class_registered_by_a_lazy_module_is_declared():
    """A class a lazily imported module registers must be findable before that module is imported."""
    result = run_fresh("""
        import importlib, json, pkgutil
        import lamina
        from lamina.core import registry
        eager = set(registry._REGISTRY)
        declared = dict(registry._PROVIDERS)
        skip = ("lamina.examples.", "lamina.__main__")
        failures = []
        for info in pkgutil.walk_packages(lamina.__path__, "lamina."):
            if not info.name.startswith(skip):
                try:
                    importlib.import_module(info.name)
                except ImportError as error:  # an optional dependency missing: its classes are not loadable anyway
                    failures.append(f"{info.name}: {error!r}")
        registered = {name: cls.__module__ for name, cls in registry._REGISTRY.items() if name not in eager}
        print(json.dumps({"undeclared": sorted(set(registered) - set(declared)),
                          "wrong_module": sorted(n for n, m in registered.items() if n in declared and declared[n] != m),
                          "declared_but_not_registered": sorted(set(declared) - set(registry._REGISTRY)),
                          "failures": failures}))
    """)
    assert result == {"undeclared": [], "wrong_module": [], "declared_but_not_registered": [], "failures": []}


def test_saved_model_with_lazy_layers_loads_in_a_fresh_process(tmp_path):
    import lamina

    path = tmp_path / "model.keras"
    model = lamina.Sequential([lamina.Input((4, 3)), lamina.layers.Rescaling(0.5), lamina.layers.LSTM(2),
                               lamina.layers.Dense(1)])
    model.save(path)
    loaded = run_fresh(f"""
        import json, sys
        import lamina
        lazy_before = "lamina.layers.rnn.lstm" in sys.modules
        model = lamina.saving.load_model({str(path)!r})
        print(json.dumps([lazy_before] + [type(layer).__name__ for layer in model.layers] + [model.count_params()]))
    """)
    assert loaded == [False, "Rescaling", "LSTM", "Dense", model.count_params()]


@pytest.mark.parametrize("name", ["lamina.layers", "lamina.utils", "lamina.callbacks", "lamina.applications"])
def test_unknown_attribute_is_an_attribute_error(name):
    import importlib

    module = importlib.import_module(name)
    with pytest.raises(AttributeError, match=f"module '{name}' has no attribute 'no_such_thing'"):
        module.no_such_thing  # noqa: B018
    assert not hasattr(module, "no_such_thing")
