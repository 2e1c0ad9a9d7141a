"""Neural style transfer (the book's section 8.3): an image with one picture's content and another's style.

VGG19's activations define three losses on the generated image: the content loss (squared
distance to the content picture's ``block5_conv2`` activations), the style loss (squared
distance between Gram matrices, the channel correlations, of ``block1_conv1`` ...
``block5_conv1``) and the total variation loss (smoothness). Starting from the content
picture, gradient descent on the pixels (``GradientTape`` and an optimizer's
``apply_gradients``, as user code) minimises their weighted sum.

    python -m lamina.examples.style_transfer                     # generated pictures, styled.png
    python -m lamina.examples.style_transfer --content photo.jpg --style painting.jpg --iterations 200

With ``--weights auto`` (the default) the ImageNet weights are used when they are already
in the cache (``$LAMINA_HOME/models``); with random weights the program runs and the losses
fall, but the picture shows no real style.

Example (``main(...)`` runs the whole thing; ``tests/examples`` runs a tiny version):
    >>> import torch
    >>> gram_matrix(torch.ones(2, 2, 3)).tolist()
    [[4.0, 4.0, 4.0], [4.0, 4.0, 4.0], [4.0, 4.0, 4.0]]
    >>> float(total_variation_loss(torch.zeros(1, 4, 4, 3)))
    0.0
"""
import argparse

import numpy as np

import lamina
from lamina import ops
from lamina.applications import vgg19
from lamina.applications._builder import auto_weights
from lamina.examples.deep_dream import synthetic_image

STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
CONTENT_LAYER = "block5_conv2"
# the loss weights and the optimizer of Keras's neural style transfer example
TOTAL_VARIATION_WEIGHT, STYLE_WEIGHT, CONTENT_WEIGHT = 1e-6, 1e-6, 2.5e-8


def gram_matrix(x):
    """Channel correlations of one feature map ``(h, w, c)``: ``F @ F.T`` with ``F`` = ``(c, h * w)``."""
    features = ops.reshape(ops.transpose(x, (2, 0, 1)), (x.shape[-1], -1))
    return ops.matmul(features, ops.transpose(features))


def style_loss(style, combination, size):
    """Squared Gram-matrix distance, normalised by ``4 * channels**2 * size**2`` (``size`` = h * w)."""
    channels = 3
    return ops.sum(ops.square(gram_matrix(style) - gram_matrix(combination))) / (4.0 * channels ** 2 * size ** 2)


def content_loss(base, combination):
    """Squared distance between two activations."""
    return ops.sum(ops.square(combination - base))


def total_variation_loss(x):
    """Smoothness of a batch of images ``(1, h, w, 3)``: ``sum((dx**2 + dy**2) ** 1.25)``."""
    height, width = x.shape[1], x.shape[2]
    a = ops.square(x[:, : height - 1, : width - 1, :] - x[:, 1:, : width - 1, :])
    b = ops.square(x[:, : height - 1, : width - 1, :] - x[:, : height - 1, 1:, :])
    return ops.sum(ops.power(a + b, 1.25))


def build_feature_extractor(weights):
    """VGG19's convolutional base returning every layer's activation by name."""
    model = vgg19.VGG19(weights=weights, include_top=False)
    return lamina.Model(model.inputs, {layer.name: layer.output for layer in model.layers[1:]})


def compute_loss(feature_extractor, combination, base, style_reference):
    """The weighted sum of the three losses for the generated image ``combination``."""
    features = feature_extractor(ops.concatenate([base, style_reference, combination], axis=0))
    layer = features[CONTENT_LAYER]
    loss = CONTENT_WEIGHT * content_loss(layer[0], layer[2])
    for name in STYLE_LAYERS:
        layer = features[name]
        size = layer.shape[1] * layer.shape[2]
        loss = loss + STYLE_WEIGHT / len(STYLE_LAYERS) * style_loss(layer[1], layer[2], size)
    return loss + TOTAL_VARIATION_WEIGHT * total_variation_loss(combination)


def deprocess(x):
    """Undo VGG19's preprocessing: add the mean pixel back, BGR to RGB, uint8."""
    x = np.asarray(x, dtype="float64") + np.array([103.939, 116.779, 123.68])
    return np.uint8(np.clip(np.round(x[..., ::-1]), 0, 255))


def transfer(base, style_reference, feature_extractor, iterations=100, learning_rate=100.0, verbose=True):
    """Optimise the image (starting from ``base``); returns it and the loss at each iteration."""
    schedule = lamina.optimizers.schedules.ExponentialDecay(learning_rate, decay_steps=100, decay_rate=0.96)
    optimizer = lamina.optimizers.SGD(learning_rate=schedule)
    combination = lamina.Variable(base)
    losses = []
    for step in range(1, iterations + 1):
        with lamina.GradientTape() as tape:
            loss = compute_loss(feature_extractor, combination, base, style_reference)
        grads = tape.gradient(loss, combination)
        optimizer.apply_gradients([(grads, combination)])
        losses.append(float(ops.convert_to_numpy(loss)))
        if verbose and (step % 20 == 0 or step == iterations):
            print(f"iteration {step}: loss={losses[-1]:.4g}")
    return combination.numpy(), losses


def _load(path, size, fallback_seed):
    if path is None:
        return synthetic_image(*size, seed=fallback_seed)
    return lamina.utils.img_to_array(lamina.utils.load_img(path, target_size=size))


def main(content=None, style=None, output="styled.png", weights="auto", size=(128, 128), iterations=60,
         learning_rate=100.0, verbose=True):
    """Restyle ``content`` (a path; default: a generated picture) after ``style``; save to ``output``."""
    log = print if verbose else (lambda message: None)
    weights = auto_weights(weights, vgg19.WEIGHTS, False, "VGG19", log=log)
    base = vgg19.preprocess_input(np.asarray(_load(content, size, 0), dtype="float32")[None])
    style_reference = vgg19.preprocess_input(np.asarray(_load(style, size, 7), dtype="float32")[None])
    feature_extractor = build_feature_extractor(weights)
    image, losses = transfer(base, style_reference, feature_extractor, iterations, learning_rate, verbose)
    result = deprocess(image[0])
    if output is not None:
        lamina.utils.save_img(output, result, scale=False)
        log(f"wrote {output}")
    return {"image": result, "losses": losses, "weights": weights, "path": output}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", help="the picture to restyle (default: a generated one)")
    parser.add_argument("--style", help="the style reference (default: another generated picture)")
    parser.add_argument("--output", default="styled.png")
    parser.add_argument("--weights", default="auto", help="'auto', 'imagenet', 'none' or a weights file")
    parser.add_argument("--size", type=int, nargs=2, default=(128, 128), metavar=("HEIGHT", "WIDTH"))
    parser.add_argument("--iterations", type=int, default=60)
    args = parser.parse_args()
    main(content=args.content, style=args.style, output=args.output,
         weights=None if args.weights == "none" else args.weights, size=tuple(args.size),
         iterations=args.iterations)
