"""A small binding to libpq with ctypes: exactly what the PostgreSQL logbook (postgres.py) needs, nothing more.

Why not psycopg: `import psycopg` alone costs about as much as the whole start-up floor of a command (its
libpq wheel, psycopg.errors, asyncio, ssl, importlib.metadata), and every command on a shared logbook paid it
(issue 27). Loading libpq itself costs a few milliseconds. What is here: connecting (libpq parses the URL or
keyword string), statements with parameters (text format, `$1…$n`, never a value in the SQL), results converted
by their type OID, errors with their SQLSTATE, the pipeline that makes an append two round trips, streaming a
big incident one row at a time, LISTEN/NOTIFY with a timeout, and libpq's protocol trace for the tests.

Which libpq: the system's (`libpq.so.5`, found by the dynamic loader, as libpq5 installs it), else the copy
that psycopg-binary ships in its wheel, found without importing psycopg (docs/shared-logbook.md: why the
`postgres` extra still depends on it). No ctypes.util.find_library: it starts subprocesses.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import importlib.util
import os
import re
import select
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# ExecStatusType
COMMAND_OK, TUPLES_OK, COPY_OUT = 1, 2, 3
FATAL_ERROR = 7
PIPELINE_SYNC = 10
# ConnStatusType, PGTransactionStatusType
CONNECTION_OK = 0
IDLE, UNKNOWN = 0, 4
PG_DIAG_SQLSTATE = ord("C")
PG_DIAG_MESSAGE_PRIMARY = ord("M")
PG_DIAG_SEVERITY_NONLOCALIZED = ord("V")
TRACE_SUPPRESS_TIMESTAMPS, TRACE_REGRESS_MODE = 1, 2
DRAIN_EVERY = 1_000  # executemany in a pipeline reads the answers after this many statements
PREPARE_AFTER = 5  # a statement sent this often in a write's pipeline is prepared (psycopg's threshold)
# SQLSTATE classes that psycopg called OperationalError (the server or the connection, not the statement)
OPERATIONAL = ("08", "27", "28", "2F", "38", "39", "3B", "40", "53", "54", "55", "57", "58", "F", "H")


class Missing(ImportError):
    """No libpq could be loaded (stores/__init__.py says so to the operator)."""


class Error(Exception):
    """What libpq or the server said: the SQLSTATE (None for the client's own errors, as a lost connection),
    the message (the server's primary message first), and whether the connection is gone."""

    def __init__(
        self, message: str, sqlstate: str | None = None, broken: bool = False, severity: str | None = None
    ) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.broken = broken
        self.severity = severity  # ERROR, FATAL or PANIC as the server said it (not translated); None: no answer
        self.last = False  # the answer to the last statement of a pipeline (a write's COMMIT)

    @property
    def operational(self) -> bool:
        """The server or the connection failed, not the statement (psycopg's OperationalError)."""
        return self.broken or self.sqlstate is None or self.sqlstate.startswith(OPERATIONAL)


class _ConninfoOption(ctypes.Structure):
    _fields_ = [
        ("keyword", ctypes.c_char_p),
        ("envvar", ctypes.c_char_p),
        ("compiled", ctypes.c_char_p),
        ("val", ctypes.c_char_p),
        ("label", ctypes.c_char_p),
        ("dispchar", ctypes.c_char_p),
        ("dispsize", ctypes.c_int),
    ]


class _Notify(ctypes.Structure):
    _fields_ = [("relname", ctypes.c_char_p), ("be_pid", ctypes.c_int), ("extra", ctypes.c_char_p)]


_NOTICE_RECEIVER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_P, _S, _I, _U = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint
_PARAMS = (_P, _S, _I, _P, ctypes.POINTER(ctypes.c_char_p), _P, _P, _I)  # PQexecParams, PQsendQueryParams
_SIGNATURES: dict[str, tuple[Any, tuple[Any, ...]]] = {
    "PQconninfoParse": (ctypes.POINTER(_ConninfoOption), (_S, ctypes.POINTER(ctypes.c_char_p))),
    "PQconninfoFree": (None, (ctypes.POINTER(_ConninfoOption),)),
    "PQconnectdbParams": (_P, (ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_char_p), _I)),
    "PQstatus": (_I, (_P,)),
    "PQerrorMessage": (_S, (_P,)),
    "PQfinish": (None, (_P,)),
    "PQexec": (_P, (_P, _S)),
    "PQsendQuery": (_I, (_P, _S)),
    "PQisBusy": (_I, (_P,)),
    "PQexecParams": (_P, _PARAMS),
    "PQsendQueryParams": (_I, _PARAMS),
    "PQsendPrepare": (_I, (_P, _S, _S, _I, _P)),
    "PQsendQueryPrepared": (_I, (_P, _S, _I, ctypes.POINTER(ctypes.c_char_p), _P, _P, _I)),
    "PQresultStatus": (_I, (_P,)),
    "PQresultErrorField": (_S, (_P, _I)),
    "PQresultErrorMessage": (_S, (_P,)),
    "PQntuples": (_I, (_P,)),
    "PQnfields": (_I, (_P,)),
    "PQftype": (_U, (_P, _I)),
    "PQgetvalue": (_S, (_P, _I, _I)),
    "PQgetisnull": (_I, (_P, _I, _I)),
    "PQclear": (None, (_P,)),
    "PQtransactionStatus": (_I, (_P,)),
    "PQparameterStatus": (_S, (_P, _S)),
    "PQenterPipelineMode": (_I, (_P,)),
    "PQexitPipelineMode": (_I, (_P,)),
    "PQpipelineSync": (_I, (_P,)),
    "PQsendFlushRequest": (_I, (_P,)),
    "PQpipelineStatus": (_I, (_P,)),
    "PQflush": (_I, (_P,)),
    "PQgetResult": (_P, (_P,)),
    "PQgetCopyData": (_I, (_P, ctypes.POINTER(ctypes.c_char_p), _I)),
    "PQgetCancel": (_P, (_P,)),
    "PQcancel": (_I, (_P, _P, _I)),
    "PQfreeCancel": (None, (_P,)),
    "PQsocket": (_I, (_P,)),
    "PQconsumeInput": (_I, (_P,)),
    "PQnotifies": (ctypes.POINTER(_Notify), (_P,)),
    "PQfreemem": (None, (_P,)),
    "PQsetNoticeReceiver": (_P, (_P, _NOTICE_RECEIVER, _P)),
    "PQtrace": (None, (_P, _P)),
    "PQuntrace": (None, (_P,)),
    "PQsetTraceFlags": (None, (_P, _I)),
}


def _load() -> ctypes.CDLL:
    """The system's libpq, else psycopg-binary's (its package found, not imported); Missing if neither."""
    candidates = ["libpq.so.5"]
    spec = importlib.util.find_spec("psycopg_binary")
    if spec is not None and spec.origin:
        libs = os.path.dirname(os.path.dirname(spec.origin))
        candidates += sorted(glob.glob(os.path.join(libs, "psycopg_binary.libs", "libpq*")))
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
            lib.PQenterPipelineMode  # noqa: B018 - pipeline mode: libpq 14 or later
        except (OSError, AttributeError):
            continue
        for function, (restype, argtypes) in _SIGNATURES.items():
            getattr(lib, function).restype = restype
            getattr(lib, function).argtypes = argtypes
        return lib
    raise Missing("libpq (14 or later) not found")


pq = _load()


def _unchecked(name: str, restype: Any) -> Any:
    """A second handle on a function of the hot loops, without argtypes: ctypes then skips converting each
    argument (half the cost of a call, 0.35 against 0.74 µs). Pointers go in as c_void_p, the rest are ints."""
    function = pq[name]  # [] makes a new function object; pq.NAME keeps the checked one
    function.restype = restype
    return function


_getvalue = _unchecked("PQgetvalue", ctypes.c_char_p)
_getisnull = _unchecked("PQgetisnull", ctypes.c_int)
_getcopydata = _unchecked("PQgetCopyData", ctypes.c_int)
_freemem = _unchecked("PQfreemem", None)
# COPY's text format: a backslash before b f n r t v is that control character, before anything else (itself,
# the tab that separates the columns) the character itself; \N alone is NULL.
_ESCAPED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _same(row: list[Any]) -> list[Any]:
    return row


def _unescape(field: str) -> str | None:
    if field == "\\N":
        return None
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(1)), field)


