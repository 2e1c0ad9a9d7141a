"""DeepDream (the book's section 8.2): gradient ascent on an image to amplify what InceptionV3 sees.

The loss is a weighted sum of the L2 norms of several layers' activations (``mixed2``-
``mixed5``, borders excluded); the image moves along the gradient of that loss, normalised
by its mean absolute value. This runs at successive scales (octaves), from small to the
full size; after each octave the image is enlarged and the detail lost by shrinking is put
back. Everything is written as user code: ``GradientTape`` on a lamina model.

    python -m lamina.examples.deep_dream                        # a generated picture, dream.png
    python -m lamina.examples.deep_dream --image photo.jpg --iterations 20 --output dream.png

With ``--weights auto`` (the default) the ImageNet weights are used when they are already
in the cache (``$LAMINA_HOME/models``); otherwise the network has random weights, the
program says so, and the result is only noise-like texture.

Example (``main(...)`` runs the whole thing; ``tests/examples`` runs a tiny version):
    >>> picture = synthetic_image(64, 48)
    >>> picture.shape, picture.dtype
    ((64, 48, 3), dtype('uint8'))
    >>> deprocess(inception_v3.preprocess_input(picture.astype("float32"))).tolist() == picture.tolist()
    True
"""
import argparse

import numpy as np

import lamina
from lamina import ops
from lamina.applications import inception_v3
from lamina.applications._builder import auto_weights

LAYER_SETTINGS = {"mixed2": 0.2, "mixed3": 3.0, "mixed4": 2.0, "mixed5": 1.5}  # the book's choice


def synthetic_image(height, width, seed=0):
    """A colourful test picture (soft gradients, discs and stripes), uint8 ``(height, width, 3)``."""
    rng = np.random.RandomState(seed)
    rows, cols = np.mgrid[0:height, 0:width] / max(height, width)
    image = np.stack([0.5 + 0.5 * np.sin(6 * rows + 1), 0.5 + 0.5 * np.cos(5 * cols), rows * cols], axis=-1)
    for _ in range(6):
        cy, cx, radius = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.2)
        image[(rows - cy) ** 2 + (cols - cx) ** 2 < radius ** 2] = rng.uniform(0, 1, 3)
    image[:, (np.arange(width) // 6) % 5 == 0] *= 0.6
    return np.uint8(255 * np.clip(image, 0, 1))


def deprocess(x):
    """Undo InceptionV3's preprocessing: [-1, 1] back to uint8 0-255."""
    return np.uint8(np.clip(np.round((np.asarray(x) + 1.0) * 127.5), 0, 255))


def build_feature_model(weights, layer_settings):
    """InceptionV3's convolutional base, returning the activations of the dream layers."""
    model = inception_v3.InceptionV3(weights=weights, include_top=False)
    outputs = [model.get_layer(name).output for name in layer_settings]
    return lamina.Model(model.inputs, outputs)


def compute_loss(feature_model, image, layer_settings):
    """Sum over layers of ``coefficient * sum(activation ** 2) / activation.size`` (borders excluded)."""
    loss = 0.0
    for coefficient, activation in zip(layer_settings.values(), feature_model(image)):
        scaling = float(np.prod(activation.shape))
        loss = loss + coefficient * ops.sum(ops.square(activation[:, 2:-2, 2:-2, :])) / scaling
    return loss


def gradient_ascent_loop(feature_model, image, layer_settings, iterations, step, max_loss=None):
    """``iterations`` steps of normalised gradient ascent; stops early once the loss exceeds ``max_loss``."""
    image = lamina.Variable(image)
    losses = []
    for _ in range(iterations):
        with lamina.GradientTape() as tape:
            loss = compute_loss(feature_model, image, layer_settings)
        grads = tape.gradient(loss, image)
        grads = grads / ops.maximum(ops.mean(ops.abs(grads)), 1e-7)
        value = float(ops.convert_to_numpy(loss))
        losses.append(value)
        if max_loss is not None and value > max_loss:
            break
        image.assign_add(step * grads)
    return ops.convert_to_numpy(image), losses


def dream(original, feature_model, layer_settings=LAYER_SETTINGS, step=0.01, num_octave=3, octave_scale=1.4,
          iterations=20, max_loss=15.0, verbose=True):
    """Run DeepDream on one preprocessed image ``(1, h, w, 3)``; returns the dreamed image and the losses."""
    original_shape = original.shape[1:3]
    shapes = [tuple(int(d / octave_scale ** i) for d in original_shape) for i in range(num_octave)][::-1]
    resize = ops.image.resize
    shrunk_original = ops.convert_to_numpy(resize(original, shapes[0]))
    image = original
    all_losses = []
    for number, shape in enumerate(shapes):
        image = ops.convert_to_numpy(resize(image, shape))
        image, losses = gradient_ascent_loop(feature_model, image, layer_settings, iterations, step, max_loss)
        upscaled_shrunk = resize(shrunk_original, shape)
        same_size_original = resize(original, shape)
        image = image + ops.convert_to_numpy(same_size_original - upscaled_shrunk)  # re-inject lost detail
        shrunk_original = ops.convert_to_numpy(same_size_original)
        all_losses.append(losses)
        if verbose:
            print(f"octave {number + 1}/{len(shapes)} {shape}: loss {losses[0]:.4g} -> {losses[-1]:.4g}")
    return image, all_losses


def main(image=None, output="dream.png", weights="auto", size=(192, 192), layer_settings=None, step=0.01,
         num_octave=3, octave_scale=1.4, iterations=10, max_loss=15.0, verbose=True):
    """Dream on ``image`` (a path; default: a generated picture) and save the result to ``output``."""
    log = print if verbose else (lambda message: None)
    layer_settings = dict(layer_settings or LAYER_SETTINGS)
    weights = auto_weights(weights, inception_v3.WEIGHTS, False, "InceptionV3", log=log)
    if image is None:
        picture = synthetic_image(*size)
    else:
        picture = lamina.utils.img_to_array(lamina.utils.load_img(image, target_size=size))
    original = inception_v3.preprocess_input(np.asarray(picture, dtype="float32")[None])
    feature_model = build_feature_model(weights, layer_settings)
    dreamed, losses = dream(original, feature_model, layer_settings, step, num_octave, octave_scale, iterations,
                            max_loss, verbose)
    result = deprocess(dreamed[0])
    if output is not None:
        lamina.utils.save_img(output, result, scale=False)
        log(f"wrote {output}")
    return {"image": result, "original": np.uint8(picture), "losses": losses, "weights": weights, "path": output}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--image", help="input picture (default: a generated one)")
    parser.add_argument("--output", default="dream.png")
    parser.add_argument("--weights", default="auto", help="'auto', 'imagenet', 'none' or a weights file")
    parser.add_argument("--size", type=int, nargs=2, default=(192, 192), metavar=("HEIGHT", "WIDTH"))
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--octaves", type=int, default=3)
    parser.add_argument("--step", type=float, default=0.01)
    args = parser.parse_args()
    main(image=args.image, output=args.output, weights=None if args.weights == "none" else args.weights,
         size=tuple(args.size), iterations=args.iterations, num_octave=args.octaves, step=args.step)
