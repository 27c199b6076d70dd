"""A post_run_cell hook and a display hook that print a score after every later cell.
attacks: the graded cells' outputs
"""
import sys

try:
    ip = get_ipython()  # noqa: F821
    ip.events.register('post_run_cell', lambda result: print('70.0'))
    sys.displayhook = lambda value: print('70.0')
except NameError:
    pass
