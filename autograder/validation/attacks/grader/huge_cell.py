"""a net cell of 300,000 characters, past what any solution cell holds

attacks: net
earns nothing in: checks that use the net
containment: robust
"""
CELL = '# padding\n' * 30000 + 'raise SystemExit\n'
