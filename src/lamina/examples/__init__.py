"""Runnable examples written as user code (``python -m lamina.examples.<name>``)."""
