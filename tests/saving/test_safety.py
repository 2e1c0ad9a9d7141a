"""Hostile and broken files raise LoadError naming the problem; nothing in a file runs in safe mode."""
import json
import os
import resource
import zipfile

import h5py
import numpy as np
import pytest
import torch

import lamina
from lamina.saving import LoadError, limits, load_model
from lamina.saving.tensor_store import model_state

from hostile_files import (archive_members, lambda_payload_members, patch_declared_size, pickle_payload,
                           safetensors_bytes, safetensors_with_header, tiny_model, torch_file_with_payload,
                           with_config, zip_bytes)


def _write(tmp_path, data, name="model.keras"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _load(tmp_path, data, **kwargs):
    return load_model(_write(tmp_path, data), **kwargs)


@pytest.fixture
def members():
    return archive_members()


def test_genuine_archive_loads(tmp_path, members):
    model = _load(tmp_path, zip_bytes(members))
    assert [l.name for l in model.layers] == ["hidden", "head"]


@pytest.mark.parametrize("cut", [0, 10, 100, 0.5, 0.9, -1])
def test_truncated_archive(tmp_path, members, cut):
    data = zip_bytes(members)
    size = int(len(data) * cut) if isinstance(cut, float) else (len(data) + cut if cut < 0 else cut)
    with pytest.raises(LoadError, match="zip archive|truncated|damaged|no member|not a model file"):
        _load(tmp_path, data[:size])


def test_zip_bomb_by_ratio_and_by_total(tmp_path, members, monkeypatch):
    data = zip_bytes({**members, "config.json": members["config.json"] + b" " * 4000}, zipfile.ZIP_DEFLATED)
    bomb = patch_declared_size(data, "config.json", 3 << 30)
    with pytest.raises(LoadError, match="zip bomb"):
        _load(tmp_path, bomb)
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(LoadError, match="would expand to .* bytes, more than the limit"):
        _load(tmp_path, zip_bytes(members))


def test_stored_member_lying_about_its_size(tmp_path, members):
    data = patch_declared_size(zip_bytes(members), "config.json", 10**6)
    with pytest.raises(LoadError, match="stored uncompressed but claims"):
        _load(tmp_path, data)


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "assets/../../x", "a\\b.json", "dir/config.json"])
def test_path_traversal_member_names(tmp_path, members, name):
    with pytest.raises(LoadError, match="member names must be plain file names"):
        _load(tmp_path, zip_bytes({**members, name: b"x"}))
    assert not (tmp_path.parent / "evil.json").exists()


@pytest.mark.parametrize("class_name", ["os.system", "subprocess.Popen", "builtins.eval", "Adam", "NoSuchLayer"])
def test_unknown_or_non_layer_classes(tmp_path, members, class_name):
    def edit(config):
        config["config"]["layers"][1]["class_name"] = class_name
        config["config"]["layers"][1]["module"] = "os"
        return config

    with pytest.raises(LoadError, match=f"(unknown layer class '{class_name}'|'{class_name}' names .* not a layer)"):
        _load(tmp_path, zip_bytes(with_config(members, edit)))


@pytest.mark.parametrize("function", ["os.system", "builtins.eval", "torch.load", "numpy.load", "subprocess.call"])
def test_functions_outside_the_table_are_refused(tmp_path, function):
    model = lamina.Sequential([lamina.layers.Input((3,)), lamina.layers.Lambda(torch.tanh)])
    members = archive_members(model, compiled=False)

    def edit(config):
        config["config"]["layers"][1]["config"]["function"] = {"class_name": "function", "config": function}
        return config

    with pytest.raises(LoadError, match=f"unknown function '{function}'"):
        _load(tmp_path, zip_bytes(with_config(members, edit)))


def test_lambda_bytecode_never_runs_in_safe_mode(tmp_path):
    marker = tmp_path / "lambda_ran"
    data = zip_bytes(lambda_payload_members(marker))
    with pytest.raises(LoadError, match="safe_mode=False"):
        _load(tmp_path, data)
    assert not marker.exists()
    model = _load(tmp_path, data, safe_mode=False)  # the explicit opt-in runs it (when the layer is called)
    model.predict(np.ones((1, 3), "float32"), verbose=0)
    assert marker.exists()


def test_pickles_never_run(tmp_path, members):
    marker = tmp_path / "pickle_ran"
    for data in (zip_bytes({**members, "model.weights.safetensors": pickle_payload(marker)}),
                 zip_bytes({**members, "config.json": pickle_payload(marker)}),
                 pickle_payload(marker)):
        with pytest.raises(LoadError):
            _load(tmp_path, data)
    path = _write(tmp_path, torch_file_with_payload(marker), "w.pt")
    with pytest.raises(LoadError, match="safely"):
        tiny_model().load_weights(path)
    assert not marker.exists()


