"""Image preprocessing and augmentation layers; the public names are re-exported by ``lamina.layers``."""
