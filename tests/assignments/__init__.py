"""The two assignments the kit ships, as content: references, notebooks, checks, the validation sets and
the diagnosis of their mistakes, fairness on the code students write."""
