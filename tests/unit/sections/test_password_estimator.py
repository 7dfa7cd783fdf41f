"""The strength estimator, zxcvbn-rs, against zxcvbn-python on a corpus of a few hundred varied
passwords (with the profile's words as context): the same score but for the differences named
here; and its cost is bounded while every code point is still estimated."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator

import pytest
import zxcvbn as zxcvbn_python

import domain.sections.password as password_rules
from domain.sections.password import (
    ESTIMATE_BUDGET,
    MAX_LENGTH,
    PIECE_MAX,
    context_words,
    estimate_cost,
    estimate_pieces,
    estimate_strength,
    user_inputs,
)

_WORDS = (
    "the of and river house blue green quiet lantern otter velvet juggle garden window "
    "morning coffee silver mountain ocean winter summer castle dragon tiger purple orange "
    "thunder forest rabbit pencil rocket planet school monkey butter cheese guitar piano "
    "yellow market bridge candle mirror shadow sunset island horse battery staple correct "
    "maison soleil fromage bonjour chateau riviere montagne etoile papillon jardin"
)
WORDS = _WORDS.split(" ")
_COMMON = (
    "123456 password 12345678 qwerty 123456789 12345 111111 dragon 123123 baseball abc123 "
    "football monkey letmein shadow master mustang michael superman batman trustno1 hunter "
    "iloveyou sunshine princess azerty welcome passw0rd starwars whatever freedom computer "
    "soleil motdepasse bonjour chocolat doudou marseille loulou"
)
COMMON = _COMMON.split(" ")
KEYBOARD = ("qwerty", "asdfgh", "zxcvbn", "1qaz2wsx", "qazwsx", "poiuytrewq", "!QAZ2wsx", "azerty")
UNICODE = "éàçöüßøñ鳥静夜明ꙮζωήχαρά"
PROFILES = (
    ("Marie", "Tremblay", "marie@example.com"),
    ("Jean-Pierre", "Dupont", "jean.dupont@example.com"),
    ("Zoë", "Ångström", "zoe.angstrom@exemple.fr"),
    ("Li", "Wei", "li.wei88@mail.cn"),
)
L33T = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"})
# The one systematic difference: zxcvbn-rs reads 1900 to 2099 as recent years (around this
# year), zxcvbn-python 4.5 only 1900 to 2019 (around 2017), so a year of the 2020s is an easy
# guess for zxcvbn-rs and random digits for zxcvbn-python: zxcvbn-rs scores such a password
# lower, never higher, and as zxcvbn-python does once the year is of the 2010s.
YEAR_2020S = re.compile(r"20([2-9])(\d)")


def corpus() -> Iterator[tuple[str, tuple[str, ...]]]:
    rng = random.Random(20260110)
    printable = string.ascii_letters + string.digits + "!@#$%^&*"
    yield from ((word, ()) for word in COMMON)
    for _ in range(40):
        year = rng.choice([rng.randint(1950, 2019), rng.randint(2020, 2030), rng.randint(0, 99)])
        yield rng.choice(COMMON).capitalize() + str(year) + rng.choice("!?.#"), ()
    for _ in range(30):
        yield rng.choice(WORDS).translate(L33T) + rng.choice(["", "1", "!", "2018", "2024"]), ()
    for _ in range(50):
        separator = rng.choice([" ", "-", "", "."])
        yield separator.join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))), ()
    for _ in range(40):
        yield "".join(rng.choice(printable) for _ in range(rng.randint(8, 40))), ()
    for first, last, email in PROFILES:
        context = (first, last, email)
        local, _, domain = email.partition("@")
        for password in (
            first + last, last + first + "1987", f"{first}.{last}2024!".lower(), email,
            local + "123", f"{first}-{rng.randint(1950, 2010)}", last.upper() + "!!" + first,
            domain + "1234", f"{first} loves {rng.choice(WORDS)}", f"{first}{last}{first}",
        ):  # fmt: skip
            yield password, context
        for _ in range(8):
            name = rng.choice([first, last, local])
            yield rng.choice(WORDS).capitalize() + name + str(rng.randint(0, 99)), context
    for _ in range(25):
        yield rng.choice(KEYBOARD) * rng.randint(1, 3) + str(rng.randint(0, 999)), ()
    for _ in range(20):
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2019)
        yield f"{day:02d}/{month:02d}/{year}" + rng.choice(["", "x", "abc"]), ()
    for _ in range(15):
        sequence = rng.choice(["abcdef", "123456789", "98765", "zyxwv", "acegik"])
        yield sequence + rng.choice(WORDS), ()
    for _ in range(15):
        yield rng.choice(["ab", "xyz", "1", "aB3", "love"]) * rng.randint(3, 10), ()
    for _ in range(20):
        text = "".join(rng.choice(UNICODE) for _ in range(rng.randint(4, 16)))
        yield text + rng.choice(WORDS), ()
    for _ in range(25):
        yield " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))), ()


CORPUS = list(corpus())


def python_score(password: str, context: tuple[str, ...]) -> int:
    words = context_words(context)
    return int(zxcvbn_python.zxcvbn(password, user_inputs=words, max_length=200)["score"])


def test_the_corpus_is_a_few_hundred_varied_passwords_most_with_context_somewhere() -> None:
    passwords = {password for password, _ in CORPUS}
    assert len(passwords) >= 350
    assert sum(1 for _, context in CORPUS if context) >= 60
    assert any(len(p) >= 40 for p in passwords) and any(not p.isascii() for p in passwords)
    assert all(estimate_pieces(p) == [p] for p in passwords)  # each is estimated whole


def test_scores_as_zxcvbn_python_does_but_for_the_named_differences() -> None:
    same, differences = 0, []
    for password, context in CORPUS:
        ours = estimate_strength(password, user_inputs(*context) if context else ()).score
        theirs = python_score(password, context)
        if ours == theirs:
            same += 1
        else:
            differences.append((password, ours, theirs))
    assert same >= 0.97 * len(CORPUS)
    assert differences  # the corpus holds years of the 2020s
    for password, ours, theirs in differences:
        assert YEAR_2020S.search(password), (password, ours, theirs)
        assert ours < theirs, (password, ours, theirs)


def test_a_year_of_the_2020s_alone_makes_the_difference() -> None:
    differing = [
        (password, context)
        for password, context in CORPUS
        if YEAR_2020S.search(password)
        and estimate_strength(password, user_inputs(*context) if context else ()).score
        != python_score(password, context)
    ]
    assert differing
    for password, context in differing:
        earlier = YEAR_2020S.sub(r"201\2", password)
        inputs = user_inputs(*context) if context else ()
        assert estimate_strength(earlier, inputs).score == python_score(earlier, context)


# --- the cost, bounded ---------------------------------------------------------------

WORST = ("4@8(6{3[1!|0$5+7%2<9" * 7)[:MAX_LENGTH]  # every l33t symbol: the most readings


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the estimator is given, call by call."""
    given: list[str] = []
    real = password_rules.zxcvbn

    def spy(password: str, inputs: list[str] | None = None):  # type: ignore[no-untyped-def]
        given.append(password)
        return real(password, inputs)

    monkeypatch.setattr(password_rules, "zxcvbn", spy)
    return given


