"""Where the files come from (each on its own) and the cache of validated files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dso_calamiteit.adapters import config
from dso_calamiteit.adapters.config import loading
from dso_calamiteit.domain.errors import ConfigError

from .conftest import REPO, Invoke

ONE_ORG = (
    "organisations: [{id: eigen, name: Eigen organisatie}]\ncontacts: [{org: eigen, role: Piket, tier: tactisch}]\n"
)
ROUTING = "situations: []\nroutes: [{id: alles, when: Altijd, to: [eigen]}]\n"


def write_own_rest(folder: Path) -> None:
    """Routing, readiness and teams refer to contacts: replacing contacts.yaml means replacing them too."""
    write(folder, "config/routing.yaml", ROUTING)
    write(folder, "config/paraatheid.yaml", "requirements: [{org: eigen, tier: tactisch, always: true}]\n")
    write(folder, "config/teams.yaml", "teams: []\n")


def origins(calamiteit: Invoke, *args: str) -> dict[str, str]:
    result = calamiteit("check", "--json", *args)
    assert result.code == 0, result.out + result.err
    return {f["kind"]: f["origin"] for f in json.loads(result.out)["files"]}


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_shipped_defaults_are_the_repository_files(shipped: Path) -> None:
    for name in config.FILES.values():
        assert (shipped / name).read_bytes() == (REPO / name).read_bytes(), name


def test_each_file_is_looked_up_on_its_own(calamiteit: Invoke, tmp_path: Path) -> None:
    own = tmp_path / "own"
    write(own, "contacts.yaml", ONE_ORG)
    write_own_rest(own)
    assert origins(calamiteit, "--config-dir", str(own)) == {
        "criteria": "standaard",
        "contacts": "--config-dir",
        "routing": "--config-dir",
        "reporting": "standaard",
        "monitor": "standaard",
        "readiness": "--config-dir",
        "teams": "--config-dir",
        "logbook": "standaard",
        "callout": "standaard",
        "maintenance": "standaard",
    }
    doc = json.loads(calamiteit("contacts", "--json", "--config-dir", str(own)).out)
    assert [c["org"] for c in doc["contacts"]] == ["eigen"]


def test_own_contacts_with_shipped_routing_must_still_agree(calamiteit: Invoke, tmp_path: Path) -> None:
    """Routing points at organisations by id: replacing contacts.yaml alone is checked against it. Since issue 23
    that disagreement is a warning naming both files (a contact lookup must work at 02:00), not an error."""
    own = tmp_path / "own"
    write(own, "contacts.yaml", ONE_ORG)
    result = calamiteit("check", "--config-dir", str(own))
    assert result.code == 0
    assert "waarschuwing" in result.out and "routing.yaml" in result.out
    assert "onbekende organisatie 'dso-lv'" in result.out


def test_order_flag_env_cwd_user_shipped(
    calamiteit: Invoke, tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "xdg-config" / "calamiteit"
    write(user, "contacts.yaml", ONE_ORG)
    write_own_rest(user)
    assert origins(calamiteit)["contacts"] == "gebruikersmap"
    write(isolated, "contacts.yaml", ONE_ORG)
    assert origins(calamiteit)["contacts"] == "huidige map"
    env_dir, flag_dir = tmp_path / "env", tmp_path / "flag"
    write(env_dir, "contacts.yaml", ONE_ORG)
    write(flag_dir, "contacts.yaml", ONE_ORG)
    monkeypatch.setenv("CALAMITEIT_CONFIG_DIR", str(env_dir))
    assert origins(calamiteit)["contacts"] == "CALAMITEIT_CONFIG_DIR"
    assert origins(calamiteit, "--config-dir", str(flag_dir))["contacts"] == "--config-dir"
    assert origins(calamiteit)["routing"] == "gebruikersmap"


def test_missing_env_dir_is_an_error_not_a_silent_fallback(
    calamiteit: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALAMITEIT_CONFIG_DIR", str(tmp_path / "typo"))
    result = calamiteit("criteria")
    assert result.code == 2 and "CALAMITEIT_CONFIG_DIR" in result.err


def test_check_names_the_files_and_where_they_were_found(calamiteit: Invoke) -> None:
    out = calamiteit("check").out
    assert "criteria.yaml" in out and "config/routing.yaml" in out and "standaard" in out


# --- cache ------------------------------------------------------------------------------------------------


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = loading._validate

    def counting(*args: object, **kwargs: object) -> config.Config:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "_validate", counting)
    return calls


def test_unchanged_files_load_from_cache(validations: list[int], tmp_path: Path) -> None:
    own = tmp_path / "own"
    write(own, "contacts.yaml", ONE_ORG)
    write_own_rest(own)
    first = config.load(config.locate(own))
    second = config.load(config.locate(own))
    assert len(validations) == 1
    assert second == first


def test_changed_content_is_validated_again(validations: list[int], tmp_path: Path) -> None:
    own = tmp_path / "own"
    write(own, "contacts.yaml", ONE_ORG)
    write_own_rest(own)
    config.load(config.locate(own))
    write(own, "contacts.yaml", ONE_ORG.replace("Piket", "Piketdienst"))
    loaded = config.load(config.locate(own))
    assert len(validations) == 2
    assert loaded.contacts.contacts[0].role == "Piketdienst"


def test_invalid_files_are_never_cached(validations: list[int], tmp_path: Path) -> None:
    own = tmp_path / "own"
    write(own, "contacts.yaml", "organisations: 1\n")
    for _ in range(2):
        with pytest.raises(ConfigError):
            config.load(config.locate(own)).contacts  # noqa: B018 - stops the commands that read it
    assert len(validations) == 2


def test_damaged_cache_is_ignored(validations: list[int]) -> None:
    config.load(config.locate())
    for cached in config.cache_dir().glob("config-*.pickle"):
        cached.write_bytes(b"not a pickle")
    assert config.load(config.locate()).criteria.base.level == 0
    assert len(validations) == 2


def test_cache_can_be_switched_off(validations: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALAMITEIT_NO_CACHE", "1")
    config.load(config.locate())
    config.load(config.locate())
    assert len(validations) == 2
    assert not list(config.cache_dir().glob("*.pickle"))


def test_unwritable_cache_folder_is_harmless(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CALAMITEIT_CACHE_DIR", str(blocker / "cache"))
    assert config.load(config.locate()).contacts.organisations


def test_several_config_folders_keep_their_own_cache(validations: list[int], tmp_path: Path) -> None:
    own = tmp_path / "own"
    write(own, "contacts.yaml", ONE_ORG)
    write_own_rest(own)
    for _ in range(3):
        config.load(config.locate(own))
        config.load(config.locate())
    assert len(validations) == 2


# --- a warm run trusts unchanged stats (cache.py: config-stats.marshal) ------------------------------------


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The config files read (and so hashed) by config.load."""
    done: list[str] = []
    real = loading.read_bounded

    def counting(path: Path, *args: object, **kwargs: object) -> bytes:
        done.append(Path(path).name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "read_bounded", counting)
    return done