def _not_utf8() -> Error:
    """A value that is not UTF-8 (a SQL_ASCII database holding other bytes): said, never a traceback."""
    return Error('invalid byte sequence for encoding "UTF8"', "22021")


def _text(raw: bytes) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise _not_utf8() from None


def _message(text: bytes | None) -> str:
    """libpq's message without its severity prefix ("ERROR:  ", "FATAL:  ") and surrounding space."""
    said = (text or b"").decode("utf-8", "replace").strip()
    for prefix in ("ERROR:", "FATAL:", "PANIC:"):
        if said.startswith(prefix):
            return said[len(prefix) :].strip()
    return said or "no error details available"


def parse_conninfo(conninfo: str) -> dict[str, str]:
    """The settings a URL or keyword string gives (libpq's own parser); ValueError when it is not one."""
    error = ctypes.c_char_p()
    options = pq.PQconninfoParse(conninfo.encode(), ctypes.byref(error))
    if not options:
        if error.value is not None:
            pq.PQfreemem(error)
        raise ValueError("not a PostgreSQL connection string")
    try:
        found = {}
        i = 0
        while options[i].keyword is not None:
            if options[i].val is not None:
                try:
                    found[options[i].keyword.decode()] = options[i].val.decode()
                except UnicodeDecodeError:  # '%ff' in a URL: not a text libpq could be given either
                    raise ValueError("not a PostgreSQL connection string") from None
            i += 1
        return found
    finally:
        pq.PQconninfoFree(options)


