"""Finding the files: each kind is looked up on its own along --config-dir or CALAMITEIT_CONFIG_DIR, the
current folder, the user's config folder and the shipped defaults; the first folder that holds it wins."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ...domain.errors import UsageError, os_reason
from ...domain.language import _
from ...domain.records import record
from ..userdirs import user_path

FILES: dict[str, str] = {
    "criteria": "criteria.yaml",
    "contacts": "contacts.yaml",
    "routing": "config/routing.yaml",
    "reporting": "config/rapport.yaml",
    "monitor": "config/monitor.yaml",
    "readiness": "config/paraatheid.yaml",
    "teams": "config/teams.yaml",
    "logbook": "config/logboek.yaml",
    "callout": "config/oproep.yaml",
    "maintenance": "config/onderhoud.yaml",
}
ENV_CONFIG_DIR = "CALAMITEIT_CONFIG_DIR"
PACKAGE = Path(__file__).parents[2]  # dso_calamiteit/: holds the shipped defaults/; its code keys the cache


@record
class Source:
    """Where one file was found, and why there."""

    kind: str
    path: Path
    origin: str


def shipped_dir() -> Path:
    """The defaults inside the installed package; in a source checkout (editable install), the repo root."""
    package = PACKAGE.resolve()
    inside = package / "defaults"
    if inside.is_dir():
        return inside
    checkout = package.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / FILES["criteria"]).is_file():
        return checkout
    return inside


def user_config_dir() -> Path:
    return user_path("config")


def locate(config_dir: Path | None = None, environ: Mapping[str, str] | None = None) -> list[Source]:
    """Which file of each kind would be used: the first folder in the lookup order that holds it."""
    env = os.environ if environ is None else environ
    folders: list[tuple[Path, str]] = []
    if config_dir is not None:
        folders.append((_existing(config_dir, "--config-dir"), "--config-dir"))
    elif env.get(ENV_CONFIG_DIR):
        folders.append((_existing(Path(env[ENV_CONFIG_DIR]), ENV_CONFIG_DIR), ENV_CONFIG_DIR))
    folders.append((Path.cwd(), "huidige map"))
    sources = []
    user: Path | None = None  # the user's folder and the shipped defaults are worked out once, on first need
    shipped = Path()
    for kind, name in FILES.items():
        found = next(((d / name, why) for d, why in folders if _is_file(d / name)), None)
        if found is None:
            if user is None:
                user, shipped = user_config_dir(), shipped_dir()
            found = (user / name, "gebruikersmap") if _is_file(user / name) else (shipped / name, "standaard")
        sources.append(Source(kind, found[0], found[1]))
    return sources


def _is_file(path: Path) -> bool:
    """False also for a folder this user may not look into: the lookup then goes on to the next place."""
    try:
        return path.is_file()
    except OSError:
        return False


def _existing(folder: Path, flag: str) -> Path:
    try:
        found = folder.is_dir()
    except OSError as exc:
        said = _("{flag}: map '{folder}' is niet te lezen: {reason}")
        raise UsageError(said.format(flag=flag, folder=folder, reason=os_reason(exc))) from None
    if not found:
        raise UsageError(
            _("{flag}: map '{folder}' bestaat niet").format(flag=flag, folder=folder),
            _("Geef een map met criteria.yaml en/of contacts.yaml."),
        )
    return folder


def shown(path: Path) -> str:
    """A path as an operator would type it: relative when under the current folder."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
