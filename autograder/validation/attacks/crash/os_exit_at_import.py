"""os._exit() while the cells load: the worker dies before it answers

attacks: net
earns nothing in: every check
containment: robust
"""
import os
os._exit(0)
