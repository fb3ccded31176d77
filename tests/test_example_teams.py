"""The teams the README, the example scripts and the contract's examples name are the teams of the example config."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import EXTERNAL

ROOT = Path(__file__).resolve().parent.parent
TEAM_FIELDS = {"toTeam", "fromTeam", "team", "from", "to"}
"""Fields of the contract whose values are team names (in requests, responses, events and errors)."""
README_TEAMS = [
    re.compile(r"""["']?(?:toTeam|fromTeam)["']?\s*[:=]\s*["']([\w-]+)["']"""),
    re.compile(r"""(?:to_team|from_team)\s*=\s*["']([\w-]+)["']"""),
    re.compile(r"--teams\s+([\w,-]+)"),
    re.compile(r"IRIS_TEAM=([\w-]+)"),
    re.compile(r"/api/teams/([\w-]+)/(?:report|wake|launch|sleep|cancel|reboot|delete|fork|compact)\b"),
]


UNKNOWN = "no-such-team"
"""The one name examples use to show what an unknown team gets."""


def configured() -> set[str]:
    """The teams of `config.example.yaml`, the caller every config has and the name that shows an unknown team."""
    document = yaml.safe_load((ROOT / "config.example.yaml").read_text())
    assert UNKNOWN not in document["teams"]
    return set(document["teams"]) | {EXTERNAL, UNKNOWN}


def _examples(node: Any) -> Iterator[Any]:
    """Every `example` and `examples` value anywhere in the contract."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "example":
                yield value
            elif key == "examples" and isinstance(value, list):
                yield from value
            elif key == "examples" and isinstance(value, dict):
                yield from (item.get("value") for item in value.values() if isinstance(item, dict))
            else:
                yield from _examples(value)
    elif isinstance(node, list):
        for item in node:
            yield from _examples(item)


def _team_names(value: Any) -> Iterator[str]:
    """The team names an example value holds: team fields, `teams` lists, team pairs and metric labels."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TEAM_FIELDS and isinstance(item, str):
                yield item
            elif key == "teams" and isinstance(item, list):
                yield from (name for name in item if isinstance(name, str))
            elif key == "items" and isinstance(item, list) and all(isinstance(i, dict) and "path" in i for i in item):
                yield from (i["name"] for i in item if isinstance(i.get("name"), str))  # a page of teams
            else:
                yield from _team_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _team_names(item)
    elif isinstance(value, str):
        yield from re.findall(r"""team=["']([\w-]+)["']""", value)
        yield from re.findall(r'"(?:team|fromTeam|toTeam)":"([\w-]+)"', value)
        for pair in re.findall(r"([\w-]+) → ([\w-]+)", value):
            yield from pair


def spec_teams() -> set[str]:
    """The team names in the contract's examples (those Swagger UI pre-fills included)."""
    spec = yaml.safe_load((ROOT / "openapi" / "iris.yaml").read_text())
    names = {name for example in _examples(spec) for name in _team_names(example)}
    team_name = spec["components"]["schemas"]["TeamName"]
    names |= set(team_name.get("examples", [])) | ({team_name["example"]} if "example" in team_name else set())
    return names


def text_teams(text: str) -> set[str]:
    """The team names a README or script names in its commands and code."""
    return {name for pattern in README_TEAMS for match in pattern.findall(text) for name in match.split(",") if name}


EXAMPLES = sorted(
    path
    for path in (ROOT / "examples").rglob("*")
    if path.is_file() and "node_modules" not in path.parts and path.suffix in {".sh", ".py", ".js", ".tsx", ".md"}
)


def test_the_spec_examples_name_configured_teams() -> None:
    names = spec_teams()
    assert {"alpha", "beta"} <= names  # the collector finds them where they are
    assert names <= configured(), f"examples name teams config.example.yaml lacks: {sorted(names - configured())}"


def test_the_readme_names_configured_teams() -> None:
    names = text_teams((ROOT / "README.md").read_text())
    assert "alpha" in names
    assert names <= configured(), f"the README names teams config.example.yaml lacks: {sorted(names - configured())}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_example_scripts_name_configured_teams(path: Path) -> None:
    names = text_teams(path.read_text())
    assert names <= configured(), f"{path.name} names teams config.example.yaml lacks: {sorted(names - configured())}"
    if "IRIS_TEAM" in path.read_text() and "IRIS_TEAM=" in path.read_text():
        assert names, f"{path.name}: its usage line names no team"


def test_the_collectors_find_stray_names() -> None:
    assert text_teams('IRIS_TEAM=backend ./run; tell({"toTeam": "docs"}); --teams ops,qa') == {
        "backend",
        "docs",
        "ops",
        "qa",
    }
    example = {"fromTeam": "frontend", "items": [{"name": "web", "path": "/srv"}], "message": "x → y"}
    assert set(_team_names(example)) == {"frontend", "web", "x", "y"}
