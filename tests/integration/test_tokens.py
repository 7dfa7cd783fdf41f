"""API tokens: unique names, scopes and actor kinds, listing, revocation, kept in memory briefly."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from adapters.eventstore.sql import SqlRunner
from adapters.security.tokens import (
    REMEMBERED_SECONDS,
    Token,
    TokenError,
    TokenStore,
    VerifiedTokens,
    token_hash,
)


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingSql(SqlRunner):
    """The store's SQL runner, counting the token lookups it answers."""

    lookups = 0

    def fetchone(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        if "WHERE token_hash" in sql:
            self.lookups += 1
        return super().fetchone(sql, params)


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def sql(container) -> CountingSql:
    return CountingSql(container.sql.datastore)


@pytest.fixture
def tokens(sql, ticks) -> TokenStore:
    return TokenStore(sql, VerifiedTokens(size=3, ttl=REMEMBERED_SECONDS, clock=ticks))


def name() -> str:
    return f"svc-{uuid4().hex[:10]}"


def test_a_verified_token_is_answered_from_memory_for_a_second_then_read_again(
    tokens, sql, ticks
):
    token = tokens.create(name(), ["profiles:read"])
    first = tokens.authenticate(token)
    ticks.now += REMEMBERED_SECONDS / 2
    assert tokens.authenticate(token) == first and first is not None
    assert tokens.recently_verified(token) == first
    assert sql.lookups == 1
    ticks.now += REMEMBERED_SECONDS
    assert tokens.recently_verified(token) is None
    assert tokens.authenticate(token) == first
    assert sql.lookups == 2


def test_a_revoked_token_is_refused_once_its_second_in_memory_is_over(tokens, ticks):
    called = name()
    token = tokens.create(called, ["profiles:read"])
    assert tokens.authenticate(token) is not None
    tokens.revoke(called)
    ticks.now += REMEMBERED_SECONDS + 0.01
    assert tokens.authenticate(token) is None
    assert REMEMBERED_SECONDS < 2  # api.md: every process refuses it within 2 seconds


def test_a_token_remembered_by_another_process_is_refused_after_revocation(container, ticks):
    other = TokenStore(container.sql, VerifiedTokens(ttl=REMEMBERED_SECONDS, clock=ticks))
    here = TokenStore(container.sql)
    called = name()
    token = here.create(called, ["profiles:read"])
    assert other.authenticate(token) is not None
    here.revoke(called)
    assert other.authenticate(token) is not None  # within its second in memory
    ticks.now += REMEMBERED_SECONDS + 0.01
    assert other.authenticate(token) is None


def test_names_are_unique(tokens):
    called = name()
    tokens.create(called, ["profiles:read"])
    with pytest.raises(TokenError, match="exists"):
        tokens.create(called, ["audit:read"])


def test_revoking_an_unknown_name_is_refused(tokens):
    with pytest.raises(TokenError, match="no token"):
        tokens.revoke(name())


def test_the_list_shows_names_scopes_kinds_and_uses_but_never_the_token(tokens):
    called = name()
    token = tokens.create(called, ["profiles:write", "profiles:read"], ["customer"])
    before = next(info for info in tokens.list() if info.name == called)
    tokens.authenticate(token)
    after = next(info for info in tokens.list() if info.name == called)
    assert before.scopes == ("profiles:read", "profiles:write")
    assert before.actor_kinds == ("customer",)
    assert before.created_at and before.last_used_at is None
    assert after.last_used_at is not None
    listed = repr(tokens.list())
    assert token not in listed and token_hash(token) not in listed


def test_an_unknown_actor_kind_is_refused(tokens):
    with pytest.raises(TokenError, match="unknown actor kind 'robot'"):
        tokens.create(name(), ["profiles:read"], ["robot"])


def test_a_token_limited_to_some_actor_kinds_may_act_for_those_and_for_itself():
    token = Token("crm", frozenset({"profiles:write"}), frozenset({"customer", "support"}))
    assert token.may_act_as("customer:42") and token.may_act_as("support:ann")
    assert token.may_act_as("service:crm")  # itself, the default actor
    assert not token.may_act_as("system:cron") and not token.may_act_as("service:billing")
    assert Token("any", frozenset()).may_act_as("system:cron")


def test_an_unknown_token_is_not_remembered_so_a_new_one_works_at_once(tokens):
    token = tokens.create(name(), ["profiles:read"])
    guess = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert tokens.authenticate(guess) is None
    assert tokens.recently_verified(guess) is None
    assert tokens.authenticate(token) is not None


def test_at_most_size_tokens_are_kept_the_least_recently_used_go_first(tokens):
    made = [tokens.create(name(), ["profiles:read"]) for _ in range(4)]
    for token in made:
        tokens.authenticate(token)
    assert tokens.recently_verified(made[0]) is None
    assert all(tokens.recently_verified(t) is not None for t in made[1:])
    assert len(tokens.verified) == 3


def test_a_malformed_token_is_refused_without_a_lookup(tokens, sql):
    assert tokens.authenticate("not a token") is None
    assert tokens.recently_verified("ps_short") is None
    assert sql.lookups == 0


def test_memory_is_keyed_by_the_hash_never_by_the_token(tokens):
    token = tokens.create(name(), ["profiles:read"])
    found = tokens.authenticate(token)
    assert tokens.verified.get(token_hash(token)) == found
    assert tokens.verified.get(token) is None
