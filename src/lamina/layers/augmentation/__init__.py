"""Image preprocessing and augmentation layers (Rescaling, Resizing, CenterCrop, Random*); re-exported by ``lamina.layers``."""
