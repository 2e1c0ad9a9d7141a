"""Builders of hostile and broken model files (shared by the safety and fuzz tests)."""
import base64
import io
import json
import marshal
import struct
import zipfile

import numpy as np
import torch
from safetensors.torch import save as st_save

import lamina
from lamina import layers


def tiny_model():
    model = lamina.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu", name="hidden"),
                               layers.Dense(2, name="head")])
    return model


def archive_members(model=None, compiled=True):
    """The members of a genuine lamina .keras archive (``{name: bytes}``)."""
    model = model or tiny_model()
    if compiled and not model.compiled:
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    from lamina.saving.keras_archive import archive_contents
    from lamina.saving.tensor_store import encode_tensors

    config, tensors = archive_contents(model)
    return {
        "metadata.json": json.dumps({"format": "lamina", "format_version": 1}).encode(),
        "config.json": json.dumps(config).encode(),
        "model.weights.safetensors": encode_tensors(tensors),
    }


def zip_bytes(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_config(members, edit):
    """``members`` with config.json replaced by ``edit(config_dict)``."""
    config = json.loads(members["config.json"])
    out = dict(members)
    out["config.json"] = json.dumps(edit(config)).encode()
    return out


def patch_declared_size(data, name, file_size):
    """Rewrite the uncompressed size a zip declares for member ``name`` (local and central headers)."""
    data = bytearray(data)
    encoded = name.encode()
    position = 0
    while True:
        position = data.find(b"PK\x01\x02", position)
        if position < 0:
            break
        name_length = struct.unpack("<H", data[position + 28:position + 30])[0]
        if bytes(data[position + 46:position + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, position + 24, file_size)
            local = struct.unpack("<I", data[position + 42:position + 46])[0]
            struct.pack_into("<I", data, local + 22, file_size)
        position += 4
    return bytes(data)


def marker_code(marker_path):
    """Bytecode of a function that creates ``marker_path`` when called (a planted payload)."""
    source = f"def payload(x):\n    open({str(marker_path)!r}, 'w').write('ran')\n    return x\n"
    namespace = {}
    exec(compile(source, "<payload>", "exec"), namespace)
    return base64.b64encode(marshal.dumps(namespace["payload"].__code__)).decode("ascii")


def lambda_payload_members(marker_path):
    """An archive whose Lambda layer's bytecode would create ``marker_path``."""
    model = lamina.Sequential([layers.Input((3,)), layers.Lambda(lambda t: t), layers.Dense(2)])
    members = archive_members(model, compiled=False)

    def edit(config):
        lam = config["config"]["layers"][1]
        lam["config"]["function"] = {"class_name": "__lambda__",
                                     "config": {"code": marker_code(marker_path), "defaults": None,
                                                "closure": None}}
        return config

    return with_config(members, edit)


class _Payload:
    def __init__(self, marker_path):
        self.marker_path = marker_path

    def __reduce__(self):
        return (open, (str(self.marker_path), "w"))


def pickle_payload(marker_path):
    """Pickle bytes that create ``marker_path`` when unpickled."""
    import pickle

    return pickle.dumps(_Payload(marker_path))


def torch_file_with_payload(marker_path):
    """A ``torch.save`` file whose pickle would create ``marker_path``."""
    buffer = io.BytesIO()
    torch.save({"hidden.kernel": _Payload(marker_path)}, buffer)
    return buffer.getvalue()


def safetensors_bytes(tensors):
    return st_save({k: v.contiguous() for k, v in tensors.items()})


def safetensors_with_header(header, body=b""):
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body
