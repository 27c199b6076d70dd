"""The reference implementation of everything students write (the answer key).

Never shipped to students: the release holds only ``cs231n``.
"""
