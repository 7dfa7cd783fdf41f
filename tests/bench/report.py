"""Figures beside their floors, printed as one table with the machine they ran on."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class Figure:
    store: str
    name: str
    value: str
    floor: str = ""
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None


def load_average() -> str:
    try:
        with open("/proc/loadavg") as loadavg:
            return " ".join(loadavg.read().split()[:3])
    except OSError:
        return "unknown"


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    python = platform.python_version()
    return f"{os.cpu_count()} CPUs ({model}), Python {python}, {platform.system()}"


def table(figures: list[Figure]) -> Table:
    grid = Table(title="profile-service benchmark", show_lines=False)
    for column in ("store", "figure", "value", "floor", "ratio", "target", "result"):
        numeric = column in ("value", "floor", "ratio")
        grid.add_column(column, justify="right" if numeric else "left")
    for f in figures:
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}x"
        result = "" if f.ok is None else ("[green]pass[/]" if f.ok else "[red]miss[/]")
        grid.add_row(f.store, f.name, f.value, f.floor, ratio, f.target, result)
    return grid


def show(figures: list[Figure], console: Console | None = None) -> None:
    console = console or Console()
    console.print(table(figures))
    console.print(f"machine: {machine()}; load average at the end: {load_average()}")
