"""What a person typed shows as typed in Slack (handlers/blocks/kit.py esc): never as a link, a mention, bold,
italic, strike or code, whichever of those characters it holds; and text with none of them comes back as is."""

import pytest

from handlers.blocks.kit import esc

Z = "\u200b"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Jane Roe", "Jane Roe"),
        ("Dec 9, no answer", "Dec 9, no answer"),
        ("Smith & Sons", "Smith &amp; Sons"),
        ("<!here> call me", "&lt;!here&gt; call me"),
        ("<https://x.example|click>", "&lt;https://x.example|click&gt;"),
        ("*URGENT*", f"{Z}*{Z}URGENT{Z}*{Z}"),
        ("_a_ ~b~ `c`", f"{Z}_{Z}a{Z}_{Z} {Z}~{Z}b{Z}~{Z} {Z}`{Z}c{Z}`{Z}"),
        ("ask @channel now", f"ask @{Z}channel now"),
        ("jane@example.com", f"jane@{Z}example.com"),
        ("a lone @ sign", "a lone @ sign"),
        (2041, "2041"),
    ],
)
def test_typed_text_shows_as_typed(typed, shown):
    assert esc(typed) == shown
