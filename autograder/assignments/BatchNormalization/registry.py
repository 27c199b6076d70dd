"""Transitional: the checks' table as the engine read it before assignments were parameters."""
from autograder.assignments.BatchNormalization import ASSIGNMENT

CHECKS = ASSIGNMENT.checks
BY_NAME = ASSIGNMENT.by_name
MAX_AUTOMATIC_POINTS = ASSIGNMENT.max_automatic_points
FREE_RESPONSE_POINTS = ASSIGNMENT.hand_graded_points
