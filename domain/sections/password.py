"""Password rules: length bounds, zxcvbn strength (with profile context, at a bounded cost),
generation."""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from zxcvbn_rs_py import Entropy, zxcvbn

from domain.errors import RuleViolation

MIN_LENGTH = 12
MAX_LENGTH = 128
STRONG_SCORE = 3
GENERATED_LENGTH = 20
MIN_CONTEXT_WORD = 2
MAX_REJECTIONS = 5  # wrong current passwords within the window before the lock-out
REJECTION_WINDOW = timedelta(minutes=15)  # a single letter adds nothing to the estimate
# No look-alikes (0/O, 1/l/I) so a generated password can be read back and typed.
_GENERATOR_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!@#%^*+="

# The estimator is zxcvbn-rs (the Rust port of zxcvbn, through zxcvbn-rs-py): no shared state
# between calls, so no lock. Its cost grows with the square of the length times the number of
# l33t readings it tries (up to 276 when a password holds every l33t symbol): 0.2 to 0.5 s
# for 128 such characters, holding the GIL. So no call is given more than ESTIMATE_BUDGET of
# that work, nor more than PIECE_MAX code points (zxcvbn-rs silently looks at only the first
# 100): a password that would cost more is estimated in consecutive pieces.
ESTIMATE_BUDGET = 2 * MAX_LENGTH**2
PIECE_MAX = 100
# zxcvbn's l33t table (the same in zxcvbn-rs and zxcvbn-python): the symbols read as each letter.
_L33T_SYMBOLS = ("4@", "8", "({[<", "3", "69", "1!|", "1|7", "0", "$5", "+7", "%", "2")


class PasswordHashing(Protocol):
    """What the Profile needs from a password hasher (the application's port)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


def user_inputs(first_name: str, last_name: str, email: str) -> list[str]:
    """The profile's own words, which a strong password must not lean on.

    The estimator's context splits the e-mail into its parts itself.
    """
    return [first_name, last_name, email]


@dataclass(frozen=True)
class Strength:
    score: int
    strong: bool
    feedback: tuple[str, ...]


def _pieces(text: str, separators: str) -> list[str]:
    """The text's pieces between separators, and the pieces run together."""
    for separator in separators:
        text = text.replace(separator, " ")
    pieces = text.split()
    return [*pieces, "".join(pieces)]


def context_words(user_inputs: Sequence[str]) -> list[str]:
    """The profile's words for zxcvbn: each input and its parts (e-mail local part, domain)."""
    words: list[str] = []
    names: list[str] = []
    for value in user_inputs:
        text = value.strip()
        words.append(text)
        if "@" in text:
            local, _, domain = text.rpartition("@")
            words.extend([local, domain, *domain.split(".")[:-1], *_pieces(local, "._-+")])
        else:
            words.extend(_pieces(text, "-'"))
            names.append(text)
    words.extend(_pieces(" ".join(names), "-'")[-1:])  # the full name run together
    return list(dict.fromkeys(word for word in words if len(word) >= MIN_CONTEXT_WORD))


def estimate_cost(text: str) -> int:
    """An upper bound of the estimator's work on `text`: its length squared times the l33t
    readings it may try (per letter, how many of its symbols the text holds, multiplied)."""
    present = set(text)
    readings = math.prod(max(1, sum(s in present for s in symbols)) for symbols in _L33T_SYMBOLS)
    return len(text) ** 2 * readings


def estimate_pieces(password: str) -> list[str]:
    """The password itself when it is cheap to estimate, else the fewest near-equal consecutive
    pieces that each are: together they are exactly the password (nothing is left out)."""
    count = 1
    while True:
        size = -(-len(password) // count)
        pieces = [password[start : start + size] for start in range(0, len(password), size)]
        if all(len(p) <= PIECE_MAX and estimate_cost(p) <= ESTIMATE_BUDGET for p in pieces):
            return pieces
        count += 1  # one code point alone costs at most 3: this ends


def _messages(entropy: Entropy) -> list[str]:
    feedback = entropy.feedback
    if feedback is None:
        return []
    messages = [str(feedback.warning)] if feedback.warning is not None else []
    return [*messages, *(str(suggestion) for suggestion in feedback.suggestions)]


def _estimate(password: str, user_inputs: Sequence[str]) -> tuple[int, list[str]]:
    """zxcvbn's score and feedback: of the whole password, or of its strongest piece.

    A password estimated in pieces (long and rich in l33t symbols) scores as its strongest
    piece: a pattern spanning two pieces goes unseen, and a password made of weak parts
    stays weak however many there are, which errs on the side of refusing.
    """
    context = context_words(user_inputs)
    strongest = max(
        (zxcvbn(piece, context) for piece in estimate_pieces(password)),
        key=lambda entropy: entropy.guesses,
    )
    return int(strongest.score), _messages(strongest)


def estimate_strength(password: str, user_inputs: Sequence[str] = ()) -> Strength:
    """Score 0 to 4 by zxcvbn (with the profile's words), strong only within the length bounds.

    Length counts code points and nothing is truncated: every code point up to MAX_LENGTH
    is estimated (in pieces when the whole would be costly, see _estimate). A longer
    password is not estimated: it scores 0 and is not strong; so does an empty one.
    """
    length = len(password)
    if 0 < length <= MAX_LENGTH:
        score, messages = _estimate(password, user_inputs)
    else:
        score, messages = 0, []
    if length < MIN_LENGTH:
        messages.append(f"Use at least {MIN_LENGTH} characters.")
    elif length > MAX_LENGTH:
        messages.append(f"Use at most {MAX_LENGTH} characters.")
    strong = score >= STRONG_SCORE and MIN_LENGTH <= length <= MAX_LENGTH
    return Strength(score=score, strong=strong, feedback=tuple(messages))


def check_new_password(
    password: str, user_inputs: Sequence[str] = (), field: str = "new_password"
) -> None:
    """Refuse a new password that is too short, too long or guessable (`weak_password`)."""
    strength = estimate_strength(password, user_inputs)
    if strength.strong:
        return
    if len(password) < MIN_LENGTH:
        message = f"The new password must have at least {MIN_LENGTH} characters."
    elif len(password) > MAX_LENGTH:
        message = f"The new password must have at most {MAX_LENGTH} characters."
    else:
        message = "The new password is too easy to guess."
    raise RuleViolation("weak_password", message, field, feedback=strength.feedback)


def generate_password() -> str:
    """A random password of GENERATED_LENGTH characters that check_new_password accepts."""
    while True:
        password = "".join(secrets.choice(_GENERATOR_ALPHABET) for _ in range(GENERATED_LENGTH))
        if estimate_strength(password).strong:
            return password
