"""cProfile self time, attributed to the stages of a command by each function's module.

Every profiled function's self time (tottime) goes to one stage. A function in a module of
its own stage (pydantic, phonenumbers, domain/, psycopg, structlog …) takes it; a function
of shared code (built-ins, the standard library's json, copy, uuid, hmac, datetime …, and
anything else no rule names) passes it to its callers, in proportion to the time each
caller spent in it (cProfile keeps that per caller), and so on up to the first caller with
a stage. So a `json.dumps` of the idempotency fingerprint counts as the fingerprint, the
same built-in under the event transcoder as event encoding. The stages sum to the total.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Key = tuple[str, int, str]  # (file, line, function), cProfile's own key
Bias = tuple[float, float]  # seconds per call the profiler adds: to the callee, the caller
Rule = tuple[str, Callable[[str], bool] | None, str | None]

VALIDATION = "input validation and field libraries"
DECISION = "domain decision"
ENCODING = "event encoding and mapper"
FINGERPRINT = "idempotency fingerprint"
MACHINERY = "application layer (cache, locks, command)"
RECORDER = "recorder (SQL driver and store)"
PARSING = "HTTP parsing (server)"
DEPENDENCIES = "dependencies (FastAPI)"
ROUTING = "routing and endpoint (FastAPI, Starlette)"
MIDDLEWARE = "middleware (incl. bearer token)"
LOGGING = "logging"
RESPONSE = "response encoding"
LOOP = "event loop and threads"
OTHER = "other"
STAGES = (VALIDATION, DECISION, ENCODING, FINGERPRINT, MACHINERY, RECORDER, PARSING,
          DEPENDENCIES, ROUTING, MIDDLEWARE, LOGGING, RESPONSE, LOOP, OTHER)


def _named(*names: str) -> Callable[[str], bool]:
    return lambda function: function in names


def _prefixed(*prefixes: str) -> Callable[[str], bool]:
    return lambda function: function.startswith(prefixes)


_SERIALIZE = _prefixed("serialize", "dump", "to_python", "to_json", "model_dump", "jsonable")
_RECORDING = _named("put", "insert_events", "select_events", "get")
# First match wins: (a fragment of the file's path, an optional test of the function's
# name, the stage). Fragments are matched against the path with "/" separators.
RULES: tuple[Rule, ...] = (
    ("application/idempotency.py", None, FINGERPRINT),
    ("/fastapi/routing.py", _prefixed("serialize_response", "_prepare_response"), RESPONSE),
    ("/fastapi/_compat", _SERIALIZE, RESPONSE),
    ("/fastapi/encoders.py", None, RESPONSE),
    ("/starlette/responses.py", None, RESPONSE),
    ("/orjson", None, RESPONSE),
    ("/pydantic/", _SERIALIZE, RESPONSE),
    ("/pydantic", None, VALIDATION),
    ("/phonenumbers/", None, VALIDATION),
    ("/email_validator/", None, VALIDATION),
    ("/idna/", None, VALIDATION),
    ("/stdnum/", None, VALIDATION),
    ("/pycountry/", None, VALIDATION),
    ("domain/inputs.py", None, VALIDATION),
    ("domain/text.py", None, VALIDATION),
    ("domain/sections/", None, VALIDATION),
    ("domain/", None, DECISION),
    ("/eventsourcing/domain.py", None, DECISION),
    ("/eventsourcing/persistence.py", _RECORDING, RECORDER),
    ("/eventsourcing/persistence.py", None, ENCODING),
    ("/eventsourcing/utils.py", None, ENCODING),
    ("adapters/security/tokens.py", None, MIDDLEWARE),
    ("adapters/security/", None, ENCODING),  # the personal-data cipher and its data keys
    ("/cryptography/", None, ENCODING),
    ("/json/", None, None),  # shared: its callers say (fingerprint, events, logs, answers)
    ("/eventsourcing/sqlite.py", None, RECORDER),
    ("/eventsourcing/postgres.py", None, RECORDER),
    ("/psycopg", None, RECORDER),
    ("/sqlite3/", None, RECORDER),
    ("adapters/eventstore/", None, RECORDER),
    ("/eventsourcing/", None, MACHINERY),
    ("application/", None, MACHINERY),
    ("adapters/bootstrap.py", None, MACHINERY),
    ("/h11/", None, PARSING),
    ("/httptools/", None, PARSING),
    ("/uvicorn/protocols/", None, PARSING),
    ("/granian/", None, PARSING),
    ("adapters/entrypoints/http/middleware.py", None, MIDDLEWARE),
    ("/starlette/middleware/", None, MIDDLEWARE),
    ("adapters/entrypoints/http/deps.py", None, DEPENDENCIES),
    ("adapters/entrypoints/http/context.py", None, DEPENDENCIES),
    ("adapters/entrypoints/http/lean.py", None, DEPENDENCIES),
    ("/fastapi/dependencies/", None, DEPENDENCIES),
    ("/fastapi/security/", None, DEPENDENCIES),
    ("/fastapi/params.py", None, DEPENDENCIES),
    ("/fastapi/", None, ROUTING),
    ("/starlette/", None, ROUTING),
    ("adapters/entrypoints/http/", None, ROUTING),
    ("/structlog/", None, LOGGING),
    ("/logging/", None, LOGGING),
    ("adapters/logging.py", None, LOGGING),
    ("/anyio/", None, LOOP),
    ("/asyncio/", None, LOOP),
    ("/uvloop/", None, LOOP),
    ("/threading.py", None, LOOP),
    ("/concurrent/", None, LOOP),
    ("/queue.py", None, LOOP),
    ("/selectors.py", None, LOOP),
    ("/sniffio/", None, LOOP),
)
# Built-ins named after their module (cProfile's file "~"), when no caller could say.
BUILTIN_HINTS = (("sqlite3", RECORDER), ("psycopg", RECORDER), ("_asyncio", LOOP),
                 ("_thread", LOOP), ("select.", LOOP), ("_hashlib", OTHER))


def stage_of_function(key: Key) -> str | None:
    """The stage of a function's own module, or None for shared code (its callers say)."""
    path, _, function = key
    path = path.replace("\\", "/")
    for fragment, test, stage in RULES:
        if fragment in path and (test is None or test(function)):
            return stage
    return None if path == "~" or "/python3." in path else OTHER


