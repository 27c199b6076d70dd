# nbgrader configuration for the course folder at the repository root:
#   source/BatchNormalization/   the instructor's notebook (built by `python -m autograder.notebook_build`)
#   release/BatchNormalization/  the student version (`bnkit release`)
# `nbgrader autograde` also works from here; `bnkit grade` is the sandboxed alternative.
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = 'bnkit'
c.CourseDirectory.root = '.'
c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\nraise NotImplementedError()'}
c.ClearSolutions.text_stub = 'YOUR ANSWER HERE'
# Training cells take a few seconds; the weight-scale sweep takes longer in full mode.
c.ExecutePreprocessor.timeout = 600
