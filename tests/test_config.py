"""The config file: interpolation, validation, errors and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import load_config, parse_config
from app.errors import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent


def error_of(text: str, env: dict[str, str] | None = None, source: str = "/etc/iris/config.yaml") -> str:
    with pytest.raises(ConfigurationError) as caught:
        parse_config(text, source, env or {})
    return caught.value.message


def test_example_config_loads_with_every_section() -> None:
    config = load_config(ROOT / "config.example.yaml", env={"IRIS_HOME": "/srv/iris"})
    assert config.api.enabled and config.api.port == 1615 and config.api.host == "127.0.0.1"
    assert config.settings.max_processes == 10
    assert config.teams["alpha"].path == str(ROOT / "examples" / "teams" / "alpha")
    assert config.teams["beta"].grant_permission == "ask"
    assert config.api.key_store_path == "/srv/iris/keys.db"
    assert config.database_url == "sqlite+aiosqlite:////srv/iris/iris.db"


def test_interpolation_defaults_several_per_string_and_coercion(tmp_path: Path) -> None:
    text = f"""
settings:
  maxProcesses: ${{IRIS_MAX:-10}}
  idleTimeout: ${{IDLE}}
  hotReloadConfig: ${{RELOAD:-false}}
teams:
  a:
    path: {tmp_path}
    description: "${{FIRST}}-${{SECOND:-two}} and ${{FIRST}}}}"
    env:
      TOKEN: ${{IDLE}}
"""
    config = parse_config(text, str(tmp_path / "c.yaml"), {"IDLE": "5000", "FIRST": "one"})
    assert config.settings.max_processes == 10
    assert config.settings.idle_timeout == 5000
    assert config.settings.hot_reload_config is False
    assert config.teams["a"].description == "one-two and one}"
    assert config.teams["a"].env == {"TOKEN": "5000"}


def test_unset_variable_names_file_key_and_variable() -> None:
    message = error_of("settings:\n  maxProcesses: ${NOPE}\nteams: {}\n")
    assert message.startswith("/etc/iris/config.yaml: settings.maxProcesses:")
    assert "NOPE" in message


def test_unknown_keys_are_errors_with_their_path(tmp_path: Path) -> None:
    assert error_of("settings:\n  maxProcess: 3\nteams: {}\n") == (
        "/etc/iris/config.yaml: settings.maxProcess: unknown key (not in the schema)"
    )
    assert "api.cors.origin:" in error_of("api:\n  cors:\n    origin: [x]\nteams: {}\n")
    assert "teams.a.colour:" in error_of(f"teams:\n  a:\n    path: {tmp_path}\n    colour: '#000000'\n")


def test_wrong_types_and_values_say_what_was_expected(tmp_path: Path) -> None:
    message = error_of("settings:\n  maxProcesses: many\nteams: {}\n")
    assert "settings.maxProcesses" in message and "int" in message
    message = error_of(f"teams:\n  a:\n    path: {tmp_path}\n    color: red\n")
    assert "teams.a.color" in message and "#" in message
    message = error_of(f"teams:\n  a:\n    path: {tmp_path}\n    grantPermission: maybe\n")
    assert "teams.a.grantPermission" in message and "yes" in message
    assert "teams.a: object missing required field `path`" in error_of("teams:\n  a: {}\n")
    assert "api.port" in error_of("api:\n  port: 70000\nteams: {}\n")


def test_team_paths_and_names(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "file").write_text("x")
    config = parse_config("teams:\n  a:\n    path: proj\n", str(tmp_path / "c.yaml"), {})
    assert config.teams["a"].path == str(tmp_path / "proj")
    assert "does not exist" in error_of("teams:\n  a:\n    path: missing\n", source=str(tmp_path / "c.yaml"))
    assert "not one" in error_of("teams:\n  a:\n    path: file\n", source=str(tmp_path / "c.yaml"))
    assert "reserved" in error_of(f"teams:\n  external:\n    path: {tmp_path}\n")
    assert "team name" in error_of(f"teams:\n  .hidden:\n    path: {tmp_path}\n")
    assert "team name" in error_of(f"teams:\n  '{'x' * 65}':\n    path: {tmp_path}\n")


def test_bad_yaml_and_unreadable_files(tmp_path: Path) -> None:
    assert "not valid YAML (line 3, column 1)" in error_of("teams:\n  a: [unclosed\n")
    assert "expected a mapping" in error_of("- a\n- b\n")
    with pytest.raises(ConfigurationError) as caught:
        load_config(tmp_path / "absent.yaml")
    assert "cannot be read" in caught.value.message


def test_config_path_from_environment(tmp_path: Path) -> None:
    file = tmp_path / "elsewhere.yaml"
    file.write_text(f"teams:\n  a:\n    path: {tmp_path}\n")
    config = load_config(env={"IRIS_CONFIG_PATH": str(file), "IRIS_HOME": str(tmp_path / "home")})
    assert config.source == str(file)
    assert config.database.path == str(tmp_path / "home" / "iris.db")
    home_config = tmp_path / "home" / "config.yaml"
    home_config.parent.mkdir()
    home_config.write_text(f"teams:\n  b:\n    path: {tmp_path}\n")
    assert list(load_config(env={"IRIS_HOME": str(tmp_path / "home")}).teams) == ["b"]


def test_iris_tools_and_chain_settings(tmp_path: Path) -> None:
    config = parse_config(f"teams:\n  a:\n    path: {tmp_path}\n  b:\n    path: {tmp_path}\n", "c.yaml", {})
    assert config.teams["a"].iris_tools is True and config.teams["a"].tell_teams is None
    assert config.settings.max_tell_depth == 8
    assert config.tool_timeout() == config.settings.response_timeout == 120_000
    text = (
        "settings:\n  maxTellDepth: 3\n  mcpToolTimeout: 5000\n"
        f"teams:\n  a:\n    path: {tmp_path}\n    irisTools: false\n    tellTeams: [b]\n  b:\n    path: {tmp_path}\n"
    )
    config = parse_config(text, "c.yaml", {})
    assert (config.settings.max_tell_depth, config.tool_timeout()) == (3, 5000)
    assert config.teams["a"].iris_tools is False and config.teams["a"].tell_teams == ("b",)
    message = error_of(f"teams:\n  a:\n    path: {tmp_path}\n    tellTeams: [b, nobody]\n  b:\n    path: {tmp_path}\n")
    assert message == "/etc/iris/config.yaml: teams.a.tellTeams[1]: expected a configured team, `nobody` is not one"
    assert "settings.maxTellDepth" in error_of("settings:\n  maxTellDepth: 0\nteams: {}\n")
    example = load_config(ROOT / "config.example.yaml", env={"IRIS_HOME": "/srv/iris"})
    assert example.teams["alpha"].iris_tools is True and example.settings.max_tell_depth == 8
