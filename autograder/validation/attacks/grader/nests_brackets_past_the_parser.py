"""a net cell of 50,000 nested brackets, which the parser cannot take

attacks: net
unearned: checks that use the net
promise: robust
"""
CELL = 'x = ' + '(' * 50000 + '1' + ')' * 50000 + '\n'
