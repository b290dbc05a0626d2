"""Run the load test: gunicorn as in production, locust headless, and the figures.

    .venv/bin/python bench/load/run.py ramp [--step-users 20] [--step-seconds 60]
    .venv/bin/python bench/load/run.py hold [--rate 150] [--minutes 10] [--users 300]

Against DATABASE_URL (and REDIS_URL), filled by bench/load/generate.py with the same
DOCUMENT_KEY (default: the development key that generate.py gets under DEBUG=1). Starts
gunicorn (DEBUG off, gthread workers, static files collected to /tmp), waits for /healthz,
runs locust with bench/load/locustfile.py, then prints: requests/s, p50/p95/p99 per request
type (the filing POST on its own line), failures and errors, the CPU seconds gunicorn (master
and workers) spent per request, and the workers' RSS at the start of the measured window and
after 50,000 requests (or at the end, if fewer).

- ``ramp``: more users every step until failures, a filing p99 over 100 ms or a throughput that
  stops rising; prints every step and where it broke.
- ``hold``: a constant filing rate (``--rate`` check-ins per second, spread over the
  receptionists: 70 % of ``--users``) for ``--minutes``; says whether 0 errors and a filing p99
  of at most 100 ms were met.

Results (locust CSVs, the steps as JSON lines, a summary JSON) go to --out (default
/tmp/luutru-load/<mode>-<time>/).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENV = ROOT / ".venv" / "bin"
# The key generate.py encrypts with when run with DEBUG=1 (luutru/settings.py's development
# key): the server must decrypt what the generator wrote.
DEVELOPMENT_DOCUMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seSBkb2N1bWVudCBrZXkhISE="
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
RSS_AFTER = 50_000
FILING = "file (POST)"
P99_TARGET_MS = 100


# --- /proc ----------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command may contain spaces: fields start after the last ")".
    return raw[raw.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int, *, with_children: bool) -> float:
    """utime + stime of a process (fields 14, 15), plus its waited-for children's."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def rss_mb(pid: int) -> float:
    fields = _stat(pid)
    return int(fields[21]) * PAGE / 2**20 if fields else 0.0


class Sampler(threading.Thread):
    """Once a second: gunicorn's CPU (master with its dead children's, and the live workers),
    the workers' RSS, locust's CPU, the machine's busy share; the RSS is kept when locust's
    running count of requests passes RSS_AFTER."""

    def __init__(self, master: int, progress: Path) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.progress = progress
        self.locust: int | None = None
        self.samples: list[dict] = []
        self.rss_after: dict | None = None
        self.stopped = threading.Event()

    def take(self) -> dict:
        workers = children(self.master)
        gunicorn = cpu_seconds(self.master, with_children=True) + sum(
            cpu_seconds(w, with_children=False) for w in workers
        )
        with open("/proc/stat") as stat:
            cpu = [int(x) for x in stat.readline().split()[1:]]
        return {
            "time": time.time(),
            "gunicorn_cpu": gunicorn,
            "locust_cpu": cpu_seconds(self.locust, with_children=True) if self.locust else 0.0,
            "machine_busy": sum(cpu) - cpu[3] - cpu[4],
            "machine_total": sum(cpu),
            "rss": {w: round(rss_mb(w), 1) for w in workers},
        }

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            sample = self.take()
            self.samples.append(sample)
            if self.rss_after is None and self.progress.exists():
                try:
                    _, requests, _ = self.progress.read_text().split()
                except ValueError:
                    continue
                if int(requests) >= RSS_AFTER:
                    self.rss_after = {"requests": int(requests), "rss": sample["rss"]}

    def at(self, moment: float) -> dict:
        """The sample nearest to a moment."""
        return min(self.samples, key=lambda s: abs(s["time"] - moment))


# --- gunicorn and locust --------------------------------------------------------------------