def test_a_worst_case_128_character_password_is_estimated_in_cheap_pieces_covering_it_all(
    calls: list[str],
) -> None:
    assert estimate_cost(WORST) > 100 * ESTIMATE_BUDGET  # what one call on the whole would cost
    strength = estimate_strength(WORST, user_inputs("Marie", "Tremblay", "marie@example.com"))
    assert strength.strong  # as zxcvbn-python says, after 2 s
    assert "".join(calls) == WORST  # every code point, each once, in order
    assert 2 <= len(calls) <= 16
    assert all(estimate_cost(piece) <= ESTIMATE_BUDGET for piece in calls)


def test_a_cheap_password_is_estimated_whole_in_one_call(calls: list[str]) -> None:
    password = "correct horse battery staple 42"
    estimate_strength(password)
    assert calls == [password]


def test_no_piece_is_longer_than_what_zxcvbn_rs_looks_at(calls: list[str]) -> None:
    password = "Zebra quilt river " * 7 + "xy"  # 128 characters, few l33t symbols
    assert len(password) == MAX_LENGTH and estimate_cost(password) <= ESTIMATE_BUDGET
    estimate_strength(password)
    assert "".join(calls) == password
    assert all(len(piece) <= PIECE_MAX for piece in calls) and len(calls) == 2


@pytest.mark.parametrize(
    "password",
    [
        "".join(random.Random(5).choices(string.printable[:94], k=MAX_LENGTH)),
        "a" * 100 + "Xq9#kZ2!vR7@mL4$wN8%",
    ],
)
def test_a_long_password_estimated_in_pieces_is_strong_as_zxcvbn_python_says(
    password: str,
) -> None:
    assert len(estimate_pieces(password)) > 1
    assert estimate_strength(password).strong
    assert python_score(password, ()) >= 3


@pytest.mark.parametrize("unit", ["4@4@", "1|1|", "@@@@!!!!"])
def test_a_long_repetitive_password_estimated_in_pieces_stays_weak(unit: str) -> None:
    password = (unit * MAX_LENGTH)[:MAX_LENGTH]
    assert len(estimate_pieces(password)) > 1
    assert not estimate_strength(password).strong
    assert python_score(password, ()) < 3
