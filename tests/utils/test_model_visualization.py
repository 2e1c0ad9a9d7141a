"""plot_model / model_to_dot: the graph extracted (against Keras's own graph), the layout, the files, the errors."""
import re

import numpy as np
import pytest
from PIL import Image

import lamina
from lamina import layers, models
from lamina.utils import plot_model
from lamina.utils.model_visualization import _graph, _layout, model_to_dot

OPTIONS = dict(show_shapes=False, show_dtype=False, show_layer_names=True, expand_nested=False,
               show_layer_activations=False, show_trainable=False)


def named_edges(model, **options):
    boxes, edges = _graph(model, dict(OPTIONS, **options))
    name = {key: box.lines[0].split(" (")[0] for key, box in boxes.items()}
    return {(name[a], name[b]) for a, b in edges}, boxes


def keras_edges(model):
    return {(parent.operation.name, layer.name) for layer in model.layers for node in layer._inbound_nodes
            for parent in node.parent_nodes}


def residual_model():
    inputs = layers.Input((8,), name="x")
    hidden = layers.Dense(8, activation="relu", name="hidden")(inputs)
    return models.Model(inputs, layers.Dense(2, name="out")(layers.Add(name="add")([hidden, inputs])), name="res")


@pytest.mark.parametrize("name, shape", [("ResNet50", (32, 32, 3)), ("InceptionV3", (75, 75, 3))])
def test_graph_edges_match_keras(keras, name, shape):
    keras.backend.clear_session()
    reference = getattr(keras.applications, name)(weights=None, include_top=False, input_shape=shape)
    lamina.core.naming.reset_names()
    model = getattr(lamina.applications, name)(weights=None, include_top=False, input_shape=shape)
    edges, boxes = named_edges(model)
    assert edges == keras_edges(reference)
    assert len(boxes) == len(reference.layers)


def test_labels_show_what_is_asked():
    model = residual_model()
    _, boxes = named_edges(model, show_shapes=True, show_dtype=True, show_layer_activations=True,
                           show_trainable=True)
    labels = {box.lines[0]: box.lines[1:] for box in boxes.values()}
    assert labels["hidden (Dense)"] == ["Activation: relu", "Input shape: (None, 8)", "Output shape: (None, 8)",
                                        "Output dtype: float32", "Trainable"]
    assert labels["add (Add)"][0] == "Input shape: [(None, 8), (None, 8)]"
    assert labels["x (InputLayer)"] == ["Output shape: (None, 8)", "Output dtype: float32"]
    _, boxes = named_edges(model, show_layer_names=False)
    assert sorted(box.lines[0] for box in boxes.values()) == ["Add", "Dense", "Dense", "InputLayer"]


def test_layout_routes_long_edges_through_waypoints_without_collisions():
    edges, boxes = named_edges(residual_model())
    assert edges == {("x", "hidden"), ("x", "add"), ("hidden", "add"), ("add", "out")}
    boxes, edge_list = _graph(residual_model(), OPTIONS)
    rank, place, paths = _layout(boxes, edge_list)
    assert sorted(rank[k] for k in boxes) == [0, 1, 2, 3]
    assert sorted(len(path) for path in paths) == [2, 2, 2, 3]  # x -> add skips a rank: one waypoint
    slots = [(rank[k], place[k]) for k in rank]
    assert len(slots) == len(set(slots))


def test_expand_nested_draws_the_inner_layers(tmp_path):
    base = models.Sequential([layers.Input((6,)), layers.Dense(4, name="inner1"), layers.Dense(3, name="inner2")],
                             name="base")
    inputs = layers.Input((6,), name="pixels")
    model = models.Model(inputs, layers.Dense(1, name="head")(base(inputs)))
    collapsed, _ = named_edges(model)
    assert collapsed == {("pixels", "base"), ("base", "head")}
    expanded, _ = named_edges(model, expand_nested=True)
    inner_input = base.inputs[0].node.operation.name
    assert expanded == {("pixels", inner_input), (inner_input, "inner1"), ("inner1", "inner2"), ("inner2", "head")}
    path = plot_model(model, tmp_path / "nested.png", expand_nested=True, show_shapes=True, dpi=50)
    with Image.open(path) as picture:
        assert picture.format == "PNG"


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".pdf", b"%PDF"), (".svg", b"<?xml"),
                                           (".jpg", b"\xff\xd8")])
def test_image_formats_are_written(tmp_path, suffix, magic):
    path = plot_model(residual_model(), tmp_path / f"model{suffix}", show_shapes=True, dpi=40)
    with open(path, "rb") as handle:
        assert handle.read(len(magic)) == magic


def test_dot_source_lists_every_layer_and_edge(tmp_path):
    path = plot_model(residual_model(), tmp_path / "model.dot", rankdir="LR", show_shapes=True)
    text = open(path).read()
    assert text.startswith("digraph G {") and "rankdir=LR;" in text
    assert len(re.findall(r"->", text)) == 4
    assert '"hidden (Dense) | Input shape: (None, 8) | Output shape: (None, 8)"' in text


def test_the_picture_grows_with_the_graph(tmp_path):
    small = plot_model(residual_model(), tmp_path / "small.png", dpi=50)
    deep = models.Sequential([layers.Input((4,))] + [layers.Dense(4) for _ in range(8)])
    tall = plot_model(deep, tmp_path / "tall.png", dpi=50)
    with Image.open(small) as a, Image.open(tall) as b:
        assert b.size[1] > 2 * a.size[1]
        assert np.asarray(b.convert("L")).min() < 128  # something was drawn


def test_plot_model_errors(tmp_path):
    unbuilt = models.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="plot_model: model 'sequential' is not built yet"):
        plot_model(unbuilt, tmp_path / "m.png")
    with pytest.raises(ValueError, match=r"plot_model: cannot write '.gif' files; use one of \('png'"):
        plot_model(residual_model(), tmp_path / "m.gif")
    with pytest.raises(ValueError, match=r"plot_model: rankdir must be one of \('TB', 'LR'\); received rankdir='BT'"):
        plot_model(residual_model(), tmp_path / "m.png", rankdir="BT")
    with pytest.raises(TypeError, match=r"plot_model: unexpected keyword arguments \['colour'\]"):
        plot_model(residual_model(), tmp_path / "m.png", colour="red")
    assert not list(tmp_path.iterdir())


def test_model_to_dot_needs_pydot():
    try:
        import pydot  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"needs pydot \(`pip install pydot`"):
            model_to_dot(residual_model())
    else:
        dot = model_to_dot(residual_model())
        assert len(dot.get_edges()) == 4
