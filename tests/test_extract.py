"""Taking a submission's code out of its notebook: unit tests on small notebooks written here."""
import json

import pytest

from autograder.assignments.BatchNormalization import ASSIGNMENT
from autograder.notebook.extract import NotebookError, extract, strip_magics


def notebook(*cells, nbformat=4):
    """The bytes of a notebook whose cells are (source, nbgrader metadata or None), all code cells."""
    return json.dumps({'nbformat': nbformat, 'nbformat_minor': 5, 'metadata': {}, 'cells': [
        {'cell_type': 'code', 'source': source, 'outputs': [], 'execution_count': None,
         'metadata': {'nbgrader': meta} if meta is not None else {}} for source, meta in cells]}).encode()


def solution(grade_id):
    return {'solution': True, 'grade': False, 'locked': False, 'grade_id': grade_id, 'schema_version': 3}


def sources(result):
    return {cell['label']: cell['source'] for cell in result.cells}


FORWARD = 'def batchnorm_forward(x, gamma, beta, bn_param):\n    return x, None\n'


def test_solution_cells_are_found_by_their_metadata():
    raw = notebook(('x = 1\nprint(x)\n', None), (FORWARD, solution('batchnorm_forward')),
                   ('def helper():\n    pass\n', None))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert result.method == 'metadata'
    assert result.cells[0] == {'label': 'setup', 'source': ASSIGNMENT.setup_source}
    found = sources(result)
    assert found['the cell batchnorm_forward'] == FORWARD.rstrip('\n')
    # A cell that is not a solution cell gives only its imports, never its statements or definitions.
    assert not any('helper' in s or 'print' in s for s in found.values())
    assert result.messages == []


def test_damaged_metadata_falls_back_to_the_needed_names_and_keeps_only_definitions():
    raw = notebook(('import numpy as np\nrun_the_whole_experiment()\n', None),
                   (FORWARD + 'out = batchnorm_forward(1, 2, 3, {})\n', None),
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
    broken = 'def batchnorm_backward(dout, cache):\n    x = (1 +\n'
    raw = notebook((FORWARD, solution('batchnorm_forward')), (broken, solution('batchnorm_backward')))
    result = extract(ASSIGNMENT, 'sub.ipynb', raw)
    assert 'the cell batchnorm_forward' in sources(result)
    assert 'the cell batchnorm_backward' not in sources(result)
    [message] = result.messages
    assert message.startswith('the cell batchnorm_backward has a syntax error on line 2')
    assert 'left that cell out' in message


def test_a_syntax_error_without_metadata_is_reported_when_the_cell_defines_a_needed_name():
    raw = notebook(('def batchnorm_forward(x, gamma, beta, bn_param):\n    return x +\n', None),
                   ('this is not python but defines nothing needed\n', None))
    messages = extract(ASSIGNMENT, 'sub.ipynb', raw).messages
    assert any(m.startswith('cell 1 has a syntax error on line 2') for m in messages)
    assert not any(m.startswith('cell 2') for m in messages)


def test_magics_and_shell_lines_are_commented_out_keeping_line_numbers():
    source = '%matplotlib inline\n  !pip install thing\nx = 1\n%%time'
    assert strip_magics(source) == '# %matplotlib inline\n  # !pip install thing\nx = 1\n# %%time'
    raw = notebook(('%load_ext autoreload\n' + FORWARD, solution('batchnorm_forward')))
    code = sources(extract(ASSIGNMENT, 'sub.ipynb', raw))['the cell batchnorm_forward']
    assert code.splitlines()[0] == '# %load_ext autoreload'
    compile(code, 'cell', 'exec')


def test_plotting_imports_stay_behind_and_other_imports_come_along_once():
    raw = notebook(('import matplotlib.pyplot as plt\nfrom matplotlib import cm\nimport time\n', None),
                   ('import time\nimport numpy as np\n', None), (FORWARD, solution('batchnorm_forward')))
    imports = [c['source'] for c in extract(ASSIGNMENT, 'sub.ipynb', raw).cells if c['label'] == 'import in your notebook']
    assert imports == ['import time', 'import numpy as np']


def test_is_against_a_literal_gives_a_syntax_warning_in_the_feedback():
    source = ("def batchnorm_forward(x, gamma, beta, bn_param):\n"
              "    if bn_param['mode'] is 'train':\n        return x, None\n")
    result = extract(ASSIGNMENT, 'sub.ipynb', notebook((source, solution('batchnorm_forward'))))
    assert 'the cell batchnorm_forward' in sources(result)     # still graded, as it ran in the notebook
    [message] = result.messages
    assert message.startswith('the cell batchnorm_forward, line 2: Python warns:')
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
