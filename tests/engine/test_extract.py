"""Taking a submission's code out of its notebook: unit tests on small notebooks written here."""
import json
import re

import pytest

from tests.fixture_assignment import ASSIGNMENT
from autograder.notebook.extract import (MAX_CELL_CHARS, MAX_CELLS, MAX_CODE_CHARS, MAX_PROBLEMS_SHOWN, NotebookError,
                                        extract, strip_magics)
from autograder.reports.answers import answers_of


def notebook(*cells, nbformat=4):
    """The bytes of a notebook whose cells are (source, nbgrader metadata or None), all code cells."""
    return json.dumps({'nbformat': nbformat, 'nbformat_minor': 5, 'metadata': {}, 'cells': [
        {'cell_type': 'code', 'source': source, 'outputs': [], 'execution_count': None,
         'metadata': {'nbgrader': meta} if meta is not None else {}} for source, meta in cells]}).encode()


def solution(grade_id):
    return {'solution': True, 'grade': False, 'locked': False, 'grade_id': grade_id, 'schema_version': 3}


def sources(result):
    return {cell['label']: cell['source'] for cell in result.cells}


FORWARD = 'def scale_forward(x, gamma):\n    return x, None\n'


def test_solution_cells_are_found_by_their_metadata():
    raw = notebook(('x = 1\nprint(x)\n', None), (FORWARD, solution('scale_forward')),
                   ('def helper():\n    pass\n', None))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert result.method == 'metadata'
    assert result.cells[0] == {'label': 'setup', 'source': ASSIGNMENT.setup_source}
    found = sources(result)
    assert found['the cell scale_forward'] == FORWARD.rstrip('\n')
    # A cell that is not a solution cell gives only its imports, never its statements or definitions.
    assert not any('helper' in s or 'print' in s for s in found.values())
    assert result.messages == []


def test_damaged_metadata_falls_back_to_the_needed_names_and_keeps_only_definitions():
    raw = notebook(('import numpy as np\nrun_the_whole_experiment()\n', None),
                   (FORWARD + 'out = scale_forward(1, 2)\n', None),
                   ('def helper(x):\n    return x\nhelper(2)\n', None))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert result.method == 'names'
    assert 'no nbgrader solution cells' in result.messages[0]
    found = sources(result)
    assert found['cell 2'] == FORWARD.rstrip('\n')
    assert found['cell 3'] == 'def helper(x):\n    return x'
    assert not any('run_the_whole_experiment' in s or 'out =' in s for s in found.values())
    assert found['import in your notebook'] == 'import numpy as np'


def test_damaged_metadata_without_any_needed_name_says_nothing_could_be_graded():
    result = extract(ASSIGNMENT, 'sub.ipynb', notebook(('def other():\n    pass\n', None)))
    assert result.messages[-1] == 'No cell defines %s: nothing of yours could be graded.' % ', '.join(ASSIGNMENT.needed_names)


def test_a_syntax_error_is_reported_with_its_cell_and_line_and_only_that_cell_is_left_out():
    broken = 'def scale_backward(dout, cache):\n    x = (1 +\n'
    raw = notebook((FORWARD, solution('scale_forward')), (broken, solution('scale_backward')))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert 'the cell scale_forward' in sources(result)
    assert 'the cell scale_backward' not in sources(result)
    [message] = result.messages
    assert message.startswith('the cell scale_backward has a syntax error on line 2')
    assert 'left that cell out' in message


def test_a_syntax_error_without_metadata_is_reported_when_the_cell_defines_a_needed_name():
    raw = notebook(('def scale_forward(x, gamma):\n    return x +\n', None),
                   ('this is not python but defines nothing needed\n', None))
    messages = extract(ASSIGNMENT, 'sub.ipynb', raw).messages
    assert any(m.startswith('cell 1 has a syntax error on line 2') for m in messages)
    assert not any(m.startswith('cell 2') for m in messages)


def test_magics_and_shell_lines_are_commented_out_keeping_line_numbers():
    source = '%matplotlib inline\n  !pip install thing\nx = 1\n%%time'
    assert strip_magics(source) == '# %matplotlib inline\n  # !pip install thing\nx = 1\n# %%time'
    raw = notebook(('%load_ext autoreload\n' + FORWARD, solution('scale_forward')))
    code = sources(extract(ASSIGNMENT, 'sub.ipynb', raw))['the cell scale_forward']
    assert code.splitlines()[0] == '# %load_ext autoreload'
    compile(code, 'cell', 'exec')