def _numeric(value: bytes) -> int | float:
    return int(value) if value.lstrip(b"-").isdigit() else float(value)


# type OID -> how its text becomes a Python value (any other type is text)
_CONVERT: dict[int, Callable[[bytes], Any]] = {
    16: lambda v: v == b"t",  # bool
    20: int, 21: int, 23: int, 26: int,  # int8, int2, int4, oid
    700: float, 701: float,  # float4, float8
    1700: _numeric,  # numeric (sum() of bigint): the callers take int() of it
}


def _param(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str):
        if "\x00" in value:  # libpq takes C strings: the text would end there, silently (psycopg refused it too)
            raise Error("PostgreSQL text fields cannot contain NUL (0x00) bytes", "22021")
        return value.encode()
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, float):
        return repr(value).encode()
    raise TypeError(f"no PostgreSQL text form for {type(value).__name__}")


@functools.cache
def _numbered(sql: str) -> bytes:
    """`?` placeholders as `$1…$n` (the shared SQL holds no `?` of its own), encoded for libpq."""
    parts = sql.split("?")
    return ("".join(part + f"${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]).encode()


def _receiver(connection: weakref.ref[Connection]) -> Callable[[int | None, int | None], None]:
    def receive(arg: int | None, result: int | None) -> None:
        conn = connection()
        if conn is not None:
            conn._notice(arg, result)

    return receive


def _wait(pg: int, seconds: float | None = None) -> None:
    """Until the server sends something (or `seconds` pass), in Python: a signal ends the wait, so Ctrl-C's
    KeyboardInterrupt is raised here (PEP 475). poll, not select: select refuses a descriptor above 1023."""
    waiting = select.poll()
    waiting.register(pq.PQsocket(pg), select.POLLIN)
    waiting.poll(None if seconds is None else seconds * 1000)


def _more_input(pg: int) -> bool:
    """Wait for the server and read in what it sent; False when the connection failed (libpq's next call says
    how)."""
    _wait(pg)
    return bool(pq.PQconsumeInput(pg))


def _ask_cancel(pg: int) -> None:
    """Ask the server to cancel what runs on this connection (its answer, an error, is read as usual)."""
    cancel = pq.PQgetCancel(pg)
    if cancel:
        pq.PQcancel(cancel, ctypes.create_string_buffer(256), 256)
        pq.PQfreeCancel(cancel)


class Connection:
    """One libpq connection in autocommit (transactions are explicit SQL). Blocking, single-threaded."""

    def __init__(self, settings: dict[str, str]) -> None:
        keys = [k.encode() for k in settings] + [None]
        values = [v.encode() for v in settings.values()] + [None]
        self._pg: int | None = pq.PQconnectdbParams(
            (ctypes.c_char_p * len(keys))(*keys), (ctypes.c_char_p * len(values))(*values), 0
        )
        if not self._pg:
            raise Error("out of memory", broken=True)
        if pq.PQstatus(self._pg) != CONNECTION_OK:
            text = pq.PQerrorMessage(self._pg)
            pq.PQfinish(self._pg)
            self._pg = None
            raise Error(_message(text), broken=True)
        self.notice_handlers: list[Callable[[str], None]] = []
        # libpq prints notices (e.g. "schema already exists, skipping") on stderr unless told otherwise
        self._receiver = _NOTICE_RECEIVER(_receiver(weakref.ref(self)))  # weak: no cycle, so a dropped
        # connection ends its session at once (__del__), as psycopg's did
        pq.PQsetNoticeReceiver(self._pg, self._receiver, None)
        self._pending = 0  # pipeline: statements sent whose results are not read yet
        self._uses: dict[str, int] = {}  # statement -> how often sent in a pipeline
        self._prepared: dict[str, bytes] = {}  # statement -> the name it is prepared under in this session
        self._unconfirmed: list[str] = []  # prepared in the pipeline running: forgotten if it fails
        self._made = 0
        self._synced = False
        self._trace_file: int | None = None

    def _notice(self, _arg: int | None, result: int | None) -> None:
        if self.notice_handlers and result:
            said = (pq.PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) or b"").decode("utf-8", "replace")
            for handler in self.notice_handlers:
                handler(said)

    # --- state ---------------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._pg is None or pq.PQstatus(self._pg) != CONNECTION_OK

    def parameter(self, name: str) -> str | None:
        """A setting the server reports by itself (at the start and when it changes: ParameterStatus), so
        reading it costs no round trip; None if this server does not report it."""
        value = pq.PQparameterStatus(self._conn(), name.encode())
        return None if value is None else value.decode(errors="replace")

    @property
    def transaction_status(self) -> int:
        return UNKNOWN if self._pg is None else int(pq.PQtransactionStatus(self._pg))

    @property
    def in_pipeline(self) -> bool:
        return self._pg is not None and pq.PQpipelineStatus(self._pg) != 0

    def close(self) -> None:
        if self._pg is not None:
            pq.PQfinish(self._pg)
            self._pg = None

    def __del__(self) -> None:  # a store dropped without close() ends its session, as psycopg's did
        if getattr(self, "_pg", None) is not None:
            self.close()

    def _conn(self) -> int:
        if self._pg is None:
            raise Error("the connection is closed", broken=True)
        return self._pg

    def _error(self, result: int | None = None) -> Error:
        """The error of a result (or, without one, of the connection)."""
        pg = self._conn()
        broken = pq.PQstatus(pg) != CONNECTION_OK
        if not result:
            return Error(_message(pq.PQerrorMessage(pg)), broken=broken)
        state = pq.PQresultErrorField(result, PG_DIAG_SQLSTATE)
        severity = pq.PQresultErrorField(result, PG_DIAG_SEVERITY_NONLOCALIZED)
        return Error(
            _message(pq.PQresultErrorMessage(result)),
            state.decode() if state else None,
            broken,
            severity.decode(errors="replace") if severity else None,
        )

    # --- statements ----------------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """One statement (or, without parameters, a script of several: the rows of the last) and its rows."""
        pg = self._conn()
        if params:
            self._send(sql, params)
        elif not pq.PQsendQuery(pg, sql.encode()):
            raise self._error()
        rows: list[tuple[Any, ...]] = []
        failed: Error | None = None
        while result := self._next_result(pg):  # one per statement of a script; read to the end
            try:
                if failed is None:
                    rows = self._rows(result)
            except Error as error:
                failed = error
            finally:
                pq.PQclear(result)
        if failed is not None:
            raise failed
        return rows

    def _next_result(self, pg: int) -> int | None:
        """PQgetResult, waited for in Python, not inside libpq: Ctrl-C (a lock held by a colleague, a slow
        server) asks the server to cancel the statement and is raised at once, as psycopg did."""
        try:
            while pq.PQisBusy(pg) and _more_input(pg):
                pass
        except KeyboardInterrupt:
            _ask_cancel(pg)
            raise
        return int(pq.PQgetResult(pg) or 0) or None

    def _rows(self, result: int | None) -> list[tuple[Any, ...]]:
        status = pq.PQresultStatus(result) if result else FATAL_ERROR
        if status == COMMAND_OK:
            return []
        if status != TUPLES_OK or not result:
            raise self._error(result)
        convert = list(enumerate(self._converters(result)))
        value, isnull, res = _getvalue, _getisnull, ctypes.c_void_p(result)
        try:
            return [
                tuple([conv(v) if (v := value(res, r, c)) or not isnull(res, r, c) else None  # NULL reads as b""
                       for c, conv in convert])
                for r in range(pq.PQntuples(result))
            ]
        except UnicodeDecodeError:
            raise _not_utf8() from None

    @staticmethod
    def _converters(result: int) -> list[Callable[[bytes], Any]]:
        return [_CONVERT.get(pq.PQftype(result, c), bytes.decode) for c in range(pq.PQnfields(result))]

    def _send(self, sql: str, params: Sequence[object]) -> None:
        pg = self._conn()
        values = [_param(v) for v in params]
        array = (ctypes.c_char_p * len(values))(*values)
        name = self._prepared.get(sql)
        if name is None and self.in_pipeline:
            uses = self._uses[sql] = self._uses.get(sql, 0) + 1
            if uses >= PREPARE_AFTER:  # planned once by the server, not at every append of a long session
                self._made += 1
                name = f"calamiteit_{self._made}".encode()  # a new name each time: never one taken
                if not pq.PQsendPrepare(pg, name, _numbered(sql), len(values), None):
                    raise self._error()
                self._pending += 1
                self._prepared[sql] = name
                self._unconfirmed.append(sql)
        if name is not None:
            sent = pq.PQsendQueryPrepared(pg, name, len(values), array, None, None, 0)
        else:
            sent = pq.PQsendQueryParams(pg, _numbered(sql), len(values), None, array, None, None, 0)
        if not sent:
            raise self._error()

    def copy_rows(
        self, select: str, params: Sequence[object] = (), make: Callable[[list[Any]], Any] | None = None
    ) -> Iterator[Any]:
        """The rows of `select` one at a time, each a list of text (None for NULL) or what `make` makes of that
        list (in this loop: one generator less per row for the caller), none held in memory:
        through `COPY (select) TO STDOUT`, one libpq call per row where a result costs one per value
        (200,000 rows in-process: 0.3 s, single-row mode 0.8 s, psycopg's C code 0.2 s; docs/speed.md).
        COPY takes no parameters, so each `?` reads a setting of this session that a parameterised
        set_config() gave the value just before: no value is ever part of the SQL (cast where the column is
        not text: `n > ?::integer`). Closed early, the COPY is cancelled and what is left of it read, so the
        connection can be used again."""
        if params:
            if any(v is None for v in params):  # a setting has no NULL: it would read as ''
                raise TypeError("a parameter of a COPY cannot be NULL")
            names = [f"calamiteit.param{i}" for i in range(1, len(params) + 1)]
            self.execute("SELECT " + ", ".join(f"set_config('{name}', ?, false)" for name in names), params)
            parts = select.split("?")
            select = "".join(
                part + f"current_setting('{name}')" for part, name in zip(parts, names, strict=False)
            ) + parts[-1]
        pg = self._conn()
        if not pq.PQsendQuery(pg, f"COPY ({select}) TO STDOUT".encode()):
            raise self._error()
        result = self._next_result(pg)
        try:
            if pq.PQresultStatus(result) != COPY_OUT:
                refused = self._error(result)
                while rest := self._next_result(pg):  # read to the end: the connection is idle again
                    pq.PQclear(rest)
                raise refused
        finally:
            pq.PQclear(result)
        get, free, made = _getcopydata, _freemem, make or _same
        conn, buffer = ctypes.c_void_p(pg), ctypes.c_char_p()
        into = ctypes.byref(buffer)
        done = False  # closed early: the COPY is cancelled
        try:
            while (size := get(conn, into, 1)) != -1:  # async: 0 means nothing here yet, waited for in Python
                if size == 0:
                    if _more_input(pg):
                        continue
                    size = -2
                if size == -2:
                    break
                raw = buffer.value  # a row holds no NUL
                free(buffer)
                line = _text(raw[:-1])  # type: ignore[index]  # without its newline
                if "\\" in line:
                    yield made([_unescape(f) if "\\" in f else f for f in line.split("\t")])
                else:
                    yield made(line.split("\t"))
            done = True
            failed = self._error() if size == -2 else None
            while result := pq.PQgetResult(pg):  # the COPY's own end, ok or its error: read to the end, so the
                if failed is None and pq.PQresultStatus(result) != COMMAND_OK:  # connection is not left busy
                    failed = self._error(result)
                pq.PQclear(result)
            if failed is not None:
                raise failed
        finally:
            if not done:
                self._cancel()

    def _cancel(self) -> None:
        """Stop the COPY running and read what is left of it (its error, query_canceled, included)."""
        if self.closed:
            return
        pg = self._conn()
        _ask_cancel(pg)
        buffer = ctypes.c_char_p()
        while _getcopydata(ctypes.c_void_p(pg), ctypes.byref(buffer), 0) > 0:
            _freemem(buffer)
        while result := pq.PQgetResult(pg):
            pq.PQclear(result)

    # --- the pipeline of a write transaction ---------------------------------------------------------

    def enter_pipeline(self) -> None:
        if not pq.PQenterPipelineMode(self._conn()):
            raise self._error()
        self._pending, self._synced, self._unconfirmed = 0, False, []

    def send(self, sql: str, params: Sequence[object] = ()) -> None:
        """A statement into the pipeline; its result is read later (an error surfaces at the next fetch or
        at the end)."""
        self._send(sql, params)
        self._pending += 1

    def send_many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """The same statement for every row; in a pipeline all sent at once (answers read every DRAIN_EVERY),
        outside one each in turn."""
        if not self.in_pipeline:
            for row in rows:
                self.execute(sql, row)
            return
        for i, row in enumerate(rows, 1):
            self.send(sql, row)
            if i % DRAIN_EVERY == 0:
                self._flush_request()
                self._read_pending(0)

    def fetch(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """A statement into the pipeline and its rows now: what is before it is sent along (one round trip)
        and its results read, the first error raised."""
        self.send(sql, params)
        self._flush_request()
        return self._read_pending(0)

    def _flush_request(self) -> None:
        pg = self._conn()
        if not pq.PQsendFlushRequest(pg) or pq.PQflush(pg) != 0:
            raise self._error()

    def _read_pending(self, leave: int) -> list[tuple[Any, ...]]:
        """Read the results of the statements sent until `leave` are left; the last one's rows."""
        pg = self._conn()
        rows: list[tuple[Any, ...]] = []
        while self._pending > leave:
            result = self._next_result(pg)
            if not result:
                raise self._error()  # the connection went while results were due
            try:
                rows = self._rows(result)
            except Error as error:
                error.last = self._pending == 1
                raise
            finally:
                pq.PQclear(result)
                self._pending -= 1
                while extra := pq.PQgetResult(pg):  # each statement's results end with a NULL
                    pq.PQclear(extra)
        return rows

    def sync(self) -> None:
        """End the pipeline: one Sync, every result read (the first error raised), pipeline mode left."""
        pg = self._conn()
        if not pq.PQpipelineSync(pg):
            raise self._error()
        self._synced = True
        self._read_pending(0)
        self._unconfirmed = []  # every statement of the pipeline ran, its preparations too
        self._end_pipeline()

    def abort_pipeline(self) -> None:
        """After an error: the Sync if not sent yet, everything left read and dropped, pipeline mode left."""
        for sql in self._unconfirmed:  # perhaps never made on the server: made again under a new name
            self._prepared.pop(sql, None)
        self._unconfirmed = []
        if self.closed or not self.in_pipeline:
            return
        pg = self._conn()
        if not self._synced and not pq.PQpipelineSync(pg):
            return
        self._synced = True
        while self._pending:
            try:
                self._read_pending(self._pending - 1)
            except Error:
                if self.closed:
                    return
        self._end_pipeline()

    def _end_pipeline(self) -> None:
        pg = self._conn()
        result = self._next_result(pg)  # the Sync's own result
        while result:
            status = pq.PQresultStatus(result)
            pq.PQclear(result)
            if status == PIPELINE_SYNC:
                break
            result = self._next_result(pg)
        self._synced, self._pending = False, 0
        if not pq.PQexitPipelineMode(pg):
            raise self._error()

    # --- notifications -------------------------------------------------------------------------------

    def notifies(self, timeout: float, stop_after: int) -> list[str]:
        """The payloads of the notifications that come within `timeout` seconds, at most `stop_after`."""
        pg = self._conn()
        deadline = time.monotonic() + timeout
        heard: list[str] = []
        while True:
            if not pq.PQconsumeInput(pg):
                raise self._error()
            while len(heard) < stop_after and (note := pq.PQnotifies(pg)):
                heard.append((note.contents.extra or b"").decode("utf-8", "replace"))
                pq.PQfreemem(note)
            left = deadline - time.monotonic()
            if heard or left <= 0:
                return heard
            _wait(pg, left)

    # --- libpq's protocol trace (the tests read it) --------------------------------------------------

    def trace(self, fd: int) -> None:
        """libpq's trace of the protocol to the file descriptor `fd`, without times (REGRESS_MODE)."""
        libc = ctypes.CDLL(None)
        libc.fdopen.restype, libc.fdopen.argtypes = ctypes.c_void_p, (ctypes.c_int, ctypes.c_char_p)
        self._trace_file = libc.fdopen(os.dup(fd), b"w")
        pq.PQtrace(self._conn(), self._trace_file)
        pq.PQsetTraceFlags(self._conn(), TRACE_SUPPRESS_TIMESTAMPS | TRACE_REGRESS_MODE)

    def untrace(self) -> None:
        pq.PQuntrace(self._conn())
        if self._trace_file is not None:
            libc = ctypes.CDLL(None)
            libc.fclose.argtypes = (ctypes.c_void_p,)
            libc.fclose(self._trace_file)
            self._trace_file = None
