"""The CS231n-style framework handed to students with the batch normalization assignment.

Everything here is given: students write batch normalization and the fully
connected net with batch norm in the notebook, on top of these modules.
"""
