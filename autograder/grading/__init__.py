"""Grading submissions: finding them, one process per submission, the pytest plugin over the checks."""
