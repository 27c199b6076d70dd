"""The answer key of the layer normalization assignment."""