def test_plotting_imports_stay_behind_and_other_imports_come_along_once():
    raw = notebook(('import matplotlib.pyplot as plt\nfrom matplotlib import cm\nimport time\n', None),
                   ('import time\nimport numpy as np\n', None), (FORWARD, solution('scale_forward')))
    imports = [c['source'] for c in extract(ASSIGNMENT, 'sub.ipynb', raw).cells if c['label'] == 'import in your notebook']
    assert imports == ['import time', 'import numpy as np']


def test_is_against_a_literal_gives_a_syntax_warning_in_the_feedback():
    source = ("def scale_forward(x, gamma):\n"
              "    if bn_param['mode'] is 'train':\n        return x, None\n")
    result = extract(ASSIGNMENT, 'sub.ipynb', notebook((source, solution('scale_forward'))))
    assert 'the cell scale_forward' in sources(result)     # still graded, as it ran in the notebook
    [message] = result.messages
    assert message.startswith('the cell scale_forward, line 2: Python warns:')
    assert 'Compare values with == and !=' in message


@pytest.mark.parametrize('raw, expected', [
    (b'{not json', 'sub.ipynb: not a valid notebook file'),
    (b'\xff\xfe', 'sub.ipynb: not a valid notebook file'),
    (b'[1, 2]', 'sub.ipynb: not a Jupyter notebook'),
    (json.dumps({'nbformat': 3, 'worksheets': []}).encode(), 'sub.ipynb: saved in the old notebook format 3'),
])
def test_an_unreadable_notebook_raises_an_error_naming_the_file(raw, expected):
    with pytest.raises(NotebookError, match='^' + expected):
        extract(ASSIGNMENT, 'sub.ipynb', raw)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(NotebookError, match='missing.ipynb: cannot be read'):
        extract(ASSIGNMENT, tmp_path / 'missing.ipynb')


def raw_notebook(cells, **top):
    """The bytes of a notebook whose cells are given as JSON values, any type."""
    return json.dumps({'nbformat': 4, 'nbformat_minor': 5, 'metadata': {}, 'cells': cells, **top}).encode()


