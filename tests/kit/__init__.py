"""What the tests share: a workspace driven in process or over HTTP, the stand-ins' helpers, a clock.
No test imports another test; they import from here."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
