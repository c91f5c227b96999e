"""The shared PostgreSQL logbook against a real server: what only a server has (roles, a schema to create,
a connection that fails), `db upgrade` and `db copy`. The logbook suite itself runs on both engines (the
`backend` fixture); these are the parts it cannot say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from dso_calamiteit.domain import exitcodes

from . import backends
from .conftest import Invoke, reaped
from .postgres import Cluster, free_port
from .servers import serve
from .test_interactive import console_script


def admin(cluster: Cluster, url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, password=cluster.password)


def bare_database(cluster: Cluster) -> str:
    """A database without the logbook schema (dropped with the cluster)."""
    import secrets

    name = f"bare_{secrets.token_hex(4)}"
    with admin(cluster, cluster.admin_url) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return cluster.url(name)


# --- choosing the database, and what goes wrong with it --------------------------------------------------


def test_a_password_on_the_command_line_is_refused(calamiteit: Invoke) -> None:
    result = calamiteit("incident", "list", "--db", "postgresql://oct:geheim@127.0.0.1/calamiteit")
    assert result.code == exitcodes.USAGE
    assert "wachtwoord hoort niet op de opdrachtregel" in result.err and "geheim" not in result.err


@pytest.mark.parametrize(
    "db",
    [
        "postgresql://anna@127.0.0.1/calamiteit?password=Zomer2026Welkom",
        "postgresql://anna@127.0.0.1/calamiteit?sslmode=disable&PASSWORD=Zomer2026Welkom",
        "postgresql://anna@127.0.0.1/calamiteit?sslpassword=Zomer2026Welkom",
        "host=127.0.0.1 password=Zomer2026Welkom dbname=calamiteit",
        "host=127.0.0.1 dbname=calamiteit password='Zomer2026Welkom'",
    ],
)
def test_a_password_anywhere_in_db_is_refused(calamiteit: Invoke, tmp_path: Path, monkeypatch, db: str) -> None:
    """In the query, or in libpq's keyword/value form (which is never taken for a SQLite file name either)."""
    (tmp_path / "werk").mkdir()
    monkeypatch.chdir(tmp_path / "werk")
    result = calamiteit("incident", "open", "Storing", "--db", db)
    assert result.code == exitcodes.USAGE, result.err
    assert "wachtwoord hoort niet op de opdrachtregel" in result.err and "Zomer2026Welkom" not in result.err
    assert list((tmp_path / "werk").iterdir()) == []  # no private logbook made under a name that holds the password


def test_a_keyword_value_string_is_postgresql(calamiteit: Invoke, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "werk").mkdir()
    monkeypatch.chdir(tmp_path / "werk")
    result = calamiteit("incident", "list", "--db", f"host=127.0.0.1 port={free_port()} dbname=calamiteit user=oct")
    assert result.code == exitcodes.CONFIG and "databaseserver is niet bereikbaar" in result.err, result.err
    assert "host=127.0.0.1" in result.err and list((tmp_path / "werk").iterdir()) == []


def test_a_bad_scheme_is_a_usage_error(calamiteit: Invoke) -> None:
    result = calamiteit("incident", "list", "--db", "mysql://oct@127.0.0.1/calamiteit")
    assert result.code == exitcodes.USAGE and "onbekend soort database 'mysql://'" in result.err


def test_db_and_data_dir_together_are_refused(calamiteit: Invoke, tmp_path: Path) -> None:
    result = calamiteit("incident", "list", "--db", "postgresql://x@127.0.0.1/y", "--data-dir", str(tmp_path))
    assert result.code == exitcodes.USAGE and "Kies er één" in result.err


def test_an_unreachable_server_is_one_line_exit_3(calamiteit: Invoke) -> None:
    url = f"postgresql://oct@127.0.0.1:{free_port()}/calamiteit"  # nothing listens there: refused at once
    for args in (("incident", "list"), ("log", "2026-001", "x", "--beeld"), ("db", "upgrade")):
        result = calamiteit(*args, "--db", url)
        assert result.code == exitcodes.CONFIG, args
        assert "databaseserver is niet bereikbaar" in result.err and "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) <= 2


def test_a_wrong_password_is_said_and_never_shown(
    calamiteit: Invoke, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "verkeerd-wachtwoord")
    result = calamiteit("incident", "list", "--db", pg_database)
    assert result.code == exitcodes.CONFIG
    assert "aanmelden geweigerd voor gebruiker postgres" in result.err
    assert "verkeerd-wachtwoord" not in result.err + result.out


