# nbgrader settings for this assignment, used by the Validate button when JupyterLab is started from this
# folder, and by `nbgrader validate LayerNormalization.ipynb` run here. The experiments' longest cell needs
# more than nbgrader's default 30 s.
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.ExecutePreprocessor.timeout = 1800
