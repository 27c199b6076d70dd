"""Evidence that the grader is fair and safe: correct variants, realistic bugs, hostile submissions."""
