"""What grading writes: per-student results and feedback, the class report, similarity."""
