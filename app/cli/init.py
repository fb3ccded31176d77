"""`litestar iris init [FOLDER...]`: a first config with one team per project folder, and a first admin key."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import click
import yaml
from rich_click import RichCommand

from app.auth.cli import audit_key_change, fail, load_stores, run_async
from app.auth.keys import CreatedKey
from app.auth.store import KeyStore
from app.config import EXTERNAL, TEAM_NAME_PATTERN, default_config_path, find_config_file, load_config

__all__ = ["init", "team_names"]

_TEAM_NAME = re.compile(TEAM_NAME_PATTERN)
_OTHER = re.compile(r"[^A-Za-z0-9_.@-]+")
_HEADER = (
    "# Iris configuration, written by `litestar iris init`: one team per project folder.\n"
    "# Every other key (settings, api, database, channels) has its default; config.example.yaml in the Iris\n"
    "# repository lists them all with their meaning.\n"
)


def team_name(folder: Path) -> str | None:
    """The team name a folder's name gives: other characters than the rule's become `-` (None: nothing is left)."""
    name = _OTHER.sub("-", folder.name).lstrip(".-")[:64].rstrip(".-") or None
    return name if name is not None and _TEAM_NAME.fullmatch(name) else None


def team_names(folders: Sequence[Path]) -> tuple[dict[str, Path], list[str]]:
    """One team per folder, named after it; a name already taken (or `external`, which is reserved) gets `-2`,
    `-3`, ... Returns the teams and a note per renamed one; a folder whose name gives no team name is an error."""
    teams: dict[str, Path] = {}
    notes: list[str] = []
    for folder in folders:
        base = team_name(folder)
        if base is None:
            fail(f"{folder}: its name gives no team name (1 to 64 of A-Z a-z 0-9 _ . @ -); rename the folder")
        name, n = base, 1
        while name in teams or name == EXTERNAL:
            n += 1
            name = f"{base[: 64 - len(str(n)) - 1]}-{n}"
        if name != folder.name:
            why = "is taken" if base in teams or base == EXTERNAL else "is not a team name"
            notes.append(f"team {name}: {folder} (its name {folder.name!r} {why})")
        teams[name] = folder
    return teams, notes


@click.command("init", cls=RichCommand)
@click.argument("folders", nargs=-1, metavar="[FOLDER]...", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing config file.")
def init(folders: tuple[Path, ...], force: bool) -> None:
    """Write a config with one team per FOLDER (default: this folder), named after it, into IRIS_HOME/config.yaml
    (or --config), and print a first admin key."""
    explicit = click.get_current_context().meta.get("iris.config")
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if path.exists() and not force:
        fail(f"{path} exists already; give --force to replace it")
    resolved: list[Path] = []
    for folder in folders or (Path.cwd(),):
        if not folder.is_dir():
            fail(f"{folder}: expected an existing folder")
        full = folder.resolve()
        if full not in resolved:
            resolved.append(full)
    teams, notes = team_names(resolved)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, as the stores want IRIS_HOME
    document = {"teams": {name: {"path": str(folder)} for name, folder in teams.items()}}
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(_HEADER + yaml.safe_dump(document, sort_keys=False))
    try:
        config = load_config(partial)  # the server will load it: check it the same way first
    except BaseException:
        partial.unlink()
        raise
    partial.replace(path)
    stores = load_stores(str(path))

    async def create() -> CreatedKey:
        async with KeyStore(stores.key_store_path) as store:
            return await store.create("admin", role="admin")

    created = run_async(create)
    record = created.record
    run_async(lambda: audit_key_change(stores, "key_created", record, {"command": "init"}))
    for note in notes:
        click.echo(note, err=True)
    listed = "\n".join(f"  {name}: {folder}" for name, folder in teams.items())
    api = config.api
    scheme = "https" if api.tls is not None else "http"
    first = next(iter(teams))
    found = find_config_file()
    serve, tell = "python -m app serve", "litestar iris tell"
    if found is None or found.resolve() != path.resolve():  # the server would not find it by itself
        serve, tell = f"{serve} --config {path}", f"litestar iris --config {path} tell"
    click.echo(
        f"Wrote {path} with {len(teams)} team{'s' if len(teams) != 1 else ''}:\n{listed}\n"
        f"Created admin key {record.id}; store it now, it is not shown again:\n"
        f"  export IRIS_API_KEY={created.key}\n"
        f"Start the server: {serve}\n"
        f"  API {scheme}://{api.host}:{api.port}/api, Swagger UI {scheme}://{api.host}:{api.port}/schema/swagger\n"
        f'Then tell a team: {tell} {first} "What is in this folder?"'
    )