@dataclass(frozen=True)
class Breakdown:
    """Seconds of profiled self time per stage, over `commands` commands."""

    seconds: Mapping[str, float]
    commands: int

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    def us_per_command(self, stage: str) -> float:
        return self.seconds.get(stage, 0.0) / self.commands * 1e6

    def share(self, stage: str) -> float:
        return self.seconds.get(stage, 0.0) / self.total if self.total else 0.0


def breakdown(stats: pstats.Stats, commands: int, bias: Bias = (0.0, 0.0)) -> Breakdown:
    """Self time by stage; less, per call, the profiler's own cost (`bias`, see calibrate):
    `bias[0]` lands in the function called, `bias[1]` in its caller."""
    raw: dict[Key, tuple[int, int, float, float, dict[Key, tuple[float, ...]]]]
    raw = stats.stats  # type: ignore[attr-defined]
    shares: dict[Key, dict[str, float]] = {}
    calls_made: dict[Key, float] = {}
    for entry in raw.values():
        for caller, (calls, *_) in entry[4].items():
            calls_made[caller] = calls_made.get(caller, 0.0) + calls

    def distribution(key: Key, seen: frozenset[Key]) -> dict[str, float]:
        if key in shares:
            return shares[key]
        own = stage_of_function(key)
        if own is not None:
            return {own: 1.0}
        callers = raw[key][4] if key in raw else {}
        weights = {c: float(v[2]) for c, v in callers.items() if c not in seen and c in raw}
        total = sum(weights.values())
        if total <= 0:
            result = {_builtin_stage(key): 1.0}
        else:
            result = {}
            for caller, weight in weights.items():
                for stage, part in distribution(caller, seen | {key}).items():
                    result[stage] = result.get(stage, 0.0) + part * weight / total
        shares[key] = result  # in a cycle: without the edge back (an approximation)
        return result

    seconds = dict.fromkeys(STAGES, 0.0)
    for key, (_, calls, self_time, _, _) in raw.items():
        self_time = max(self_time - calls * bias[0] - calls_made.get(key, 0.0) * bias[1], 0.0)
        for stage, part in distribution(key, frozenset()).items():
            seconds[stage] += self_time * part
    return Breakdown(seconds, commands)


def calibrate(profiler: Callable[[], cProfile.Profile], calls: int = 200_000) -> Bias:
    """What cProfile adds per call, in the callee's and in the caller's self time: a loop of
    calls to a function that does nothing, with and without the profiler."""

    def nothing() -> None:
        pass

    def loop() -> None:
        for _ in range(calls):
            nothing()

    began = time.thread_time()
    loop()
    plain = (time.thread_time() - began) / calls
    profile = profiler()
    profile.enable()
    loop()
    profile.disable()
    raw = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    callee = sum(v[2] for k, v in raw.items() if k[2] == "nothing") / calls
    caller = sum(v[2] for k, v in raw.items() if k[2] == "loop") / calls
    return callee, max(caller - plain, 0.0)  # the loop's own work is `plain`


def _builtin_stage(key: Key) -> str:
    for hint, stage in BUILTIN_HINTS:
        if hint in key[2]:
            return stage
    return OTHER
