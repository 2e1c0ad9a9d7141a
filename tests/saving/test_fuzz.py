"""Fuzzing load_model with mutated and hostile archives: only LoadError escapes, memory stays bounded,
and the payloads planted in the corpus (bytecode, pickles, os.system, modules outside the registry) never run.

The default suite runs 1,800 archives; ``pytest -m slow`` runs 10,400 more.
"""
import copy
import json
import os
import resource
import struct
import tempfile
import warnings
import zipfile

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lamina
from lamina import layers
from lamina.saving import LoadError, load_model

from hostile_files import (archive_members, lambda_payload_members, marker_code, pickle_payload,
                           safetensors_with_header, zip_bytes)

WORKDIR = tempfile.mkdtemp(prefix="lamina_fuzz_")
MARKER = os.path.join(WORKDIR, "payload_ran")
MAX_RSS_GROWTH_KIB = 400_000  # high-water mark growth allowed over a whole batch of archives


def _functional_members():
    a = layers.Input((4,), name="a")
    shared = layers.Dense(4, name="shared")
    h = shared(a)
    out = layers.Dense(2)(torch.tanh(shared(h))[:, :3] * 2.0 + 1.0)
    model = lamina.Model(a, [out, layers.LSTM(2)(layers.Reshape((2, 2))(h))])
    return archive_members(model, compiled=False)


def _corpus():
    base = archive_members()
    planted = []
    planted.append(lambda_payload_members(MARKER))
    planted.append({**base, "model.weights.safetensors": pickle_payload(MARKER)})
    planted.append({**base, "config.json": pickle_payload(MARKER)})
    config = json.loads(base["config.json"])
    evil = copy.deepcopy(config)
    evil["config"]["layers"][1].update({"module": "os", "class_name": "system", "registered_name": "os>system"})
    planted.append({**base, "config.json": json.dumps(evil).encode()})
    evil = copy.deepcopy(config)
    evil["config"]["layers"][1] = {"class_name": "Lambda", "config": {"name": "l", "function": {
        "class_name": "function", "config": "os.system"}, "arguments": {"command": f"touch {MARKER}"}}}
    planted.append({**base, "config.json": json.dumps(evil).encode()})
    functional = _functional_members()
    evil = json.loads(functional["config.json"])
    for entry in evil["config"]["layers"]:
        if entry["class_name"] == "__operation__":
            entry["config"]["function"] = {"class_name": "__lambda__", "config": {
                "code": marker_code(MARKER), "defaults": None, "closure": None}}
    planted.append({**functional, "config.json": json.dumps(evil).encode()})
    return [base, functional] + planted


CORPUS = _corpus()
ARCHIVES = [zip_bytes(members) for members in CORPUS]
NAMES = ["config.json", "metadata.json", "model.weights.safetensors", "model.weights.h5", "../x.json",
         "/etc/passwd", "assets/a.txt", "extra.bin"]
CLASS_NAMES = ["Dense", "Sequential", "Functional", "Model", "Lambda", "InputLayer", "LSTM", "__operation__",
               "__keras_tensor__", "__lambda__", "__tensor__", "__slice__", "__tuple__", "os.system", "eval",
               "subprocess.Popen", "TorchModuleWrapper", "Adam", "function", "Layer", "Bidirectional"]
FUNCTIONS = ["operator.add", "torch.tanh", "os.system", "builtins.exec", "torch.load", "ops.mean", "numpy.load"]

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-2**40, 2**40), st.sampled_from([0, 1, -1, 2**31, 10**9, 10**15]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(CLASS_NAMES + FUNCTIONS),
    st.text(max_size=12))
json_value = st.recursive(json_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(
        ["class_name", "config", "name", "units", "inbound_nodes", "args", "kwargs", "keras_history", "shape",
         "batch_shape", "function", "module", "registered_name", "layers", "value", "code"]), children,
        max_size=4)), max_leaves=12)


