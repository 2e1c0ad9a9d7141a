"""model.summary() has Keras's rows, output shapes and parameter counts."""
import re

import lamina
from lamina import layers


def _rows(lines):
    """(name, type, shape, params) per table row; wrapped cells are joined back together."""
    rows, current = [], None
    for line in lines:
        if re.match(r"^\s*[├└┡┏+]", line):  # a border closes the current row
            if current is not None:
                rows.append(current)
            current = None
            continue
        cells = [c.strip() for c in re.split(r"[│|]", line)[1:-1]]
        if len(cells) < 3:
            continue
        current = cells if current is None else [f"{a} {b}".strip() for a, b in zip(current, cells)]
    parsed = []
    for cells in rows:
        match = re.match(r"(\S+) \((\w+)\)", cells[0])
        if match:
            parsed.append((match.group(1), match.group(2), cells[1].replace(" ", ""), cells[2]))
    return parsed


def _totals(lines):
    return [l.strip() for l in lines if "params:" in l]


def _summaries(ours, theirs):
    ours_lines, theirs_lines = [], []
    ours.summary(print_fn=ours_lines.append)
    theirs.summary(print_fn=lambda line, *a, **k: theirs_lines.extend(line.split("\n")))
    return ours_lines, theirs_lines


def _compare(ours, theirs):
    ours_lines, theirs_lines = _summaries(ours, theirs)
    assert len(_rows(ours_lines)) == len(ours.layers) > 0
    assert _rows(ours_lines) == _rows(theirs_lines)
    assert _totals(ours_lines) == _totals(theirs_lines)[:3]


def test_mnist_mlp_summary_matches_keras(keras):
    def build(L, S):
        return S([L.Dense(512, activation="relu", input_shape=(784,)), L.Dropout(0.3),
                  L.Dense(10, activation="softmax")])

    _compare(build(layers, lamina.Sequential), build(keras.layers, keras.Sequential))


def test_residual_block_summary_matches_keras(keras):
    def build(L, Input, Model):
        x = Input((16,), name="x")
        y = L.Dense(16, activation="relu", name="f1")(x)
        y = L.Dense(16, name="f2")(y)
        out = L.add([y, x], name="residual")
        return Model(x, L.Activation("relu", name="act")(out), name="block")

    _compare(build(layers, lamina.Input, lamina.Model), build(keras.layers, keras.Input, keras.Model))


def test_shared_two_input_summary_matches_keras(keras):
    def build(L, Input, Model):
        a, b = Input((32,), name="a"), Input((32,), name="b")
        shared = L.Dense(16, name="shared")
        merged = L.concatenate([shared(a), shared(b)], name="merged")
        return Model([a, b], L.Dense(1, name="out")(merged), name="siamese")

    ours_lines, theirs_lines = _summaries(build(layers, lamina.Input, lamina.Model),
                                          build(keras.layers, keras.Input, keras.Model))
    assert len(_rows(ours_lines)) == 5 and _rows(ours_lines) == _rows(theirs_lines)
    assert _totals(ours_lines) == _totals(theirs_lines)[:3]
    assert any("a[0][0], b[0][0]" in line for line in ours_lines)
