"""scrub's one search before its substitutions changes nothing: the same text as the four alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters import logging as log

PIECES = st.sampled_from(
    ["Bearer ", "bearer\t", "BEARER ", "ps_", "$argon2id$", "$argon2$", "4111", " ", "-", ".",
     "1234567890", "abcdefghijklmnop", "x", "é", "'", '"', ",", "_", "\n"]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=12).map("".join)


def reference(text: str) -> str:
    text = log._BEARER.sub(f"Bearer {log.REDACTED}", text)
    text = log._API_TOKEN.sub(log.REDACTED, text)
    text = log._ARGON2.sub(log.REDACTED, text)
    return log._CARD_LIKE.sub(log.REDACTED, text)


@given(TEXTS)
def test_scrub_is_the_four_substitutions(text: str) -> None:
    assert log.scrub(text) == reference(text)


def test_examples() -> None:
    assert log.scrub("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]"
    assert log.scrub("card 4111 1111 1111 1111 ok") == "card [redacted] ok"
    assert log.scrub("service:bench") == "service:bench"
