"""The answer key of the batch normalization assignment."""