def own_folder(tmp_path: Path) -> Path:
    own = tmp_path / "own"
    write(own, "contacts.yaml", ONE_ORG)
    write_own_rest(own)
    return own


@pytest.fixture
def own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder of the user's own whose stats are trusted at once (RACY_NS 0: its files were written just
    now, and would otherwise be read on every run until they are older)."""
    from dso_calamiteit.adapters.config import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)
    return own_folder(tmp_path)


def read_on_load(own: Path, reads: list[str]) -> list[str]:
    """The config files one `config.load` of `own` reads (and so hashes): none on a warm run."""
    reads.clear()
    config.load(config.locate(own))
    return list(reads)


def test_unchanged_files_are_neither_read_nor_hashed_on_a_warm_run(
    validations: list[int], reads: list[str], own: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dso_calamiteit.adapters.config import cache

    first = config.load(config.locate(own))
    assert len(reads) == len(config.FILES)
    reads.clear()
    monkeypatch.setattr(cache, "cache_key", lambda raws: pytest.fail("hashed on a warm run"))
    second = config.load(config.locate(own))
    assert reads == [] and len(validations) == 1
    assert second == first


@pytest.mark.parametrize(
    "edit", ["another size", "same size, new mtime", "same size, mtime put back", "replaced by another file"]
)
def test_an_edited_file_is_read_again_whatever_stat_stayed_the_same(
    validations: list[int], reads: list[str], own: Path, edit: str
) -> None:
    """Only every stat the same skips reading: size, mtime, ctime (which `touch -d` cannot set back) and inode."""
    import os

    assert config.load(config.locate(own)).contacts.contacts[0].role == "Piket"
    target = own / "contacts.yaml"
    before = target.stat()
    if edit == "another size":
        target.write_text(ONE_ORG.replace("Piket", "Piketdienst"), encoding="utf-8")
    elif edit == "same size, new mtime":
        target.write_text(ONE_ORG.replace("Piket", "Poket"), encoding="utf-8")
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns - 5_000_000_000))  # (a future one is never trusted)
    elif edit == "same size, mtime put back":  # only the ctime tells
        target.write_text(ONE_ORG.replace("Piket", "Poket"), encoding="utf-8")
        os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    else:  # written beside it and moved over it, with its old times (`cp -p`, an editor's save)
        other = own / "contacts.new"
        other.write_text(ONE_ORG.replace("Piket", "Poket"), encoding="utf-8")
        os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
        other.replace(target)
    assert target.stat().st_size == before.st_size or edit == "another size"
    reads.clear()
    loaded = config.load(config.locate(own))
    assert "contacts.yaml" in reads
    assert loaded.contacts.contacts[0].role == ("Piketdienst" if edit == "another size" else "Poket")
    assert len(validations) == 2
    reads.clear()
    assert config.load(config.locate(own)).contacts.contacts[0].role == loaded.contacts.contacts[0].role
    assert reads == [] and len(validations) == 2  # and the new stats are kept: the next run is warm again


def test_a_touched_file_is_hashed_once_and_not_validated_again(
    validations: list[int], reads: list[str], own: Path
) -> None:
    import os

    config.load(config.locate(own))
    os.utime(own / "contacts.yaml", ns=(0, (own / "contacts.yaml").stat().st_mtime_ns - 7_000_000_000))
    assert len(read_on_load(own, reads)) == len(config.FILES)
    assert len(validations) == 1  # same contents: the same cached set
    assert read_on_load(own, reads) == []


def test_a_file_changed_just_now_is_read_on_every_run_until_it_is_older(
    validations: list[int], reads: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Racy files: one changed in the same timestamp tick as it was stat-ed could later look unchanged, so the
    stats of a file younger than RACY_NS are not kept."""
    import time

    from dso_calamiteit.adapters.config import cache

    own = own_folder(tmp_path)
    for _ in range(2):
        assert len(read_on_load(own, reads)) == len(config.FILES)
    assert not (config.cache_dir() / cache.STATS_FILE).exists()
    later = time.time_ns() + cache.RACY_NS + 1_000_000
    monkeypatch.setattr(cache.time, "time_ns", lambda: later)
    config.load(config.locate(own))  # now old enough: its stats are kept
    assert read_on_load(own, reads) == [] and len(validations) == 1


