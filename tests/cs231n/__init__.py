"""The framework students get (cs231n/): data loading, its download, the optimizers and the Solver."""
