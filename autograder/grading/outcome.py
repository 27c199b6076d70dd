"""What one hidden check concludes, and how it reaches pytest and nbgrader."""
from dataclasses import dataclass, field


class PartialCredit(AssertionError):
    """Raised by a failing check; carries the fraction of its points that was still earned."""

    def __init__(self, fraction, messages):
        self.fraction = float(fraction)
        self.messages = list(messages)
        super().__init__('\n'.join(self.messages) or 'check failed')


@dataclass
class Outcome:
    """Fraction of a check's points earned (0..1) and the feedback explaining any loss.

    Messages speak to the student: what went wrong and what to look at, never
    the hidden inputs or the reference's outputs.
    """
    fraction: float = 1.0
    messages: list = field(default_factory=list)

    def require(self):
        """Return quietly on full credit; otherwise raise PartialCredit for the test to fail with."""
        if self.fraction < 1.0:
            raise PartialCredit(max(0.0, self.fraction), self.messages)