def test_kept_stats_another_user_could_have_written_are_not_used(
    validations: list[int], reads: list[str], own: Path
) -> None:
    from dso_calamiteit.adapters.config import cache

    config.load(config.locate(own))
    kept = config.cache_dir() / cache.STATS_FILE
    assert kept.stat().st_mode & 0o777 == 0o600
    kept.chmod(0o666)
    assert len(read_on_load(own, reads)) == len(config.FILES)
    kept.write_bytes(b"not marshal")
    kept.chmod(0o600)
    assert len(read_on_load(own, reads)) == len(config.FILES)  # damaged: read and hashed, and written anew
    assert len(validations) == 1
    assert read_on_load(own, reads) == []


def test_a_temporary_stats_file_left_by_a_killed_process_does_not_stop_keeping_them(
    reads: list[str], own: Path
) -> None:
    import os

    from dso_calamiteit.adapters.config import cache

    config.cache_dir().mkdir(mode=0o700, parents=True)
    (config.cache_dir() / f".{cache.STATS_FILE}.{os.getpid()}.tmp").write_bytes(b"half")  # same process id
    config.load(config.locate(own))
    assert read_on_load(own, reads) == []
    assert sorted(p.name for p in config.cache_dir().iterdir() if p.name.endswith(".tmp")) == []