def test_a_password_in_the_environment_url_is_used_and_never_shown(
    calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSWORD")
    with_password = pg_database.replace("postgres@", f"postgres:{pg_cluster.password}@")
    monkeypatch.setenv("CALAMITEIT_DB", with_password)
    incident = calamiteit("incident", "open", "Storing").out.strip()
    outputs = [calamiteit("incident", "show", incident, "--json"), calamiteit("check"), calamiteit("rapport", incident)]
    assert all(r.code == 0 for r in outputs), [r.err for r in outputs]
    assert "Logboek: 1 incident" in outputs[1].out and pg_database in outputs[1].out
    assert not any(pg_cluster.password in r.out + r.err for r in outputs)
    with admin(pg_cluster, pg_database) as conn:  # nor in the logbook itself
        rows = conn.execute("SELECT body, author, role FROM calamiteit.entries").fetchall()
    assert pg_cluster.password not in repr(rows)
    monkeypatch.setenv("PGPASSWORD", "fout")
    wrong = calamiteit("incident", "list", "--db", pg_database)
    assert wrong.code == exitcodes.CONFIG and "fout" not in wrong.err.replace("geweigerd", "")


def test_a_database_without_the_schema(calamiteit: Invoke, pg_cluster: Cluster, monkeypatch) -> None:
    monkeypatch.setenv("PGPASSWORD", pg_cluster.password)
    url = bare_database(pg_cluster)
    for args in (("incident", "list"), ("incident", "open", "Storing")):
        result = calamiteit(*args, "--db", url)
        assert result.code == exitcodes.CONFIG
        assert "heeft nog geen calamiteit-logboek" in result.err and "db upgrade" in result.err
    made = calamiteit("db", "upgrade", "--db", url, "--json")
    from dso_calamiteit.adapters.stores.postgres import SCHEMA_VERSION

    made_doc = json.loads(made.out)  # from nothing to the schema this version knows
    assert made.code == 0 and (made_doc["before"], made_doc["after"]) == (0, SCHEMA_VERSION)
    assert calamiteit("incident", "open", "Storing", "--db", url).code == 0
    again = calamiteit("db", "upgrade", "--db", url)
    assert again.code == 0 and "al actueel" in again.out


def test_a_database_of_a_newer_schema_is_refused(calamiteit: Invoke, pg_cluster: Cluster, pg_database: str) -> None:
    incident = calamiteit("incident", "open", "Storing", "--db", pg_database).out.strip()
    with admin(pg_cluster, pg_database) as conn:
        conn.execute("UPDATE calamiteit.meta SET value = '99' WHERE key = 'schema'")
    for args in (("incident", "show", incident), ("log", incident, "x", "--beeld"), ("db", "upgrade")):
        result = calamiteit(*args, "--db", pg_database)
        assert result.code == exitcodes.CONFIG, args
        assert "nieuwere versie van calamiteit (schema 99" in result.err
    with admin(pg_cluster, pg_database) as conn:
        assert conn.execute("SELECT count(*) FROM calamiteit.entries").fetchone() == (1,)


def test_config_file_names_the_logbook(
    calamiteit: Invoke, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """config/logboek.yaml names the team's database; the environment and the flags still win."""
    monkeypatch.delenv("CALAMITEIT_DATA_DIR")
    (tmp_path / "work" / "config").mkdir(parents=True, exist_ok=True)
    (tmp_path / "work" / "config" / "logboek.yaml").write_text(f"database: {pg_database}\n", encoding="utf-8")
    incident = calamiteit("incident", "open", "Via het bestand").out.strip()
    assert calamiteit("incident", "show", incident, "--db", pg_database).code == 0  # it went to PostgreSQL
    own = tmp_path / "eigen"
    monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(own))  # the environment beats the file
    assert calamiteit("incident", "open", "Eigen logboek").code == 0 and (own / "logboek.sqlite").exists()
    listed = json.loads(calamiteit("incident", "list", "--json", "--data-dir", str(own)).out)["incidents"]
    assert [i["title"] for i in listed] == ["Eigen logboek"]


def test_config_file_with_a_password_is_refused_at_its_line(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work" / "config").mkdir(parents=True, exist_ok=True)
    (tmp_path / "work" / "config" / "logboek.yaml").write_text(
        "# het gedeelde logboek\ndatabase: postgresql://oct:geheim@db.example.nl/calamiteit\n", encoding="utf-8"
    )
    checked = calamiteit("check")
    assert checked.code == exitcodes.CONFIG
    assert "config/logboek.yaml:2" in checked.out and "wachtwoord hoort niet in een bestand" in checked.out
    assert "geheim" not in checked.out + checked.err
    # the same file, for a command that uses it: without CALAMITEIT_DATA_DIR (which comes first, and then the file
    # is not read: since issue 23 a file a command does not read never stops it)
    monkeypatch.delenv("CALAMITEIT_DATA_DIR")
    listed = calamiteit("incident", "list")
    assert listed.code == exitcodes.CONFIG and "geheim" not in listed.err
    assert "wachtwoord hoort niet in een bestand" in listed.err


def test_without_libpq_a_postgres_url_is_a_clear_error(tmp_path: Path) -> None:
    """No libpq at all (neither the system's nor psycopg-binary's): the loader's own refusal, made to happen
    by hiding both (the dynamic loader's name and the wheel's package), is one clear line."""
    code = (
        "import sys, ctypes, importlib.util; real = ctypes.CDLL.__init__\n"
        "def refuse(self, name, *a, **k):\n"
        "    if 'libpq' in str(name): raise OSError(name)\n"
        "    real(self, name, *a, **k)\n"
        "ctypes.CDLL.__init__ = refuse; find = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'psycopg_binary' else find(name, *a)\n"
        "from dso_calamiteit.cli import root\n"
        "sys.exit(root.run(['incident', 'list', '--db', 'postgresql://oct@127.0.0.1/calamiteit']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == exitcodes.CONFIG, done.stderr
    assert "libpq nodig" in done.stderr and "[postgres]" in done.stderr and "Traceback" not in done.stderr


def test_neither_psycopg_nor_libpq_is_loaded_for_a_sqlite_logbook(tmp_path: Path) -> None:
    code = (
        "import sys; from dso_calamiteit.cli import root; "
        "root.run(['incident', 'open', 'Storing']); root.run(['incident', 'list']); "
        "print('psycopg' in sys.modules or 'dso_calamiteit.adapters.stores.libpq' in sys.modules)"
    )
    env = dict(os.environ, CALAMITEIT_DATA_DIR=str(tmp_path / "d"))
    env.pop("CALAMITEIT_DB", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


# --- roles: coordinators insert and read, nobody changes --------------------------------------------------

def documented_roles() -> str:
    """The ```sql block under '## Roles' in docs/shared-logbook.md: the administrator's role set-up."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "shared-logbook.md").read_text(encoding="utf-8")
    section = doc[doc.index("\n## Roles") :]
    block = section[section.index("```sql") + len("```sql") : section.index("```", section.index("```sql") + 6)]
    return "\n".join(line.strip() for line in block.strip().splitlines())


def test_the_roles_as_documented(calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch) -> None:
    """docs/shared-logbook.md's set-up, run as written: a coordinator writes (and the database records who),
    cannot change an entry even past calamiteit; a reader reads and is told clearly that it cannot write."""
    roles = documented_roles()
    assert "REVOKE DELETE" in roles
    with admin(pg_cluster, pg_database) as conn:
        for statement in roles.split(";\n"):
            if statement.strip() and not statement.startswith("CREATE ROLE calamiteit_"):
                conn.execute(statement)
            elif statement.strip():
                conn.execute(f"DO $$ BEGIN {statement}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        conn.execute(f"CREATE ROLE anna LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_coordinator")
        conn.execute(f"CREATE ROLE kees LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_reader")
    try:
        anna = pg_database.replace("postgres@", "anna@")
        monkeypatch.setenv("CALAMITEIT_AUTEUR", "Anna de Vries")
        incident = calamiteit("incident", "open", "Storing", "--db", anna).out.strip()
        assert calamiteit("log", incident, "Loket traag", "--beeld", "--db", anna).code == 0
        assert calamiteit("rapport", incident, "--db", anna).code == 0
        shown = json.loads(calamiteit("incident", "show", incident, "--json", "--db", anna).out)
        assert {e["role"] for e in shown["entries"]} == {"anna"}  # recorded by the database, not the client
        screen = calamiteit("incident", "show", incident, "--db", anna).out
        assert "Anna de Vries (DSO-LV)" in screen  # the organisation, from contacts.yaml
        sitrap = calamiteit("rapport", incident, "--concept", "--db", anna).out
        assert "door Anna de Vries (DSO-LV)" in sitrap
        with psycopg.connect(anna, autocommit=True, password=pg_cluster.password) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM calamiteit.entries")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SET session_replication_role = replica")  # no way past the triggers
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE calamiteit.entries SET author = 'Bram'")
            with pytest.raises(psycopg.errors.RaiseException, match="follows its entries"):
                conn.execute("UPDATE calamiteit.incidents SET actions = 0")  # the columns it may touch, checked
        kees = pg_database.replace("postgres@", "kees@")
        assert calamiteit("incident", "show", incident, "--db", kees).code == 0
        assert calamiteit("incident", "verify", incident, "--db", kees).code == 0
        refused = calamiteit("log", incident, "Kees schrijft", "--beeld", "--db", kees)
        assert refused.code == exitcodes.CONFIG and "geen rechten" in refused.err and "Traceback" not in refused.err
        # The key that signs confirmation links: in no table the reader may read, so a reader cannot sign one.
        with admin(pg_cluster, pg_database) as conn:
            (key,) = conn.execute("SELECT value FROM calamiteit.confirm_key").fetchone()
        readable = ""
        with psycopg.connect(kees, autocommit=True, password=pg_cluster.password) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'calamiteit' ORDER BY tablename").fetchall()]
            assert "confirm_key" in tables
            for table in tables:
                if table == "confirm_key":
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        conn.execute("SELECT value FROM calamiteit.confirm_key")
                else:
                    readable += repr(conn.execute(f"SELECT * FROM calamiteit.{table}").fetchall())
        assert len(key) == 64 and key not in readable
        from dso_calamiteit.domain.confirmation import token
        for guess in (b"", b"\0" * 32, b"calamiteit"):  # what a reader could sign with: not the key
            forged = token(guess, f"{incident}/convocation-1#1", "anna")
            said = calamiteit("bevestig", incident, "--komt", "--token", forged, "--db", anna)
            assert said.code != 0 and "niet door dit logboek ondertekend" in said.err, said.err
        genuine = calamiteit("bevestig", incident, "--komt", "--token",
                             token(bytes.fromhex(key), f"{incident}/convocation-1#1", "anna"), "--db", anna)
        assert "niet door dit logboek ondertekend" not in genuine.err  # the signature itself is what refused them
    finally:
        with admin(pg_cluster, pg_database) as conn:
            conn.execute("DROP OWNED BY anna, kees, calamiteit_coordinator, calamiteit_reader")
            conn.execute("DROP ROLE anna, kees")


def test_the_documented_roles_take_back_delete_and_truncate(pg_cluster: Cluster, pg_database: str) -> None:
    """On a database where someone once granted everything to everyone, the README's set-up leaves no coordinator
    and no reader DELETE or TRUNCATE on any table of the logbook: its REVOKE does that, not the triggers (which
    guard only the entries and the incidents)."""
    with admin(pg_cluster, pg_database) as conn:
        conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA calamiteit TO PUBLIC")
        for statement in documented_roles().split(";\n"):
            if statement.strip().startswith("CREATE ROLE calamiteit_"):  # roles belong to the cluster: maybe there
                conn.execute(f"DO $$ BEGIN {statement}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            elif statement.strip():
                conn.execute(statement)
        conn.execute("CREATE ROLE bram IN ROLE calamiteit_coordinator")
        conn.execute("CREATE ROLE els IN ROLE calamiteit_reader")
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'calamiteit' ORDER BY tablename").fetchall()]
            assert {"entries", "incidents", "checks", "usage"} <= set(tables)
            allowed = conn.execute(
                "SELECT r, t, p FROM unnest(%s::text[]) t, unnest(ARRAY['bram', 'els']) r, "
                "unnest(ARRAY['DELETE', 'TRUNCATE']) p WHERE has_table_privilege(r, 'calamiteit.' || t, p)",
                (tables,),
            ).fetchall()
            assert allowed == []
            assert conn.execute("SELECT has_table_privilege('bram', 'calamiteit.entries', 'INSERT')").fetchone() == (
                True,)  # the block did run: the coordinator writes
        finally:
            conn.execute("DROP OWNED BY bram, els, calamiteit_coordinator, calamiteit_reader")
            conn.execute("DROP ROLE bram, els")


# --- db copy: SQLite into PostgreSQL and back ------------------------------------------------------------


def test_copy_sqlite_to_postgres_and_back(
    calamiteit: Invoke, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_monitor import t, targets_yaml

    first = calamiteit("incident", "open", "Omgevingsloket geeft 503", "--level", "1").out.strip()
    calamiteit("log", first, "Loket geeft 503", "--beeld")
    calamiteit("log", first, "Leverancier bellen", "--besluit", "--actiehouder", "Fatima")
    calamiteit("rapport", first)
    second = calamiteit("incident", "open", "Validatieservice traag").out.strip()
    calamiteit("incident", "close", second, "--reden", "Opgelost")
    config = tmp_path / "cfg"
    (config / "config").mkdir(parents=True)
    with serve() as (base, _):  # a real HTTP server on loopback, for one recorded check
        (config / "config" / "monitor.yaml").write_text(targets_yaml(t("Loket", f"{base}/ok")), encoding="utf-8")
        calamiteit("monitor", "--record", "--config-dir", str(config))
    sqlite_file = str(tmp_path / "data" / "logboek.sqlite")
    before = {i: json.loads(calamiteit("incident", "show", i, "--json").out) for i in (first, second)}

    there = calamiteit("db", "copy", "--from", sqlite_file, "--to", pg_database, "--json")
    assert there.code == 0, there.err
    doc = json.loads(there.out)
    assert [(i["id"], i["new"], i["problem"]) for i in doc["incidents"]] == [(first, 4, None), (second, 2, None)]
    assert (doc["checks"], doc["checks_new"]) == (1, 1)
    for i in (first, second):
        copied = json.loads(calamiteit("incident", "show", i, "--json", "--db", pg_database).out)
        assert [e["hash"] for e in copied["entries"]] == [e["hash"] for e in before[i]["entries"]]
        assert calamiteit("incident", "verify", i, "--db", pg_database).code == 0
    # the team writes on in PostgreSQL, then the logbook comes back into a new SQLite file
    assert calamiteit("log", first, "Loket weer bereikbaar", "--beeld", "--db", pg_database).code == 0
    again = json.loads(calamiteit("db", "copy", "--from", sqlite_file, "--to", pg_database, "--json").out)
    assert [i["new"] for i in again["incidents"]] == [0, 0] and again["checks_new"] == 0  # nothing twice
    back_file = str(tmp_path / "terug" / "logboek.sqlite")
    back = calamiteit("db", "copy", "--from", pg_database, "--to", back_file)
    assert back.code == 0 and "keten klopt" in back.out
    monkeypatch.setenv("CALAMITEIT_DATA_DIR", str(tmp_path / "terug"))
    returned = json.loads(calamiteit("incident", "show", first, "--json").out)
    assert returned["entries"][-1]["data"]["text"] == "Loket weer bereikbaar"
    assert calamiteit("incident", "verify", first).code == 0
    assert json.loads(calamiteit("monitor", "--history", "--json", "--config-dir", str(config)).out)


def test_an_export_from_sqlite_imports_into_postgres(calamiteit: Invoke, pg_database: str, tmp_path: Path) -> None:
    """The handover file is the same on both engines: the hashes Python computed verify on either."""
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    handover = tmp_path / "overdracht.json"
    assert calamiteit("incident", "export", incident, "-o", str(handover)).code == 0
    assert calamiteit("incident", "import", str(handover), "--db", pg_database).code == 0
    assert calamiteit("log", incident, "Verder in het team", "--beeld", "--db", pg_database).code == 0
    back = tmp_path / "terug.json"
    assert calamiteit("incident", "export", incident, "-o", str(back), "--db", pg_database).code == 0
    imported = calamiteit("incident", "import", str(back))  # a handover back into the SQLite logbook
    assert imported.code == 0 and calamiteit("incident", "verify", incident).code == 0
    assert json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"][-1]["data"]["text"] == (
        "Verder in het team"
    )


def test_incident_ids_stay_unique_across_writers(pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    script = console_script()
    openers = [
        subprocess.Popen(
            ["sh", "-c", f"for i in 1 2 3 4 5; do {script} incident open \"Storing $i\"; done"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    with reaped(*openers):
        ids = [line for p in openers for line in p.communicate(timeout=120)[0].split()]
    assert len(ids) == 20 and len(set(ids)) == 20
    assert sorted(int(i.split("-")[1]) for i in ids) == list(range(1, 21))  # numbered without gaps


def test_copy_refuses_a_broken_chain(calamiteit: Invoke, pg_database: str, tmp_path: Path) -> None:
    from . import backends

    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Loket geeft 503", "--beeld")
    backends.tamper(tmp_path / "data", "UPDATE entries SET body = '{\"text\":\"niets aan de hand\"}' WHERE n = 2")
    result = calamiteit("db", "copy", "--from", str(tmp_path / "data"), "--to", pg_database)
    assert result.code == exitcodes.TAMPERED and "hashketen klopt niet (regel 2" in result.out
    assert calamiteit("incident", "list", "--all", "--json", "--db", pg_database).out.count(incident) == 0


# --- a writer killed inside its transaction --------------------------------------------------------------

KILLED_INSIDE = """
import os, sys, time
from dso_calamiteit.cli import root
from dso_calamiteit.adapters.stores.interface import Store
real = Store._advance
def stuck(self, *args):
    real(self, *args)  # the entry and the incident row are written, not yet committed
    print("midden", flush=True)
    time.sleep(60)
Store._advance = stuck
root.run(["log", sys.argv[1], "Nooit vastgelegd", "--beeld"])
"""


def test_a_writer_killed_inside_its_transaction_leaves_a_verifying_log(
    calamiteit: Invoke, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    incident = calamiteit("incident", "open", "Storing").out.strip()
    calamiteit("log", incident, "Eerste beeld", "--beeld")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_INSIDE, incident], stdout=subprocess.PIPE, env=os.environ)
    with reaped(proc):
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"midden"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    after = calamiteit("log", incident, "Na de crash", "--beeld", "--json")  # the lock went with the writer
    assert after.code == 0 and json.loads(after.out)["n"] == 3
    shown = json.loads(calamiteit("incident", "show", incident, "--json").out)
    assert [e["data"].get("text") for e in shown["entries"]][1:] == ["Eerste beeld", "Na de crash"]
    assert calamiteit("incident", "verify", incident).code == 0


def test_sitrap_numbers_stay_unique_across_writers(pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two coordinators at two desks ask for the next sitrap at the same moment, three times over."""
    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    script = console_script()
    incident = subprocess.run([script, "incident", "open", "Storing", "--level", "1"], capture_output=True,
                              text=True, check=True).stdout.strip()
    numbers: list[int] = []
    for _ in range(3):
        both = [subprocess.Popen([script, "rapport", incident, "--format", "json"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        with reaped(*both):
            for proc in both:
                out, err = proc.communicate(timeout=120)
                assert proc.returncode == 0, err  # what a failure said, should one ever happen again (seen once)
                numbers.append(json.loads(out)["number"])
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


# --- following the team's timeline --------------------------------------------------------------------------


FOLLOWER = """
import sys
from dso_calamiteit.app import incidents
incidents.FOLLOW_WAIT_S = 3600.0
sys.argv[0] = "calamiteit"
from dso_calamiteit.cli.entry import main
main()
"""


def test_follow_shows_what_a_colleague_writes(
    calamiteit: Invoke, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import select

    incident = calamiteit("incident", "open", "Storing").out.strip()
    # The follower's fallback wait made an hour: on PostgreSQL only the NOTIFY can wake it within the test, so
    # no bound on the time it took is needed (SQLite looks again each second whatever the wait).
    follower = subprocess.Popen(
        [sys.executable, "-c", FOLLOWER, "incident", "show", incident, "--follow", "--json"],
        stdout=subprocess.PIPE, text=True, env=os.environ,
    )
    assert follower.stdout is not None

    def next_line(within: float = 60.0) -> dict:  # a bound for a failure only: a line comes or never does
        ready, _, _ = select.select([follower.stdout], [], [], within)
        assert ready, "no line from the follower"
        return json.loads(follower.stdout.readline())

    with reaped(follower):
        assert next_line()["kind"] == "open"
        monkeypatch.setenv("CALAMITEIT_AUTEUR", "Collega")
        assert calamiteit("log", incident, "Loket geeft 503", "--beeld").code == 0
        seen = next_line()
        assert (seen["n"], seen["author"], seen["data"]["text"]) == (2, "Collega", "Loket geeft 503")
        calamiteit("incident", "close", incident, "--reden", "Opgelost")
        assert next_line()["kind"] == "close"
        assert follower.wait(timeout=60) == 0  # a closed incident ends the follow



# --- entries the database vouches for (issue 21) ----------------------------------------------------------


def _set_up_roles(conn: psycopg.Connection) -> None:
    for statement in documented_roles().split(";\n"):
        if statement.strip().startswith("CREATE ROLE calamiteit_"):  # roles belong to the cluster: maybe there
            conn.execute(f"DO $$ BEGIN {statement}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        elif statement.strip():
            conn.execute(statement)


def test_a_forged_entry_through_a_plain_client_is_refused_or_shown(
    calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch, tmp_path: Path
) -> None:
    """The attack of issue 21: as the README's coordinator, a client that computes the hash itself writes a
    decision dated 2020 by someone else. The server refuses the time; what it lets in carries the login."""
    from dso_calamiteit.domain.logbook import canonical, entry_hash

    with admin(pg_cluster, pg_database) as conn:
        _set_up_roles(conn)
        conn.execute(f"CREATE ROLE anna LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_coordinator")
        conn.execute(f"ALTER DATABASE {pg_database.rsplit('/', 1)[1]} RESET calamiteit.import")  # as a real one
    try:
        anna = pg_database.replace("postgres@", "anna@")
        monkeypatch.setenv("CALAMITEIT_AUTEUR", "Anna de Vries")
        incident = calamiteit("incident", "open", "Storing", "--db", anna).out.strip()
        assert incident, "the coordinator opens an incident with the real clock"

        def forge(conn: psycopg.Connection, at: str) -> None:
            n, prev = conn.execute(
                "SELECT n, hash FROM calamiteit.entries WHERE incident = %s ORDER BY n DESC LIMIT 1", (incident,)
            ).fetchone()
            body = canonical({"text": "Geen opschaling nodig", "owner": "SCT", "deadline": None, "action": 1})
            author = "Bert Bestuurder (SCT-voorzitter)"
            digest = entry_hash(incident, n + 1, at, author, "decision", body, prev)
            conn.execute(
                "INSERT INTO calamiteit.entries (incident, n, at, author, kind, body, prev_hash, hash) "
                "VALUES (%s, %s, %s, %s, 'decision', %s, %s, %s)",
                (incident, n + 1, at, author, body, prev, digest),
            )
            conn.execute(
                "UPDATE calamiteit.incidents SET entries = %s, head = %s, actions = 1 WHERE id = %s",
                (n + 1, digest, incident),
            )

        with psycopg.connect(anna, autocommit=True, password=pg_cluster.password) as conn:
            with pytest.raises(psycopg.errors.RaiseException, match="not the server's time"):
                forge(conn, "2020-01-01T09:00:00+00:00")
            conn.execute("SET calamiteit.import = 'on'")  # the import's way: any client can say it ...
            with pytest.raises(psycopg.errors.RaiseException, match="needs the role calamiteit_import"):
                forge(conn, "2020-01-01T09:00:00+00:00")  # ... only the administrator's grant makes it count
            with admin(pg_cluster, pg_database) as granting:
                granting.execute("GRANT calamiteit_import TO anna")
            with pytest.raises(psycopg.errors.RaiseException, match="not older than the one before"):
                forge(conn, "2020-01-01T09:00:00+00:00")  # an importer's times are its own, but in order
            with admin(pg_cluster, pg_database) as granting:
                granting.execute("REVOKE calamiteit_import FROM anna")
            conn.execute("RESET calamiteit.import")
            conn.execute("SET ROLE calamiteit_coordinator")  # the group's name instead of her own: not recorded
            now = conn.execute("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS+00:00')")
            forge(conn, now.fetchone()[0])
        shown = json.loads(calamiteit("incident", "show", incident, "--json", "--db", anna).out)
        assert [e["role"] for e in shown["entries"]] == ["anna", "anna"]  # session_user: the login, not SET ROLE
        assert calamiteit("incident", "verify", incident, "--db", anna).code == 0  # a well-formed entry, in time

        # An export of 2020 brought in through the tool: refused in words without the role, in with it.
        from dso_calamiteit.adapters import clock

        local = tmp_path / "elders"
        with monkeypatch.context() as then:
            then.setattr(clock, "now", lambda: datetime(2020, 1, 1, 9, 0, tzinfo=UTC))
            old = calamiteit("incident", "open", "Oud", "--data-dir", str(local)).out.strip()
            calamiteit("incident", "export", old, "-o", str(tmp_path / "oud.json"), "--data-dir", str(local))
        refused = calamiteit("incident", "import", str(tmp_path / "oud.json"), "--db", anna)
        assert refused.code == exitcodes.CONFIG, refused.err
        assert "mag alleen wie de rol calamiteit_import heeft" in refused.err
        assert "GRANT calamiteit_import" in refused.err
        with admin(pg_cluster, pg_database) as granting:
            granting.execute("GRANT calamiteit_import TO anna")
        assert calamiteit("incident", "import", str(tmp_path / "oud.json"), "--db", anna).code == 0
    finally:
        with admin(pg_cluster, pg_database) as conn:
            conn.execute("DROP OWNED BY anna, calamiteit_coordinator, calamiteit_reader")
            conn.execute("DROP ROLE anna")


def test_a_reader_can_block_no_writer(calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch) -> None:
    """The README's reader tries every lock it could hold against the writers: the writers' table lock and every
    row lock of the table are refused (they need UPDATE), and what it can hold (the old advisory key, a share
    lock on the table) stops nobody."""
    from dso_calamiteit.adapters.stores.postgres import MIGRATE_LOCK, WRITE_LOCK_SQL

    with admin(pg_cluster, pg_database) as conn:
        _set_up_roles(conn)
        conn.execute(f"CREATE ROLE anna LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_coordinator")
        conn.execute(f"CREATE ROLE kees LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_reader")
    try:
        anna, kees = (pg_database.replace("postgres@", f"{who}@") for who in ("anna", "kees"))
        incident = calamiteit("incident", "open", "Storing", "--db", anna).out.strip()
        with psycopg.connect(kees, autocommit=True, password=pg_cluster.password) as reader:
            for strength in ("UPDATE", "NO KEY UPDATE", "SHARE", "KEY SHARE"):  # FOR UPDATE: the lock until session 36
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute(f"SELECT 1 FROM calamiteit.writer_lock WHERE id = 1 FOR {strength}")
            for lock in [f"LOCK TABLE calamiteit.writer_lock IN {mode} MODE" for mode in (
                "ROW SHARE", "ROW EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "ACCESS EXCLUSIVE")] + [WRITE_LOCK_SQL]:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute("BEGIN; " + lock)
                reader.execute("ROLLBACK")
            reader.execute("BEGIN")
            reader.execute(f"SELECT pg_advisory_xact_lock({MIGRATE_LOCK})")  # the key every writer used to take
            reader.execute("LOCK TABLE calamiteit.writer_lock, calamiteit.entries IN ACCESS SHARE MODE")
            reader.execute("SELECT * FROM calamiteit.entries")
            written = calamiteit("log", incident, "Loket traag", "--beeld", "--db", anna)
            assert written.code == 0, written.err  # not "het logboek is bezet"
            reader.execute("ROLLBACK")
    finally:
        with admin(pg_cluster, pg_database) as conn:
            conn.execute("DROP OWNED BY anna, kees, calamiteit_coordinator, calamiteit_reader")
            conn.execute("DROP ROLE anna, kees")


def test_a_writer_of_the_row_lock_and_one_of_the_table_lock_wait_for_each_other(
    calamiteit: Invoke, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until session 36 a writer locked the row of `writer_lock` (FOR UPDATE), now the table (EXCLUSIVE): while a
    team runs both versions, each still waits for the other, so no two writers share a number."""
    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    monkeypatch.setattr("dso_calamiteit.adapters.stores.postgres.LOCK_TIMEOUT_MS", 300)
    incident = calamiteit("incident", "open", "Storing").out.strip()
    with psycopg.connect(pg_database, autocommit=True) as older:
        older.execute("BEGIN; SELECT 1 FROM calamiteit.writer_lock WHERE id = 1 FOR UPDATE")
        held = calamiteit("log", incident, "Loket traag", "--beeld")
        assert held.code == exitcodes.FAILURE and "bezet" in held.err, held.err
        older.execute("ROLLBACK")
        older.execute("SET lock_timeout = 300")
        with backends.write_lock_held(Path("unused")):  # a writer of this version holds the table lock
            with pytest.raises(psycopg.errors.LockNotAvailable):
                older.execute("BEGIN; SELECT 1 FROM calamiteit.writer_lock WHERE id = 1 FOR UPDATE")
            older.execute("ROLLBACK")
    assert calamiteit("log", incident, "Loket weer snel", "--beeld").code == exitcodes.OK


def test_every_command_as_the_documented_roles(
    calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, make_config, tmp_path: Path, monkeypatch
) -> None:
    """docs/shared-logbook.md's roles as written: the coordinator runs every writing command (monitor --record,
    gebruik import, db copy --to and import included); the reader runs every reading command and is refused every
    writing one in one line, exit 3."""
    from .conftest import REPO

    with admin(pg_cluster, pg_database) as conn:
        _set_up_roles(conn)
        conn.execute(f"CREATE ROLE anna LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_coordinator")
        conn.execute(f"CREATE ROLE kees LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_reader")
    monkeypatch.delenv("CALAMITEIT_DB", raising=False)
    try:
        anna, kees = (pg_database.replace("postgres@", f"{who}@") for who in ("anna", "kees"))
        with serve() as (base, _):
            monitor = "timeout_s: 2\nmax_body_kb: 512\ntargets:\n"
            monitor += f'  - name: Loket\n    url: "{base}/ok"\n    env: prod\n'
            folder = make_config(monitor=monitor)
            cfg = ("--config-dir", str(folder))
            incident = calamiteit("incident", "open", "Storing", "--db", anna).out.strip()
            writes = [
                ("log", incident, "Loket traag", "--beeld", "--db", anna),
                ("log", incident, "Bel IPLO", "--besluit", "--actiehouder", "IPLO", "--db", anna),
                ("actie", incident, "1", "--gereed", "--db", anna),
                ("niveau", incident, "1", "--reden", "Meer meldingen", "--db", anna),
                ("rapport", incident, "--db", anna, *cfg),
                ("monitor", "--record", "--db", anna, *cfg),
                ("gebruik", "import", str(REPO / "voorbeelden" / "gebruik.csv"), "--db", anna, *cfg),
            ]
            for args in writes:
                result = calamiteit(*args)
                assert result.code == 0 and "niet bewaard" not in result.err, (args, result.err)
            local = tmp_path / "eigen"
            other = calamiteit("incident", "open", "Elders", "--data-dir", str(local)).out.strip()
            calamiteit("incident", "export", other, "-o", str(tmp_path / "x.json"), "--data-dir", str(local))
            imported = calamiteit("incident", "import", str(tmp_path / "x.json"), "--db", anna)
            assert imported.code == 0, imported.err
            third = calamiteit("incident", "open", "Derde", "--data-dir", str(local)).out.strip()
            copied = calamiteit("db", "copy", "--from", str(local / "logboek.sqlite"), "--to", anna, "--json")
            assert copied.code == 0, copied.err
            assert calamiteit("incident", "close", incident, "--reden", "Opgelost", "--force", "--db", anna).code == 0
            assert calamiteit("incident", "show", third, "--db", kees).code == 0

            reads = [
                ("incident", "list", "--all", "--db", kees),
                ("incident", "show", incident, "--db", kees),
                ("incident", "verify", incident, "--db", kees),
                ("acties", "--db", kees),
                ("overzicht", "--db", kees, *cfg),
                ("monitor", "--history", "--db", kees, *cfg),
                ("incident", "export", incident, "--db", kees),
                ("rapport", third, "--concept", "--db", kees, *cfg),
            ]
            for args in reads:
                result = calamiteit(*args)
                assert result.code == 0, (args, result.err)
            refused = [
                ("incident", "open", "Kees", "--db", kees),
                ("log", third, "Kees schrijft", "--beeld", "--db", kees),
                ("rapport", third, "--db", kees, *cfg),
                ("gebruik", "import", str(REPO / "voorbeelden" / "gebruik.csv"), "--db", kees, *cfg),
                ("incident", "import", str(tmp_path / "x.json"), "--db", kees),
            ]
            # the monitor reports its round whatever happens to the recording: exit by the targets, one line
            watched = calamiteit("monitor", "--record", "--db", kees, *cfg)
            assert watched.code == 0 and "uitkomsten niet bewaard" in watched.err and "geen rechten" in watched.err
            for args in refused:
                result = calamiteit(*args)
                assert result.code == exitcodes.CONFIG, (args, result.err)
                assert "geen rechten" in result.err and len(result.err.strip().splitlines()) <= 2, result.err
    finally:
        with admin(pg_cluster, pg_database) as conn:
            conn.execute("DROP OWNED BY anna, kees, calamiteit_coordinator, calamiteit_reader")
            conn.execute("DROP ROLE anna, kees")


def test_db_copy_is_whole_or_nothing(calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, tmp_path: Path) -> None:
    """A copy that fails half-way (here: no right to store usage figures) leaves nothing in the target; the next
    run, with the right, copies everything."""
    from .conftest import REPO

    local = tmp_path / "eigen"
    for title in ("Een", "Twee"):
        calamiteit("incident", "open", title, "--data-dir", str(local))
    example = str(REPO / "voorbeelden" / "gebruik.csv")
    assert calamiteit("gebruik", "import", example, "--data-dir", str(local)).code == 0
    with admin(pg_cluster, pg_database) as conn:
        _set_up_roles(conn)
        conn.execute(f"CREATE ROLE anna LOGIN PASSWORD '{pg_cluster.password}' IN ROLE calamiteit_coordinator")
        conn.execute("REVOKE INSERT, UPDATE ON calamiteit.usage FROM calamiteit_coordinator")
    try:
        anna = pg_database.replace("postgres@", "anna@")
        failed = calamiteit("db", "copy", "--from", str(local / "logboek.sqlite"), "--to", anna)
        assert failed.code == exitcodes.CONFIG and "geen rechten" in failed.err
        with admin(pg_cluster, pg_database) as conn:
            assert conn.execute("SELECT count(*) FROM calamiteit.incidents").fetchone() == (0,)
            conn.execute("GRANT INSERT, UPDATE ON calamiteit.usage TO calamiteit_coordinator")
        again = calamiteit("db", "copy", "--from", str(local / "logboek.sqlite"), "--to", anna, "--json")
        assert again.code == 0, again.err
        assert [i["new"] for i in json.loads(again.out)["incidents"]] == [1, 1]
    finally:
        with admin(pg_cluster, pg_database) as conn:
            conn.execute("DROP OWNED BY anna, calamiteit_coordinator, calamiteit_reader")
            conn.execute("DROP ROLE anna")


# --- the tamper guard's cost (issue 27): point look-ups only, whatever the incident holds --------------------


def _appended(pg_database: str, count: int):  # type: ignore[no-untyped-def]
    """A store with one incident of `count` + 1 entries, written in this one session (as a long-running writer
    does: the triggers' plans are made on a table never analysed and kept for the session)."""
    from dso_calamiteit.adapters.stores import Location, open_store

    store = open_store(Location(url=pg_database))
    at = datetime.now(UTC).isoformat(timespec="seconds")
    incident = store.open_incident("Storing", {"title": "Storing", "level": 1}, "Anna", at).incident
    for i in range(count):
        store.append(incident, "observation", {"text": f"meting {i}"}, "Anna", at)
    return store, incident


def test_every_trigger_look_up_reads_one_entry(pg_database: str) -> None:
    """The plans the server runs for an append, nested trigger statements included (auto_explain, sent to this
    client as notices): no statement reads more than one entry of an incident of 300, and none scans the
    table. Schema 8's guard read all of them for max(n) on every append, through the kind index."""
    import re

    store, incident = _appended(pg_database, 300)
    plans: list[str] = []
    store.conn.notice_handlers.append(plans.append)  # each notice's primary message
    store.conn.execute("LOAD 'auto_explain'")
    for setting in ("log_min_duration = 0", "log_nested_statements = on", "log_analyze = on",
                    "log_level = notice"):
        store.conn.execute(f"SET auto_explain.{setting}")
    for i in range(3):
        store.append(incident, "observation", {"text": f"nog {i}"}, "Anna", datetime.now(UTC).isoformat())
    store.close()
    on_entries = [p for p in plans if re.search(r"\bon entries\b", p)]
    assert any("FROM calamiteit.entries" in p for p in on_entries), plans  # the triggers' own statements too
    assert len(on_entries) >= 9, plans  # per append: the tip, the insert's look-up, the guard's look-up
    for plan in on_entries:
        assert "Seq Scan on entries" not in plan, plan
        for line in plan.splitlines():
            if re.search(r"Scan.* on entries", line):
                read = re.search(r"actual time=\S+ rows=(\d+)", line)
                assert read is not None and int(read.group(1)) <= 1, plan


def test_the_incidents_row_follows_the_last_entry(pg_cluster: Cluster, pg_database: str) -> None:
    """Schema 9's guard, through a plain client that writes entries itself: the row must name the incident's
    last entry and that entry's hash, and even with that right its fixed columns stay and its counts do not go
    back; a row without entries follows nothing; the right row is taken."""
    from dso_calamiteit.domain.logbook import canonical, entry_hash

    store, incident = _appended(pg_database, 2)
    store.close()
    with admin(pg_cluster, pg_database) as conn:
        n, prev = conn.execute(
            "SELECT n, hash FROM calamiteit.entries WHERE incident = %s ORDER BY n DESC LIMIT 1", (incident,)
        ).fetchone()
        made = []
        for k in (1, 2):
            at = datetime.now(UTC).isoformat(timespec="seconds")
            body = canonical({"text": f"erbij {k}"})
            digest = entry_hash(incident, n + k, at, "Bert", "observation", body, prev)
            conn.execute(
                "INSERT INTO calamiteit.entries (incident, n, at, author, kind, body, prev_hash, hash) "
                "VALUES (%s, %s, %s, 'Bert', 'observation', %s, %s, %s)",
                (incident, n + k, at, body, prev, digest),
            )
            made.append(digest)
            prev = digest
        follow = "UPDATE calamiteit.incidents SET entries = %s, head = %s{} WHERE id = %s"
        for wrong in ((n + 1, made[0]), (n + 2, made[0]), (n + 3, made[1]), (n + 2, "0" * 64)):
            with pytest.raises(psycopg.errors.RaiseException, match="follows its entries"):
                conn.execute(follow.format(""), (*wrong, incident))  # not the last entry, or not its hash
        for also in ("title = 'Iets anders'", "opened_at = '2020-01-01T00:00:00+00:00'", "id = 'ander'",
                     "actions = actions - 1", "reports = reports - 1"):
            with pytest.raises(psycopg.errors.RaiseException, match="follows its entries"):
                conn.execute(follow.format(", " + also), (n + 2, made[1], incident))  # the right step, and this
        conn.execute(
            "INSERT INTO calamiteit.incidents (id, title, opened_at, level, entries, head) "
            "VALUES ('leeg', 'Leeg', %s, 1, 0, %s)", (at, "0" * 64)
        )
        with pytest.raises(psycopg.errors.RaiseException, match="follows its entries"):
            conn.execute(follow.format(""), (1, "0" * 64, "leeg"))  # a row without entries follows nothing
        conn.execute(follow.format(""), (n + 2, made[1], incident))
        assert conn.execute(
            "SELECT entries, head FROM calamiteit.incidents WHERE id = %s", (incident,)
        ).fetchone() == (n + 2, made[1])


# --- an append's exchange with the server (issue 27, session 34) ------------------------------------------


def _exchange(store, act):  # type: ignore[no-untyped-def]
    """What the client and the server said while `act()` ran (libpq's own trace of the protocol): a list of
    (side, message), side "F" for the client, "B" for the server."""
    import tempfile

    with tempfile.TemporaryFile("w+") as traced:
        store.conn.trace(traced.fileno())  # without times (libpq's regress mode)
        try:
            act()
        finally:
            store.conn.untrace()
        traced.seek(0)
        return [(line.split("\t")[0], line.split("\t")[2].strip()) for line in traced if line.count("\t") >= 2]


def test_an_append_is_two_round_trips_and_committed_when_it_returns(pg_cluster: Cluster, pg_database: str) -> None:
    """One append ends with one Sync, and the server's one ReadyForQuery is its last word: a second Sync would
    be a third round trip. (How many Flush messages go out, and whether an answer is read while the client is
    still sending, may depend on timing: a loaded run under psycopg sent one Flush where a quiet one sent two,
    so neither is asserted.) When append returns, the entry is committed: another session reads it, and the
    store is out of its transaction."""
    from dso_calamiteit.adapters.stores import libpq

    store, incident = _appended(pg_database, 3)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    said = _exchange(store, lambda: store.append(incident, "observation", {"text": "nu"}, "Anna", at))
    sent = [message for side, message in said if side == "F"]
    answered = [message for side, message in said if side == "B"]
    assert sent.count("Sync") == 1 and answered.count("ReadyForQuery") == 1, said
    assert "Flush" in sent, said  # the tip is asked for before the entry is sent: two round trips, not one
    assert said[-1] == ("B", "ReadyForQuery"), said  # the server's last word: the transaction is over
    assert store.conn.transaction_status == libpq.IDLE
    with admin(pg_cluster, pg_database) as other:
        seen = other.execute(
            "SELECT n, body FROM calamiteit.entries WHERE incident = %s ORDER BY n DESC LIMIT 1", (incident,)
        ).fetchone()
    assert seen == (5, '{"text":"nu"}')
    store.close()


def test_a_commit_the_server_refuses_is_said_and_nothing_is_stored(
    calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A COMMIT that fails (here a deferred check that refuses at commit time) reaches the store only at the
    pipeline's end: the append is refused with the server's reason, nothing is noted as committed (Ctrl-C would
    say nothing was stored), the entry is not in, and the same session appends again once the server takes it.
    Through the command: one clear line and the documented exit code, no traceback."""
    from dso_calamiteit.adapters import interrupts
    from dso_calamiteit.adapters.stores import StorageError

    store, incident = _appended(pg_database, 1)
    with admin(pg_cluster, pg_database) as conn:
        conn.execute(
            "CREATE FUNCTION public.at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.body LIKE '%weiger%' THEN RAISE EXCEPTION 'refused at commit'; END IF; RETURN NULL; END $$"
        )
        conn.execute(
            "CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON calamiteit.entries DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION public.at_commit()"
        )
    at = datetime.now(UTC).isoformat(timespec="seconds")
    interrupts.reset()
    with pytest.raises(StorageError, match="geweigerd door de database: refused at commit"):
        store.append(incident, "observation", {"text": "weiger mij"}, "Anna", at)
    assert interrupts.outcome() == "er is niets vastgelegd in het logboek"
    assert [e.n for e in store.entries(incident)] == [1, 2]
    assert store.append(incident, "observation", {"text": "wel goed"}, "Anna", at).n == 3
    assert store.summary(incident).entries == 3
    interrupts.reset()
    store.close()
    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    result = calamiteit("log", incident, "weiger dit ook", "--beeld")
    assert result.code == exitcodes.CONFIG, result.err
    assert "geweigerd door de database: refused at commit" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) <= 2, result.err
    assert json.loads(calamiteit("incident", "show", incident, "--json").out)["entries"][-1]["n"] == 3


def test_a_connection_lost_after_the_commit_was_sent_is_said_as_not_known(
    calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server goes while it finishes the COMMIT (here: a check at commit time ends its own session). The
    client cannot know whether the entry was stored, so it does not say "not stored" (a runbook that then tries
    again could store it twice): it says it is not sure and where to look. A connection lost before the COMMIT
    was sent still says nothing was stored."""
    from dso_calamiteit.adapters.stores import StorageError

    store, incident = _appended(pg_database, 1)
    with admin(pg_cluster, pg_database) as conn:
        conn.execute(
            "CREATE FUNCTION public.gone_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.body LIKE '%verbreek%' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; "
            "RETURN NULL; END $$"
        )
        conn.execute(
            "CREATE CONSTRAINT TRIGGER gone_at_commit AFTER INSERT ON calamiteit.entries DEFERRABLE INITIALLY "
            "DEFERRED FOR EACH ROW EXECUTE FUNCTION public.gone_at_commit()"
        )
    at = datetime.now(UTC).isoformat(timespec="seconds")
    with pytest.raises(StorageError) as raised:
        store.append(incident, "observation", {"text": "verbreek de verbinding"}, "Anna", at)
    said = str(raised.value) + " " + str(raised.value.hint)
    assert "of het is vastgelegd, is niet zeker" in said and "calamiteit incident show" in said, said
    assert "niet vastgelegd" not in said, said
    store.close()
    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    result = calamiteit("log", incident, "verbreek ook deze", "--beeld")
    assert result.code == exitcodes.CONFIG and "is niet zeker" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) <= 2, result.err
    with admin(pg_cluster, pg_database) as conn:  # gone before the COMMIT: known not to be stored
        conn.execute("DROP TRIGGER gone_at_commit ON calamiteit.entries")
        conn.execute(
            "CREATE TRIGGER gone_at_insert BEFORE INSERT ON calamiteit.entries FOR EACH ROW "
            "EXECUTE FUNCTION public.gone_at_commit()"
        )
    result = calamiteit("log", incident, "verbreek nu eerder", "--beeld")
    assert result.code == exitcodes.CONFIG and "is niet zeker" not in result.err, result.err
    assert "niet vastgelegd" in result.err


def _error(state: str | None, severity: str | None, last: bool):  # type: ignore[no-untyped-def]
    from dso_calamiteit.adapters.stores.libpq import Error

    error = Error("x", state, severity=severity)
    error.last = last
    return error


@pytest.mark.parametrize(
    ("state", "severity", "last", "may_be_stored"),
    [
        (None, None, False, True),  # no answer at all: the connection went after the COMMIT was sent
        (None, None, True, True),
        ("23505", "ERROR", False, False),  # an earlier statement refused: the pipeline stopped there
        ("57P01", "FATAL", False, False),  # the session ended on an earlier statement
        ("23514", "ERROR", True, False),  # the COMMIT refused
        ("57P01", "FATAL", True, True),  # the COMMIT's answer is the end of the session
        ("XX000", "PANIC", True, True),
        ("08P01", None, False, True),  # a pooler's own word (no severity field), given to the next statement
        ("08006", "FATAL", False, True),  # a connection failure, whoever says it
    ],
)
def test_whether_a_write_may_have_been_stored(state, severity, last, may_be_stored) -> None:  # type: ignore[no-untyped-def]
    from dso_calamiteit.adapters.stores.postgres import not_known

    assert not_known(_error(state, severity, last)) is may_be_stored


def test_a_fresh_stores_first_append_asks_no_extra_question(pg_cluster: Cluster, pg_database: str) -> None:
    """The login an entry is stored by comes from what the server reported at the start of the session
    (`session_authorization`): a one-append command does not spend a round trip in the middle of its write
    asking `SELECT session_user`. The entry it returns names that login, as the stored row does."""
    import tempfile

    from dso_calamiteit.adapters.stores import Location, open_store

    opener, incident = _appended(pg_database, 0)
    opener.close()
    store = open_store(Location(url=pg_database))
    at = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryFile("w+") as traced:
        store.conn.trace(traced.fileno())
        try:
            entry = store.append(incident, "observation", {"text": "eerste van deze sessie"}, "Anna", at)
        finally:
            store.conn.untrace()
        traced.seek(0)
        said = traced.read()
    assert "session_user" not in said and "Sync" in said, said
    assert entry.role == "postgres"
    store.close()
    with admin(pg_cluster, pg_database) as conn:
        stored = conn.execute("SELECT role FROM calamiteit.entries WHERE incident = %s AND n = 2", (incident,))
        assert stored.fetchone() == ("postgres",)


def _pooler(target: tuple[str, int], armed: dict[str, bool]) -> int:
    """A relay like pgbouncer (session 36's second review): once armed, it passes the packet that holds the
    COMMIT on to the server, passes none of the server's answers back, and after the server has had time to run
    the pipeline tells the client what pgbouncer says when its server connection is lost ("server conn
    crashed?", SQLSTATE 08P01, no severity field V), then hangs up. Returns its port."""
    import socket
    import struct
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def relay(client: socket.socket) -> None:
        server = socket.create_connection(target)
        cut = threading.Event()

        def down() -> None:
            while not cut.is_set():
                try:
                    data = server.recv(65536)
                except OSError:
                    return
                if not data or cut.is_set():
                    return
                client.sendall(data)

        threading.Thread(target=down, daemon=True).start()
        with client, server:
            while data := client.recv(65536):
                if armed.get("on") and b"COMMIT\x00" in data:
                    cut.set()
                    server.sendall(data)
                    time.sleep(1.0)  # the server runs the pipeline, COMMIT included
                    said = b"SFATAL\x00C08P01\x00Mserver conn crashed?\x00\x00"
                    client.sendall(b"E" + struct.pack("!I", len(said) + 4) + said)
                    return
                server.sendall(data)

    def accept() -> None:
        with listener:
            while True:
                conn, _ = listener.accept()
                threading.Thread(target=relay, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return int(listener.getsockname()[1])


def test_a_poolers_word_after_the_commit_is_not_taken_for_the_servers(
    pg_cluster: Cluster, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a pooler that loses its server connection after the COMMIT went out, the client hears the pooler's
    error, given by libpq to the INSERT, while the entry is in the table. The tool says it is not certain, not
    "not stored" (a retry would store it twice)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    from dso_calamiteit.adapters.stores import Location, StorageError, open_store

    monkeypatch.setenv("PGSSLMODE", "disable")
    monkeypatch.setenv("PGGSSENCMODE", "disable")
    info = conninfo_to_dict(pg_database)
    armed: dict[str, bool] = {}
    port = _pooler((str(info.get("host") or "127.0.0.1"), int(str(info["port"]))), armed)
    store = open_store(Location(url=make_conninfo(pg_database, host="127.0.0.1", port=str(port))))
    at = datetime.now(UTC).isoformat(timespec="seconds")
    incident = store.open_incident("Storing", {"title": "Storing", "level": 1}, "Anna", at).incident
    armed["on"] = True
    with pytest.raises(StorageError) as raised:
        store.append(incident, "observation", {"text": "na de COMMIT"}, "Anna", at)
    store.close()
    said = str(raised.value) + " " + str(raised.value.hint)
    with admin(pg_cluster, pg_database) as conn:
        stored = conn.execute("SELECT count(*) FROM calamiteit.entries WHERE incident = %s", (incident,)).fetchone()
    assert stored == (2,)  # it was stored
    assert "niet zeker" in said and "niet vastgelegd" not in said, said


def test_a_row_edited_upwards_does_not_stop_a_close(
    calamiteit: Invoke, pg_cluster: Cluster, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The close writes the counts from the chain only where the row's are not higher: the guard refuses a
    count that goes down, and a row edited upwards past the triggers is verify's to report, not a reason the
    incident cannot be closed."""
    monkeypatch.setenv("CALAMITEIT_DB", pg_database)
    incident = calamiteit("incident", "open", "Storing").out.strip()
    assert calamiteit("log", incident, "Bel leverancier", "--besluit", "--actiehouder", "IPLO").code == 0
    with admin(pg_cluster, pg_database) as conn:
        conn.execute("SET session_replication_role = replica")  # a superuser's way past the triggers
        conn.execute("UPDATE calamiteit.incidents SET actions = 7, reports = 3 WHERE id = %s", (incident,))
    closed = calamiteit("incident", "close", incident, "--reden", "opgelost", "--force")
    assert closed.code == exitcodes.OK, closed.err
    verified = calamiteit("incident", "verify", incident)
    assert verified.code == exitcodes.TAMPERED and "de incidentregel zegt acties = 7, de keten zegt 1" in verified.out
