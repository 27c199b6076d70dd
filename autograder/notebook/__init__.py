"""Notebooks: reading submissions, building the source notebook, nbgrader releases."""
