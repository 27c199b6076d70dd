"""a net cell of 50,000 nested brackets, which the parser cannot take

attacks: net
earns nothing in: checks that use the net
containment: robust
"""
CELL = 'x = ' + '(' * 50000 + '1' + ')' * 50000 + '\n'
