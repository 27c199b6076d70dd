"""The hidden grader of the batch normalization assignment. Never shipped to students."""
