"""HTTP commands under wrk on loopback, beside the application layer driven by as many threads."""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

from application.context import CommandContext
from application.service import ProfileService
from tests.bench.stores import BenchStore

# One command per request, always a change: link the profile's X account to a new URL.
LUA = """
local ids = {%(ids)s}
local threads, counter, mine = %(threads)d, 0, {}
local n = 0
function setup(thread) thread:set("tid", n); n = n + 1 end
function init(args)
  for i, id in ipairs(ids) do if (i - 1) %% threads == tid then mine[#mine + 1] = id end end
end
function request()
  counter = counter + 1
  local id = mine[(counter %% #mine) + 1]
  local body = '{"url": "https://x.com/%(tag)s' .. tid .. 'n' .. counter .. '"}'
  return wrk.format("PUT", "/v1/profiles/" .. id .. "/social/twitter",
    {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json",
     ["X-Actor"] = "service:bench"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%d, ' ..
    '"p99_us": %%d, "socket_errors": %%d, "status_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class Load:
    clients: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed (make bench installs it with apt-get)")
    return path


def wait_healthy(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    """Until the server at `url` answers /healthz; an error if it stops or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (status {process.returncode})")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("the server did not answer /healthz")


class Server:
    """`profile-service serve` in a process of its own, on 127.0.0.1."""

    def __init__(self, store: BenchStore, log: Path, *options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adapters.entrypoints.cli.main", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), *options],
            env={**os.environ, **store.env}, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0) -> None:
        wait_healthy(self.process, self.url, timeout)

    def peak_rss_mib(self) -> float:
        """VmHWM, the peak resident set size, of the server and of its worker processes."""
        pids = [self.process.pid, *_children(self.process.pid)]
        return sum(_peak_rss_kib(pid) for pid in pids) / 1024

    def processes(self) -> int:
        return 1 + len(_children(self.process.pid))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


def _children(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            pids = [int(child) for child in children.read().split()]
    except OSError:
        return []
    return [child for child in pids if b"resource_tracker" not in _cmdline(child)]


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except OSError:
        return b""


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("VmHWM not found")


def check_command(url: str, token: str, profile_id: UUID) -> None:
    """One request by hand first: the load is only worth measuring if it succeeds."""
    request = urllib.request.Request(
        f"{url}/v1/profiles/{profile_id}/social/twitter",
        data=json.dumps({"url": f"https://x.com/check{uuid4().hex[:8]}"}).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.loads(response.read())
    if answer.get("events") != ["SocialAccountLinked"]:
        raise RuntimeError(f"the command did not record its event: {answer}")


def wrk_load(url: str, token: str, profiles: Sequence[UUID], clients: int,
             seconds: float) -> Load:
    threads = min(clients, 2)
    script = LUA % {"ids": ",".join(f'"{p}"' for p in profiles), "threads": threads,
                    "tag": f"c{clients}t", "token": token}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        completed = subprocess.run(
            [wrk_path(), "-t", str(threads), "-c", str(clients), "-d", f"{seconds:.0f}s",
             "--timeout", "5s", "-s", file.name, url],
            capture_output=True, text=True, check=True, timeout=seconds + 30,
        )
    finally:
        os.unlink(file.name)
    line = next(ln for ln in completed.stdout.splitlines() if ln.startswith('{"requests"'))
    stats = json.loads(line)
    return Load(clients, stats["requests"] / (stats["duration_us"] / 1e6),
                stats["p50_us"] / 1000, stats["p99_us"] / 1000,
                stats["socket_errors"] + stats["status_errors"])


@dataclass(frozen=True)
class Usage:
    """What the server's process and the whole machine did during one load."""
    busy_cpus: float  # the server's CPU seconds per second of the load
    user_us: float  # the server's CPU per request, in Python and C
    system_us: float  # ... in the kernel (sockets, futexes, file writes)
    idle_share: float  # of the machine's CPU time (waiting on I/O counted idle)
    steal_share: float  # taken by the hypervisor: a noisy neighbour


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (utime is [11], stime [12]);
    None once the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _process_ticks(pid: int) -> tuple[int, int]:
    fields = proc_stat(pid)
    if fields is None:
        raise RuntimeError(f"the server (pid {pid}) stopped during the load")
    return int(fields[11]), int(fields[12])


def _machine_ticks() -> list[int]:
    with open("/proc/stat") as stat:
        return [int(x) for x in stat.readline().split()[1:9]]


def measured_load(server: Server, token: str, profiles: Sequence[UUID], clients: int,
                  seconds: float) -> tuple[Load, Usage]:
    """wrk_load, with the server's CPU (user and system) and the machine's idle and steal."""
    tick = os.sysconf("SC_CLK_TCK")
    process, machine, began = _process_ticks(server.process.pid), _machine_ticks(), time.monotonic()
    load = wrk_load(server.url, token, profiles, clients, seconds)
    elapsed = time.monotonic() - began
    user, system = (b - a for a, b in zip(process, _process_ticks(server.process.pid), strict=True))
    spent = [b - a for a, b in zip(machine, _machine_ticks(), strict=True)]
    requests = load.per_second * seconds
    usage = Usage((user + system) / tick / elapsed, user / tick / requests * 1e6,
                  system / tick / requests * 1e6, (spent[3] + spent[4]) / sum(spent),
                  spent[7] / sum(spent))
    return load, usage


def app_threads_load(service: ProfileService, profiles: Sequence[UUID], clients: int,
                     seconds: float) -> Load:
    """The same command through the application layer, from `clients` threads at once."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    start_line = threading.Barrier(clients + 1)
    deadline = 0.0

    def client(n: int) -> None:
        mine = profiles[n::clients]
        start_line.wait()
        count = 0
        while time.perf_counter() < deadline:
            count += 1
            ctx = CommandContext(actor="service:bench", correlation_id=str(uuid4()))
            began = time.perf_counter()
            service.link_social(mine[count % len(mine)], "twitter",
                                f"https://x.com/f{clients}t{n}n{count}", ctx)
            latencies[n].append(time.perf_counter() - began)

    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline = began + seconds
    start_line.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    every = sorted(t for per in latencies for t in per)
    return Load(clients, len(every) / elapsed, statistics.median(every) * 1000,
                every[int(len(every) * 0.99) - 1] * 1000)


@contextmanager
def served(store: BenchStore, log: Path, *options: str) -> Iterator[Server]:
    server = Server(store, log, *options)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
