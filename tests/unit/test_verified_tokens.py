"""Verified bearer tokens kept in memory for a minute, by hash, a bounded number of them."""

from __future__ import annotations

import pytest

from adapters.security.tokens import TokenStore, VerifiedTokens, token_hash


@pytest.fixture
def store() -> str:
    return "sqlite"


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def tokens(container, ticks) -> TokenStore:
    return TokenStore(container.sql, VerifiedTokens(size=3, ttl=60, clock=ticks))


def reads(tokens: TokenStore, monkeypatch) -> list[str]:
    seen: list[str] = []
    fetchone = tokens._sql.fetchone

    def counted(sql, params=()):
        seen.append(sql)
        return fetchone(sql, params)

    monkeypatch.setattr(tokens._sql, "fetchone", counted)
    return seen


def test_a_verified_token_is_answered_from_memory_for_a_minute(tokens, ticks, monkeypatch):
    token = tokens.create("billing", ["profiles:read"])
    read = reads(tokens, monkeypatch)
    first = tokens.authenticate(token)
    ticks.now += 59
    again = tokens.authenticate(token)
    assert first == again and first is not None and first.actor == "service:billing"
    assert tokens.recently_verified(token) == first
    assert len(read) == 1
    ticks.now += 2
    assert tokens.recently_verified(token) is None
    assert tokens.authenticate(token) == first
    assert len(read) == 2


def test_an_unknown_token_is_not_remembered_so_a_new_one_works_at_once(tokens, monkeypatch):
    token = tokens.create("billing", ["profiles:read"])
    guess = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert tokens.authenticate(guess) is None
    assert tokens.recently_verified(guess) is None
    assert tokens.authenticate(token) is not None


def test_at_most_size_tokens_are_kept_the_least_recently_used_go_first(tokens):
    made = [tokens.create(f"svc{n}", ["profiles:read"]) for n in range(4)]
    for token in made:
        tokens.authenticate(token)
    assert tokens.recently_verified(made[0]) is None
    assert all(tokens.recently_verified(t) is not None for t in made[1:])


def test_memory_holds_hashes_never_the_tokens(tokens):
    token = tokens.create("billing", ["profiles:read"])
    tokens.authenticate(token)
    kept = tokens.verified._entries
    assert list(kept) == [token_hash(token)]
    assert token not in repr(kept)


def test_a_malformed_token_is_refused_without_a_lookup(tokens, monkeypatch):
    read = reads(tokens, monkeypatch)
    assert tokens.authenticate("not a token") is None
    assert tokens.recently_verified("ps_short") is None
    assert read == []
