"""The cache of validated files: a validated set is pickled in the user cache folder under a key made of the
files' contents and this package's code, so an unchanged set loads without PyYAML or pydantic.

A warm run does not read or hash the files either: beside the sets, `config-stats.marshal` keeps, per set of
files, each file's stats (device, inode, size, mtime and ctime in ns, mode, owner) and the package's code stamp,
with the key they were found to have. When every stat is still the same the key is taken from there; any stat
that differs (a file edited, touched, replaced, chmod-ed) falls back to reading and hashing the contents, as
mypy does with a source file whose mtime changed but not its size. Racy files (git's "racily clean"): a file
changed in the same timestamp tick as it was stat-ed could look unchanged afterwards, so stats are kept only for
files whose mtime and ctime are RACY_NS or more in the past; a fresher file is hashed on every run until it is
that old. ctime cannot be set back by a user (touch -d, cp -p and rsync -t set mtime only), so a file put in place
with an old mtime still differs.

CALAMITEIT_CACHE_DIR names another folder; CALAMITEIT_NO_CACHE=1 turns it off. Only valid sets are cached, and
a missing, stale or damaged cache only costs a fresh validation. A pickle can run code: a cache is read only from
a folder and file of this user that nobody else can write, and only after its plain-text key matches.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ... import __version__
from ..userdirs import user_path
from .finding import FILES, PACKAGE, Source

# The C unpickler alone: `import pickle` runs all of pickle.py (~5 M instructions, 1.5 % of a warm `assess
# --json`), and a warm run only ever unpickles.
# `loads as loads`: loading.py unpickles each part with it.
try:
    from _pickle import load
    from _pickle import loads as loads
except ImportError:  # an interpreter without CPython's accelerator module
    from pickle import load
    from pickle import loads as loads

ENV_CACHE_DIR = "CALAMITEIT_CACHE_DIR"
ENV_NO_CACHE = "CALAMITEIT_NO_CACHE"


def cache_dir() -> Path:
    if os.environ.get(ENV_CACHE_DIR):
        return Path(os.environ[ENV_CACHE_DIR])
    return user_path("cache")


def cache_key(raws: dict[str, bytes]) -> str:
    """Contents of the files plus the code that validated them: any change to either misses the cache."""
    import hashlib  # here: a warm run whose files' stats are unchanged hashes nothing (OpenSSL's load, ~3 ms)

    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    digest.update(_code_stamp())
    for kind in sorted(raws):
        digest.update(kind.encode() + b"\0" + hashlib.sha256(raws[kind]).digest())
    return digest.hexdigest()


def _code_stamp() -> bytes:
    """Name, size and modification time of every module of the package, in every folder below it (the domain's
    dataclasses that are pickled, and the code that builds them). os.scandir rather than Path.rglob: this runs
    on every command, and pathlib's objects cost it 3 ms for 120 modules."""
    root = str(PACKAGE)
    found: list[str] = []
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    found.append(f"{entry.path[len(root):]}:{stat.st_size}:{stat.st_mtime_ns}")
                elif entry.name != "__pycache__" and entry.is_dir():
                    folders.append(entry.path)
    return "\n".join(sorted(found)).encode()


CACHE_KEEP = 8  # validated sets kept side by side (several config folders in use); older ones are removed


def _cache_file(key: str) -> Path:
    return cache_dir() / f"config-{key[:24]}.pickle"


def _safe(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else: what another user cannot have put there."""
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_cache(key: str) -> dict[str, bytes] | None:
    """The pickled parts of the set stored under `key` (each unpickled when first used), or None.

    A pickle can run code, so one is loaded only from a folder and a file that this user owns and nobody else can
    write (checked on every read: a shared CALAMITEIT_CACHE_DIR is not used), and only after the key written
    before it, in plain text, is the one asked for."""
    try:
        if not _safe(os.stat(cache_dir())):
            return None
        fd = os.open(_cache_file(key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or not _safe(st):
                return None
            if fh.readline(len(key) + 2) != key.encode() + b"\n":
                return None
            parts = load(fh)
    except Exception:  # a missing, stale, damaged or unsafe cache only costs a fresh validation
        return None
    valid = isinstance(parts, dict) and set(parts) == set(FILES)
    return parts if valid else None


def write_cache(key: str, parts: dict[str, bytes]) -> None:
    """Write atomically (temp file + rename): no run reads half a cache; the folder is made private (0700). A
    folder another user could write is not written to either. Failures are ignored."""
    import pickle  # here, as tempfile: only a cache miss writes (tempfile brings random, ~2 ms of every command)
    import tempfile

    try:
        folder = cache_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe(os.stat(folder)):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".config-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(key.encode() + b"\n")
                pickle.dump(parts, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, _cache_file(key))
        except BaseException:
            os.unlink(tmp)
            raise
        newest_first = sorted(folder.glob("config-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in newest_first[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


RACY_NS = 2_000_000_000  # a file changed less than this before it was stat-ed is hashed again next time
STATS_FILE = "config-stats.marshal"
Stats = tuple[tuple[str, str, int, int, int, int, int, int, int], ...]  # kind, path, then os.stat's


def file_stats(sources: Sequence[Source]) -> Stats | None:
    """What says a file is unchanged without reading it; None when one cannot be stat-ed (then it is read)."""
    try:
        return tuple(
            (s.kind, str(s.path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode,
             st.st_uid)
            for s in sources
            for st in (os.stat(s.path),)
        )
    except (OSError, ValueError):
        return None


def _stamp() -> bytes:
    return f"{__version__}|{sys.version}\n".encode() + _code_stamp()


def _read_stats() -> list[tuple[Stats, bytes, str]]:
    """The kept stats, newest first; [] when missing, damaged or not safely this user's (as read_cache)."""
    try:
        folder = cache_dir()
        if not _safe(os.stat(folder)):
            return []
        fd = os.open(folder / STATS_FILE, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or not _safe(st) or st.st_size > 1024 * 1024:
                return []
            kept = marshal.loads(fh.read())
    except Exception:  # a missing or damaged file only costs reading the files
        return []
    if not isinstance(kept, list):
        return []
    return [k for k in kept if isinstance(k, tuple) and len(k) == 3 and isinstance(k[2], str)]


def known_key(stats: Stats | None) -> str | None:
    """The key of the set of files with exactly these stats and this code, if it was kept."""
    if stats is None:
        return None
    kept = _read_stats()
    if not kept:
        return None
    stamp = _stamp()
    return next((key for st, code, key in kept if st == stats and code == stamp), None)


def remember(stats: Stats | None, key: str) -> None:
    """Keep these stats with the key their contents were found to have; not for a file changed within RACY_NS
    (see the module's text). Written atomically like the sets; failures are ignored."""
    if stats is None:
        return
    newest = max(max(f[5], f[6]) for f in stats)
    if newest > time.time_ns() - RACY_NS:
        return
    stamp = _stamp()
    kept = [(st, code, k) for st, code, k in _read_stats() if st != stats]
    kept = [(stats, stamp, key), *kept][:CACHE_KEEP]
    try:
        folder = cache_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe(os.stat(folder)):
            return
        tmp = folder / f".{STATS_FILE}.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)  # left by a process of the same id that was killed before its rename
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(kept))
            os.replace(tmp, folder / STATS_FILE)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass
