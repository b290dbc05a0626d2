"""`python3 -m luutru.stack run`, started for real on a scratch database: a SIGTERM or SIGHUP
stops the web server, the Celery worker and beat with it, as Ctrl-C does; with DEBUG=0 it
serves the site's own 404 page and its static files."""

import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from kombu import Connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_dsn(url: str, dbname: str) -> str:
    return urlsplit(url)._replace(path=f"/{dbname}").geturl()


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    url = os.environ["DATABASE_URL"]
    name = f"luutru_run_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_dsn(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_dsn(url, name)
    finally:
        with psycopg.connect(server_dsn(url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid``, read from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextlib.contextmanager
def running_stack(debug: str) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    with scratch_database() as database_url:
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            PORT=str(port),
            DEBUG=debug,
            SECRET_KEY="run-test-" + uuid.uuid4().hex,
            DOCUMENT_KEY=base64.b64encode(os.urandom(32)).decode(),
        )
        runner = subprocess.Popen(
            [sys.executable, "-m", "luutru.stack", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                assert runner.poll() is None, "the runner stopped before serving"
                with contextlib.suppress(OSError):
                    if get(f"{base}/accounts/login/")[0] == 200:
                        break
                assert time.monotonic() < deadline, "the portal did not come up in 120 s"
                time.sleep(0.5)
            # The worker and beat start alongside the web server; give them a moment.
            deadline = time.monotonic() + 30
            while len(descendants(runner.pid)) < 3 and time.monotonic() < deadline:
                time.sleep(0.5)
            yield runner, base
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(runner.pid, signal.SIGKILL)
            runner.wait()
            with Connection(os.environ["REDIS_URL"]) as broker:
                broker.default_channel.queue_purge("celery")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_to_the_runner_stops_the_server_the_worker_and_beat(signum):
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        pytest.fail("DATABASE_URL and REDIS_URL must be set: the runner needs real servers.")
    with running_stack(debug="1") as (runner, base):
        children = descendants(runner.pid)
        commands = {Path(f"/proc/{pid}/cmdline").read_bytes() for pid in children}
        assert any(b"runserver" in c for c in commands)
        assert any(b"worker" in c for c in commands)
        assert any(b"beat" in c for c in commands)

        runner.send_signal(signum)

        assert runner.wait(timeout=60) == 0
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if alive(pid)]
        with pytest.raises(OSError):
            get(base + "/accounts/login/")


def test_with_debug_off_the_runner_serves_the_sites_404_and_its_static_files():
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        pytest.fail("DATABASE_URL and REDIS_URL must be set: the runner needs real servers.")
    with running_stack(debug="0") as (runner, base):
        status, body = get(base + "/no-such-page/")
        assert status == 404
        assert "URLconf" not in body
        assert "portal.urls" not in body

        status, login = get(base + "/accounts/login/")
        assert status == 200
        css = login.split('href="/static/css/luutru', 1)[1].split('"', 1)[0]
        assert get(f"{base}/static/css/luutru{css}")[0] == 200

        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=60) == 0
