"""The password strength estimate: zxcvbn-rs with its bounded cost against zxcvbn-python."""

from __future__ import annotations

import random
import statistics
import string
import time
from collections.abc import Callable, Iterator

import zxcvbn as zxcvbn_python

from domain.sections.password import MAX_LENGTH, context_words, estimate_strength, user_inputs
from tests.bench.report import Figure

PROFILE = user_inputs("Marie", "Tremblay", "marie@example.com")
CASES = {
    "a 31-character passphrase": "correct horse battery staple 42",
    "128 random printable characters": "".join(
        random.Random(1).choices(string.ascii_letters + string.digits + string.punctuation,
                                 k=MAX_LENGTH)
    ),
    "128 characters, every l33t symbol (worst case)": ("4@8(6{3[1!|0$5+7%2<9" * 7)[:MAX_LENGTH],
}


def median_ms(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def figures() -> Iterator[Figure]:
    words = context_words(PROFILE)
    for name, password in CASES.items():
        ours = median_ms(lambda p=password: estimate_strength(p, PROFILE), 50)
        theirs = median_ms(  # the estimator before: zxcvbn-python on the whole password
            lambda p=password: zxcvbn_python.zxcvbn(p, user_inputs=words, max_length=MAX_LENGTH),
            3,
        )
        yield Figure("both", f"password strength, {name} (ms)", f"{ours:.2f}",
                     f"{theirs:.1f} (zxcvbn-python)", ours / theirs, "< 50 ms", ours < 50)
