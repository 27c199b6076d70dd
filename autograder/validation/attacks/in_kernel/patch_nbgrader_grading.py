"""Patches nbgrader's grade decision and its gradebook class, in case either is loaded in the kernel.
attacks: nbgrader's determine_grade and Gradebook
"""
import sys
import types

try:
    import nbgrader.utils as utils
except Exception:
    utils = types.ModuleType('nbgrader.utils')
    sys.modules['nbgrader'] = types.ModuleType('nbgrader')
    sys.modules['nbgrader.utils'] = utils
utils.determine_grade = lambda cell, log=None: (cell.metadata['nbgrader']['points'],) * 2
utils.get_partial_grade = lambda output, max_points, log=None: max_points
