"""Where courses run the kit: the nbgrader course (release, autograde, in-kernel cheats, tampered metadata),
the Gradescope bundle and the LMS exports."""
