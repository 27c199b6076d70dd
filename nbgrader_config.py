# nbgrader run from the checkout works on the course folder `bnkit release` writes, course/, never on the
# committed release/ (nbgrader's generate_assignment --force would delete files there).
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
course = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'course')
if not os.path.isfile(os.path.join(course, 'nbgrader_config.py')):
    raise SystemExit('%s does not exist yet: run `bnkit release` first, which writes it' % course)
c.CourseDirectory.root = course
load_subconfig(os.path.join(course, 'nbgrader_config.py'))  # noqa: F821 (as get_config)
