"""The assignments the engine grades, one folder each (see docs/architecture.md)."""
