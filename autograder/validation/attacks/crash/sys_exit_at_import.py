"""sys.exit() while the cells load

attacks: net
earns nothing in: checks that use the net
containment: robust
"""
import sys
sys.exit("bye")
