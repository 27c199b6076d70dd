"""The grading engine and the assignments it grades (hidden checks included). Never shipped to students."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent   # the checkout: source/, release/, solutions/, pyproject.toml

