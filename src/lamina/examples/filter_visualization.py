"""Visualising convnet filters (the book's section 5.4.2): the pattern each VGG16 filter responds to.

For the first convolution of each block, gradient ascent on the input finds the image that
maximises each filter's mean activation (:func:`lamina.visualization.plot_filter_patterns`);
the patterns are written as one grid per layer. Lower layers give colours and edges, higher
ones textures. The first figure, one filter of ``block3_conv1``, is also written on its own
(the book's polka dots), with the loop written as user code with ``GradientTape``.

    python -m lamina.examples.filter_visualization                    # writes filters_*.png here
    python -m lamina.examples.filter_visualization --filters 64 --size 64 --steps 40

With ``--weights auto`` (the default) the ImageNet weights are used when they are already
in the cache (``$LAMINA_HOME/models``); with random weights the patterns are noise.

Example (``main(...)`` runs the whole thing; ``tests/examples`` runs a tiny version):
    >>> model = vgg16.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> generate_pattern(model, "block1_conv1", 0, size=32, steps=2).shape
    (32, 32, 3)
"""
import argparse
import os

import numpy as np

import lamina
from lamina import ops
from lamina.applications import vgg16
from lamina.applications._builder import auto_weights
from lamina.visualization import deprocess_image, plot_filter_patterns

LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1")


def generate_pattern(model, layer_name, filter_index, size=150, steps=40, step=1.0, seed=0):
    """The book's loop: gradient ascent on a noisy grey image, the gradient normalised by its RMS."""
    layer_output = model.get_layer(layer_name).output
    feature_model = lamina.Model(model.inputs, layer_output)
    image = lamina.Variable(np.random.RandomState(seed).random_sample((1, size, size, 3)) * 20 + 128.0)
    for _ in range(steps):
        with lamina.GradientTape() as tape:
            loss = ops.mean(feature_model(image)[:, :, :, filter_index])
        grads = tape.gradient(loss, image)
        grads = grads / (ops.sqrt(ops.mean(ops.square(grads))) + 1e-5)
        image.assign_add(grads * step)
    return deprocess_image(image.numpy()[0])


def main(layers=LAYERS, filters=16, size=64, steps=20, weights="auto", output_dir=".", verbose=True):
    """Write ``filters_<layer>.png`` grids and ``filter_block3_conv1_0.png`` into ``output_dir``."""
    log = print if verbose else (lambda message: None)
    weights = auto_weights(weights, vgg16.WEIGHTS, False, "VGG16", log=log)
    model = vgg16.VGG16(weights=weights, include_top=False)
    grids, paths = {}, []
    for layer_name in layers:
        path = os.path.join(output_dir, f"filters_{layer_name}.png")
        grids[layer_name] = plot_filter_patterns(model, layer_name, path, filter_indices=range(filters), size=size,
                                                 margin=5, images_per_row=8, steps=steps, seed=0)
        paths.append(path)
        log(f"{layer_name}: {filters} filters -> {path}")
    single = generate_pattern(model, "block3_conv1", 0, size=size, steps=steps)
    paths.append(os.path.join(output_dir, "filter_block3_conv1_0.png"))
    lamina.utils.save_img(paths[-1], single, scale=False)
    return {"grids": grids, "single": single, "paths": paths, "weights": weights, "model": model}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", nargs="+", default=list(LAYERS))
    parser.add_argument("--filters", type=int, default=16, help="filters per layer (the book: 64)")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20, help="gradient-ascent steps (the book: 40)")
    parser.add_argument("--weights", default="auto", help="'auto', 'imagenet', 'none' or a weights file")
    parser.add_argument("--output-dir", default=".")
    args = parser.parse_args()
    main(layers=tuple(args.layers), filters=args.filters, size=args.size, steps=args.steps,
         weights=None if args.weights == "none" else args.weights, output_dir=args.output_dir)
