"""Containing hostile student code: the sandbox at each isolation level, the hostile submissions and inputs,
runs side by side, killed runs, leftovers, runaway process trees and the limits the environment sets."""
