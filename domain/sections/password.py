"""Password rules: length bounds, zxcvbn strength with profile context, generation."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from zxcvbn import zxcvbn

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

# zxcvbn stores the user inputs in a module-level dictionary during each call, so two
# concurrent calls could see each other's inputs: serialise them.
_ZXCVBN_LOCK = threading.Lock()


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


def _context_words(user_inputs: Sequence[str]) -> list[str]:
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


def _estimate(password: str, user_inputs: Sequence[str]) -> tuple[int, list[str]]:
    """zxcvbn's score and feedback over the whole password (the caller bounds its length)."""
    with _ZXCVBN_LOCK:
        result: dict[str, Any] = zxcvbn(
            password, user_inputs=_context_words(user_inputs), max_length=MAX_LENGTH
        )
    feedback: dict[str, Any] = result["feedback"]
    messages = [str(feedback["warning"])] if feedback.get("warning") else []
    messages.extend(str(suggestion) for suggestion in feedback.get("suggestions", ()))
    return int(result["score"]), messages


def estimate_strength(password: str, user_inputs: Sequence[str] = ()) -> Strength:
    """Score 0 to 4 by zxcvbn (with the profile's words), strong only within the length bounds.

    Length counts code points and nothing is truncated. zxcvbn refuses input over its
    max_length (72 by default, raised here to MAX_LENGTH) and its cost grows quickly
    with length, so a longer password is not estimated: it scores 0 and is not strong.
    zxcvbn also fails on an empty string, which scores 0 here too.
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
