"""sys.exit() while the cells load

attacks: net
unearned: checks that use the net
promise: robust
"""
import sys
sys.exit("bye")