def test_shape_bomb_in_the_config_is_refused_before_allocating(tmp_path, members):
    def edit(config):
        config["config"]["layers"][1]["config"]["units"] = 10**9
        return config

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LoadError, match="create weight 'kernel' of shape \\(3, 1000000000\\).*does not match"):
        _load(tmp_path, zip_bytes(with_config(members, edit)))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB


def test_shape_bomb_in_inputs_and_in_tensor_headers(tmp_path, members):
    def edit(config):
        config["config"]["layers"][0]["config"]["batch_shape"] = [None, 10**6, 10**6]
        return config

    with pytest.raises(LoadError, match="beyond the limit"):
        _load(tmp_path, zip_bytes(with_config(members, edit)))
    header = {"model/0.kernel": {"dtype": "F32", "shape": [10**6, 10**6], "data_offsets": [0, 16]}}
    with pytest.raises(LoadError, match="do not fit"):
        _load(tmp_path, zip_bytes({**members, "model.weights.safetensors": safetensors_with_header(header,
                                                                                                     b"\0" * 16)}))


def test_wrong_dtypes_and_mismatched_weights(tmp_path, members):
    state = {f"model/{k}": v.detach() for k, v in model_state(tiny_model()).items()}
    as_double = {k: v.double() for k, v in state.items()}
    with pytest.raises(LoadError, match="stored as float64 but the model's is float32"):
        _load(tmp_path, zip_bytes({**members, "model.weights.safetensors": safetensors_bytes(as_double)}))
    wrong_shape = dict(state)
    wrong_shape["model/0.kernel"] = torch.zeros(5, 4)
    with pytest.raises(LoadError, match="'0.kernel' has shape \\(5, 4\\) in the file but \\(3, 4\\)"):
        _load(tmp_path, zip_bytes({**members, "model.weights.safetensors": safetensors_bytes(wrong_shape)}))
    missing = {k: v for k, v in state.items() if k != "model/1.bias"}
    with pytest.raises(LoadError, match="'1.bias' is missing from the file"):
        _load(tmp_path, zip_bytes({**members, "model.weights.safetensors": safetensors_bytes(missing)}))
    extra = {**state, "model/9.kernel": torch.zeros(2)}
    with pytest.raises(LoadError, match="tensors the model lacks: \\['9.kernel'\\]"):
        _load(tmp_path, zip_bytes({**members, "model.weights.safetensors": safetensors_bytes(extra)}))
    strings = {"model/0.kernel": {"dtype": "STR", "shape": [1], "data_offsets": [0, 1]}}
    with pytest.raises(LoadError, match="unsupported dtype 'STR'"):
        _load(tmp_path, zip_bytes({**members, "model.weights.safetensors": safetensors_with_header(strings, b"x")}))


def test_deeply_nested_and_malformed_json(tmp_path, members):
    for config, pattern in [(b"[" * 100000 + b"]" * 100000, "nested deeper"), (b"{not json", "not valid JSON"),
                            (b"[1, 2]", "expected a JSON dict"), (b"\xff\xfe", "not UTF-8"),
                            (json.dumps({"class_name": "Sequential", "config": 5}).encode(), "Sequential config")]:
        with pytest.raises(LoadError, match=pattern):
            _load(tmp_path, zip_bytes({**members, "config.json": config}))


def test_not_model_files(tmp_path):
    for data, pattern in [(b"", "not a model file"), (os.urandom(64), "not a model file"),
                          (b"PK\x03\x04garbage", "zip archive")]:
        with pytest.raises(LoadError, match=pattern):
            _load(tmp_path, data)
    with pytest.raises(LoadError, match="is a directory"):
        load_model(tmp_path)


def test_hdf5_links_and_external_data_are_not_followed(tmp_path):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.arange(8, dtype="float32").tobytes())
    model = tiny_model()
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "a") as f:
        group = f["model_weights/hidden"]
        name = [n for n in group.attrs["weight_names"]][1].decode()
        del group[name]
        group[name] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/x")
    with pytest.raises(LoadError, match="ExternalLink.*follows no links"):
        load_model(tmp_path / "m.h5")
    model.save(tmp_path / "m2.h5")
    with h5py.File(tmp_path / "m2.h5", "a") as f:
        group = f["model_weights/hidden"]
        name = [n for n in group.attrs["weight_names"]][1].decode()
        del group[name]
        group.create_dataset(name, shape=(4,), dtype="float32", external=[(str(secret), 0, 16)])
    with pytest.raises(LoadError, match="keeps its data in other files"):
        load_model(tmp_path / "m2.h5")


def test_failed_weight_load_leaves_the_model_untouched(tmp_path):
    source = tiny_model()
    source.save_weights(tmp_path / "w.h5")
    target = lamina.Sequential([lamina.layers.Input((3,)), lamina.layers.Dense(4, name="hidden"),
                                lamina.layers.Dense(5, name="head")])
    before = [w.copy() for w in target.get_weights()]
    with pytest.raises(LoadError, match="layer 'head'.*shape"):
        target.load_weights(tmp_path / "w.h5")
    for a, b in zip(before, target.get_weights()):
        np.testing.assert_array_equal(a, b)
