"""The hidden tests ``bnkit grade`` runs: one per check of the assignment (see test_hidden_checks.py)."""