@pytest.mark.parametrize('raw, expected', [
    (json.dumps({'cells': []}).encode(), 'sub.ipynb: not a Jupyter notebook (it names no notebook format)'),
    (json.dumps({'nbformat': '4', 'cells': []}).encode(), 'sub.ipynb: not a Jupyter notebook (it names no'),
    (json.dumps({'nbformat': 5, 'cells': []}).encode(), 'sub.ipynb: saved in notebook format 5, which the grader'),
    (raw_notebook({'0': {}}), 'sub.ipynb: not a Jupyter notebook (no list of cells)'),
    (raw_notebook([{}] * (MAX_CELLS + 1)), 'sub.ipynb: it has %d cells, more than the %d' % (MAX_CELLS + 1, MAX_CELLS)),
    (b'[' * 100_000, 'sub.ipynb: not a valid notebook file (its JSON nests deeper than'),
    (notebook(('x = 1\n' * (MAX_CODE_CHARS // 6 + 1), None)), 'sub.ipynb: its code cells hold %d characters'
     % (6 * (MAX_CODE_CHARS // 6 + 1))),
])
def test_a_notebook_of_the_wrong_shape_or_size_raises_an_error_naming_the_file(raw, expected):
    with pytest.raises(NotebookError, match='^' + re.escape(expected)):
        extract(ASSIGNMENT, 'sub.ipynb', raw)


def test_parts_of_the_wrong_type_are_reported_and_their_cells_read_without_them():
    forward = {'cell_type': 'code', 'source': FORWARD, 'metadata': {'nbgrader': solution('scale_forward')}}
    raw = raw_notebook([forward, 7, {'source': 'x = 1'},
                        {'cell_type': 'code', 'source': {'not': 'text'}, 'metadata': {}},
                        {'cell_type': 'code', 'source': ['import os\n', 3], 'metadata': []},
                        {'cell_type': 'markdown', 'source': 'a', 'metadata': {'nbgrader': 'yes'}},
                        {'cell_type': 'markdown', 'source': 'b', 'metadata': {'nbgrader': {'grade_id': ['x']}}},
                        {'cell_type': 'code', 'source': 'y = 2', 'metadata': {'nbgrader': {'solution': 'true'}}}])
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert 'the cell scale_forward' in sources(result)
    assert result.messages == [
        'Cell 2 is a number, not a cell: the grader left it out.',
        'Cell 3 has no cell type: the grader left it out.',
        "Cell 4's source is an object, not text: the grader left that cell out.",
        "Cell 5's source has a line that is not text: the grader left that cell out.",
        "Cell 5's metadata is an array, not an object: the grader read the cell without it.",
        "Cell 6's nbgrader metadata is a string, not an object: the grader read the cell without it.",
        "Cell 7's nbgrader grade_id is not an nbgrader id (letters, digits, _ and -): the grader ignored it.",
        "Cell 8's nbgrader solution flag is a string, not true or false: the grader read the cell as no solution "
        'cell.']
    # The written answers read the same cells: a grade_id that is a list is no answer, and no crash.
    assert answers_of(ASSIGNMENT, 'sub.ipynb', raw) == {q.id: None for q in ASSIGNMENT.questions}


def test_many_damaged_cells_are_counted_after_the_first_few():
    messages = extract(ASSIGNMENT, 'sub.ipynb', raw_notebook([1] * (MAX_PROBLEMS_SHOWN + 5))).messages
    assert messages[:MAX_PROBLEMS_SHOWN] == ['Cell %d is a number, not a cell: the grader left it out.' % n
                                             for n in range(1, MAX_PROBLEMS_SHOWN + 1)]
    assert messages[MAX_PROBLEMS_SHOWN] == '5 more problems like these in other cells.'


@pytest.mark.parametrize('source, why', [
    ('x = ' + '-' * 100_000 + '1\n', 'nests too deeply or runs too long in one expression for Python to compile'),
    ('x = ' + '1+' * 60_000 + '1\n', 'nests too deeply or runs too long in one expression for Python to compile'),
    ('x = ' + '(' * 1000 + ')' * 1000 + '\n', 'has a syntax error on line 1: too many nested parentheses'),
    ('x = 1\x00\n', 'holds a null character, which Python source cannot hold'),
    ('return 1\n', "has a syntax error on line 1: 'return' outside function"),       # found by the compiler only
    ('x' * (MAX_CELL_CHARS + 1), 'holds %d characters, more than the %d a cell may have'
     % (MAX_CELL_CHARS + 1, MAX_CELL_CHARS)),
])
def test_a_solution_cell_python_cannot_compile_is_reported_and_only_it_is_left_out(source, why):
    raw = notebook((FORWARD, solution('scale_forward')), (source, solution('scale_backward')))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert 'the cell scale_forward' in sources(result) and 'the cell scale_backward' not in sources(result)
    assert result.messages == ['the cell scale_backward %s. The grader left that cell out; names it defines '
                               'are missing.' % why]


def test_a_pathological_cell_without_metadata_is_reported_when_it_defines_a_needed_name():
    deep = 'def scale_backward(dout, cache):\n    return ' + '-' * 100_000 + '1\n'
    raw = notebook((FORWARD, None), (deep, None), ('y = ' + '-' * 100_000 + '1\n', None))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert result.method == 'names' and 'cell 1' in sources(result) and 'cell 2' not in sources(result)
    assert [m[:7] for m in result.messages if 'nests too deeply' in m] == ['cell 2 ']


def test_a_cell_full_of_warnings_gives_the_first_few_and_a_count():
    source = 'def scale_forward(x, gamma):\n' + "    x is 'a'\n" * (MAX_PROBLEMS_SHOWN + 7)
    messages = extract(ASSIGNMENT, 'sub.ipynb', notebook((source, solution('scale_forward')))).messages
    assert len(messages) == MAX_PROBLEMS_SHOWN + 1 and 'Python warns' in messages[0]
    assert messages[-1] == 'the cell scale_forward: 7 more warnings like these.'
