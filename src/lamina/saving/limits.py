"""The size limits every loader enforces before it reads or allocates anything.

A file can claim anything (a 5 KB zip that inflates to 40 GB, a tensor header of
shape ``(10**12,)``, JSON nested 100,000 deep); the loaders compare those claims
with these limits and with each other before trusting them, and raise
:class:`~lamina.saving.errors.LoadError` when a claim is out of bounds. The
defaults allow any model that fits in memory; raise them for bigger ones by
assigning the module attributes.

Example:
    >>> from lamina.saving import limits
    >>> limits.MAX_JSON_DEPTH
    200
"""
MAX_ARCHIVE_MEMBERS = 64  # a .keras zip holds a handful of members
MAX_UNCOMPRESSED_BYTES = 64 << 30  # everything inside one archive, after decompression
MAX_COMPRESSION_RATIO = 1000  # uncompressed / compressed size of one member (zip bombs)
RATIO_CHECK_FLOOR = 1 << 20  # members smaller than this (uncompressed) may compress better
MAX_JSON_BYTES = 64 << 20  # config.json, metadata.json, HDF5 config attributes
MAX_JSON_DEPTH = 200  # nesting of lists/dicts in a JSON document
MAX_INPUT_ELEMENTS = 1 << 28  # known elements of one sample of a model input declared in a config
MAX_CONSTANT_ELEMENTS = 1 << 16  # elements of a tensor constant stored inline in a config
WEIGHT_SLACK_BYTES = 1 << 20  # weights a config may create beyond those stored in the file
MAX_WEIGHTS_WITHOUT_FILE = 4 << 30  # bytes of weights a config alone (model_from_json) may create
