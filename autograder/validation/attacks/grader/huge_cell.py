"""a net cell of 300,000 characters, past what any solution cell holds

attacks: net
unearned: checks that use the net
promise: robust
"""
CELL = '# padding\n' * 30000 + 'raise SystemExit\n'
