"""Layer family package; the public names are re-exported by ``lamina.layers``."""
