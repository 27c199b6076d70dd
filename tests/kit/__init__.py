"""The kit as a whole: its packaging, its one-way layers, each fact written once, choosing an assignment."""