def _check(data):
    """load_model on ``data``: returns normally or raises LoadError; anything else fails the test."""
    path = os.path.join(WORKDIR, "fuzz.keras")
    with open(path, "wb") as handle:
        handle.write(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mutated graphs may make torch warn while shapes are inferred
            load_model(path)
    except LoadError:
        pass


def _rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.fixture(scope="module", autouse=True)
def _no_payload_ran():
    before = _rss()
    yield
    assert not os.path.exists(MARKER), "a payload planted in a fuzzed archive ran"
    assert _rss() - before < MAX_RSS_GROWTH_KIB


# -- strategies ---------------------------------------------------------------------------------

@st.composite
def byte_mutations(draw):
    data = bytearray(draw(st.sampled_from(ARCHIVES)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + (draw(st.binary(max_size=16)) if draw(st.booleans()) else b"")
    return bytes(data)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _set(root, path, value):
    node = root
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(root, path):
    node = root
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


@st.composite
def config_mutations(draw):
    members = dict(draw(st.sampled_from(CORPUS)))
    try:
        config = json.loads(members["config.json"])
    except (ValueError, UnicodeDecodeError):
        config = {}
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(config) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "delete", "copy"]))
        if action == "replace":
            _set(config, path, draw(json_value))
        elif action == "delete":
            _delete(config, path)
        else:
            source = draw(st.sampled_from(paths))
            node = config
            for key in source:
                node = node[key]
            _set(config, path, copy.deepcopy(node))
    members["config.json"] = json.dumps(config).encode()
    return zip_bytes(members)


@st.composite
def weight_mutations(draw):
    members = dict(draw(st.sampled_from(CORPUS[:2])))
    data = members["model.weights.safetensors"]
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    names = [n for n in header if n != "__metadata__"]
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        field = draw(st.sampled_from(["dtype", "shape", "data_offsets", "drop", "rename"]))
        if field == "dtype":
            header[name]["dtype"] = draw(st.sampled_from(["F64", "F16", "I64", "I8", "BOOL", "STR", "U64", "F8"]))
        elif field == "shape":
            header[name]["shape"] = draw(st.lists(st.integers(-3, 10**7), max_size=4))
        elif field == "data_offsets":
            header[name]["data_offsets"] = draw(st.lists(st.integers(-10, 10**9), min_size=1, max_size=3))
        elif field == "drop":
            header.pop(name)
            names.remove(name)
            if not names:
                break
        else:
            header[draw(st.text(max_size=10))] = header.pop(name)
            names = [n for n in header if n != "__metadata__"]
    if draw(st.booleans()):
        body = body[:draw(st.integers(0, len(body)))]
    members["model.weights.safetensors"] = safetensors_with_header(header, body)
    return zip_bytes(members)


@st.composite
def member_mutations(draw):
    members = dict(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["drop", "rename", "add", "swap"]))
        names = list(members)
        if action == "drop" and names:
            members.pop(draw(st.sampled_from(names)))
        elif action == "rename" and names:
            members[draw(st.sampled_from(NAMES))] = members.pop(draw(st.sampled_from(names)))
        elif action == "add":
            members[draw(st.sampled_from(NAMES))] = draw(st.binary(max_size=64))
        elif action == "swap" and len(names) > 1:
            a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
            members[a], members[b] = members[b], members[a]
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    return zip_bytes(members, compression)


def _fuzz(strategy, examples):
    @settings(max_examples=examples, deadline=5000, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(data):
        _check(data)

    run()


# default suite: 1,800 archives
def test_corpus_behaves():
    for data, members in zip(ARCHIVES, CORPUS):
        _check(data)
    assert isinstance(load_model(_write(ARCHIVES[0])), lamina.Sequential)


def _write(data):
    path = os.path.join(WORKDIR, "corpus.keras")
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def test_fuzz_bytes():
    _fuzz(byte_mutations(), 600)


def test_fuzz_configs():
    _fuzz(config_mutations(), 600)


def test_fuzz_weights():
    _fuzz(weight_mutations(), 300)


def test_fuzz_members():
    _fuzz(member_mutations(), 300)


# -m slow: 10,400 more
@pytest.mark.slow
@pytest.mark.parametrize("strategy,examples", [(byte_mutations, 3500), (config_mutations, 3500),
                                               (weight_mutations, 1700), (member_mutations, 1700)],
                         ids=["bytes", "configs", "weights", "members"])
def test_fuzz_many(strategy, examples):
    _fuzz(strategy(), examples)