def server_environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL must point at the database bench/load/generate.py filled")
    env.setdefault("DOCUMENT_KEY", DEVELOPMENT_DOCUMENT_KEY)
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    env.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": "/tmp/luutru-load-static",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_gunicorn(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen:
    subprocess.run(
        [str(VENV / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    command = [
        str(VENV / "gunicorn"),
        "luutru.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "5",
        "--timeout",
        "60",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run_locust(
    args: argparse.Namespace, out: Path, shape_env: dict[str, str], sampler: Sampler
) -> int:
    env = {**os.environ, **shape_env, "LOAD_STEPS_FILE": str(out / "steps.jsonl")}
    command = [
        str(VENV / "locust"),
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "-u",
        shape_env.get("LOAD_USERS", "1"),
        "-r",
        shape_env.get("LOAD_SPAWN_RATE", "10"),
        "-t",
        f"{args.time_limit}s",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
    ]
    print("$ " + " ".join(command), flush=True)
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    sampler.locust = process.pid
    return process.wait()


# --- the report -----------------------------------------------------------------------------


def windows(out: Path) -> tuple[list[dict], list[dict], list[dict]]:
    path = out / "steps.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return (
        [r for r in lines if r["event"] == "measure"],
        [r for r in lines if r["event"] == "window"],
        [r for r in lines if r["event"] == "break"],
    )


def cost(sampler: Sampler, start: float, end: float, requests: int) -> dict:
    a, b = sampler.at(start), sampler.at(end)
    seconds = b["time"] - a["time"] or 1.0
    busy = (b["machine_busy"] - a["machine_busy"]) / max(b["machine_total"] - a["machine_total"], 1)
    return {
        "gunicorn_cpu_s": b["gunicorn_cpu"] - a["gunicorn_cpu"],
        "cpu_s_per_request": (b["gunicorn_cpu"] - a["gunicorn_cpu"]) / max(requests, 1),
        "gunicorn_cores": (b["gunicorn_cpu"] - a["gunicorn_cpu"]) / seconds,
        "locust_cores": (b["locust_cpu"] - a["locust_cpu"]) / seconds,
        "machine_busy": busy,
    }


def print_window(record: dict) -> None:
    entries = record["entries"]
    print(f"  {'request':<24} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} {'fail':>5}")
    names = sorted(entries, key=lambda n: (n == "ALL", n != FILING, n))
    for name in names:
        e = entries[name]
        print(
            f"  {name:<24} {e['rps']:7.1f} {e['p50']:6.0f} {e['p95']:6.0f} {e['p99']:6.0f} "
            f"{e['max']:7.0f} {e['failures']:5d}"
        )
    for error in record["errors"][:10]:
        print(f"  error x{error['count']}: {error['name']}: {error['error'][:150]}")


def print_cost(figures: dict) -> None:
    print(
        f"  gunicorn CPU {figures['cpu_s_per_request'] * 1000:.1f} ms per request "
        f"({figures['gunicorn_cores']:.2f} cores); locust {figures['locust_cores']:.2f} cores; "
        f"machine busy {figures['machine_busy'] * 100:.0f} %"
    )


def rss_line(label: str, rss: dict) -> str:
    values = list(rss.values())
    return (
        f"{label}: {', '.join(f'{v:.0f}' for v in values)} MB (total {sum(values):.0f} MB)"
        if values
        else f"{label}: -"
    )


def report_ramp(out: Path, sampler: Sampler) -> dict:
    measures, records, breaks = windows(out)
    print("\n== ramp ==")
    print(
        f"{'step':>4} {'users':>5} {'req/s':>7} {'filings/s':>9} {'file p50':>8} {'p95':>5} "
        f"{'p99':>5} {'others p99':>10} {'fail':>5} {'CPU ms/req':>10} {'busy':>5}"
    )
    steps = []
    for measure, record in zip(measures, records, strict=False):
        total = record["entries"].get("ALL", {})
        filing = record["entries"].get(FILING, {})
        others = max(
            (e["p99"] for n, e in record["entries"].items() if n not in ("ALL", FILING)),
            default=0,
        )
        figures = cost(sampler, measure["time"], record["time"], total.get("requests", 0))
        steps.append({**record, "cost": figures})
        print(
            f"{record['step']:>4} {record['users']:>5} {total.get('rps', 0):7.1f} "
            f"{filing.get('rps', 0):9.1f} {filing.get('p50', 0):8.0f} {filing.get('p95', 0):5.0f} "
            f"{filing.get('p99', 0):5.0f} {others:10.0f} {total.get('failures', 0):5d} "
            f"{figures['cpu_s_per_request'] * 1000:10.1f} {figures['machine_busy'] * 100:4.0f}%"
        )
    if breaks:
        print(f"\nbroke at step {breaks[0]['step']}: {'; '.join(breaks[0]['reasons'])}")
    if steps:
        best = max(steps, key=lambda s: s["entries"].get("ALL", {}).get("rps", 0))
        print(
            f"highest throughput: {best['entries']['ALL']['rps']:.1f} req/s with "
            f"{best['users']} users (step {best['step']})"
        )
        print(f"\nlast step ({steps[-1]['users']} users) in detail:")
        print_window(steps[-1])
    return {"steps": steps, "break": breaks[0] if breaks else None}


def report_hold(out: Path, sampler: Sampler, args: argparse.Namespace) -> dict:
    measures, records, _ = windows(out)
    if not records:
        print("no measured window: the run ended before the warm-up was over")
        return {}
    measure, record = measures[-1], records[-1]
    total = record["entries"].get("ALL", {})
    filing = record["entries"].get(FILING, {})
    figures = cost(sampler, measure["time"], record["time"], total.get("requests", 0))
    print(f"\n== hold: {args.rate:g} check-ins/s wanted, {record['window']:.0f} s measured ==")
    print_window(record)
    print_cost(figures)
    start_rss = sampler.at(measure["time"])["rss"]
    print(rss_line("worker RSS at the start of the window", start_rss))
    if sampler.rss_after:
        print(rss_line(f"worker RSS after {sampler.rss_after['requests']:,} requests",
                       sampler.rss_after["rss"]))  # fmt: skip
    else:
        print(rss_line(f"worker RSS at the end (fewer than {RSS_AFTER:,} requests)",
                       sampler.samples[-1]["rss"]))  # fmt: skip
    errors = total.get("failures", 0)
    met_rate = filing.get("rps", 0) >= args.rate * 0.95
    met_p99 = filing.get("p99", 1e9) <= P99_TARGET_MS
    verdict = "MET" if errors == 0 and met_p99 and met_rate else "MISSED"
    print(
        f"\ntarget (0 errors, filing p99 <= {P99_TARGET_MS} ms at {args.rate:g}/s): {verdict} — "
        f"{errors} errors, filing p99 {filing.get('p99', 0):.0f} ms, "
        f"{filing.get('rps', 0):.1f} filings/s"
    )
    return {
        "window": record,
        "cost": figures,
        "rss_start": start_rss,
        "rss_after": sampler.rss_after,
        "verdict": verdict,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["ramp", "hold"])
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "3")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("LOAD_THREADS", "4")))
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--rate", type=float, default=150.0, help="hold: check-ins per second")
    parser.add_argument("--users", type=int, default=300, help="hold: users (70 %% desks)")
    parser.add_argument("--minutes", type=float, default=10.0, help="hold: measured minutes")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds not measured")
    parser.add_argument("--step-users", type=int, default=20)
    parser.add_argument("--step-seconds", type=float, default=60.0)
    parser.add_argument("--desk-rate", type=float, default=0.5, help="ramp: filings/s per desk")
    parser.add_argument("--max-users", type=int, default=700)
    parser.add_argument(
        "--p99-ms", type=float, default=P99_TARGET_MS, help="ramp: the filing p99 that stops it"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    out = args.out or Path("/tmp/luutru-load") / f"{args.mode}-{time.strftime('%Y%m%d-%H%M%S')}"
    out.mkdir(parents=True, exist_ok=True)
    if args.mode == "hold":
        desks = round(args.users * 0.7)
        shape_env = {
            "LOAD_MODE": "hold",
            "LOAD_USERS": str(args.users),
            "LOAD_SPAWN_RATE": "20",
            "LOAD_WARMUP_SECONDS": str(args.warmup),
            "LOAD_HOLD_SECONDS": str(args.minutes * 60),
            "LOAD_DESK_RATE": str(args.rate / desks),
        }
        args.time_limit = int(args.users / 20 + args.warmup + args.minutes * 60 + 60)
    else:
        shape_env = {
            "LOAD_MODE": "ramp",
            "LOAD_STEP_USERS": str(args.step_users),
            "LOAD_STEP_SECONDS": str(args.step_seconds),
            "LOAD_WARMUP_SECONDS": str(min(args.warmup, args.step_seconds / 2)),
            "LOAD_MAX_USERS": str(args.max_users),
            "LOAD_DESK_RATE": str(args.desk_rate),
            "LOAD_P99_MS": str(args.p99_ms),
        }
        args.time_limit = int((args.max_users / args.step_users + 1) * args.step_seconds)

    env = server_environment(args)
    server = start_gunicorn(args, env)
    sampler = Sampler(server.pid, out / "steps.jsonl.progress")
    boot = sampler.take()
    sampler.start()
    print(
        f"gunicorn {server.pid}: {args.workers} workers x {args.threads} threads; "
        + rss_line("worker RSS at boot", boot["rss"]),
        flush=True,
    )
    try:
        run_locust(args, out, shape_env, sampler)
    finally:
        sampler.stopped.set()
        sampler.join()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    conditions = {
        "mode": args.mode,
        "workers": args.workers,
        "threads": args.threads,
        "database": env["DATABASE_URL"],
        "cores": os.cpu_count(),
        "load_average_after": os.getloadavg(),
        "rss_boot": boot["rss"],
    }
    summary = report_ramp(out, sampler) if args.mode == "ramp" else report_hold(out, sampler, args)
    load1, load5, _ = os.getloadavg()
    print(f"\nconditions: {os.cpu_count()} cores, load average {load1:.1f} / {load5:.1f} (1/5 min)")
    print(f"results in {out}")
    (out / "summary.json").write_text(
        json.dumps({"conditions": conditions, **summary}, indent=1, default=str)
    )


if __name__ == "__main__":
    sys.exit(main())
