"""`python -m app serve` and `litestar run` start the server where the config says; bad configs exit 1."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from app.standin import ModelStandIn
from tests.support.live import ROOT, child_environment, free_port, wait_until_serving, write_config


def stderr(process: subprocess.Popen[bytes]) -> str:
    """What a server that exited wrote to stderr."""
    return process.communicate()[1].decode()


def test_serve_uses_api_host_and_port_and_stops_cleanly(
    tmp_path: Path, standin: ModelStandIn, stopper: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    config = write_config(tmp_path, standin, {"alpha": {}}, api={"port": port, "host": "127.0.0.1"})
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--config", config.source],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stopper.append(process)
    assert wait_until_serving(f"http://127.0.0.1:{port}", process, lambda: stderr(process)).json()["status"] == "ok"
    told = httpx.post(
        f"http://127.0.0.1:{port}/api/teams/tell", json={"toTeam": "alpha", "message": "over the wire"}, timeout=60
    )
    assert told.status_code == 200 and told.json()["response"] == "echo[n=1]: over the wire"
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


def test_serve_speaks_tls_when_api_tls_is_set(
    tmp_path: Path, standin: ModelStandIn, stopper: list[subprocess.Popen[bytes]]
) -> None:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make a test certificate (apt-get install openssl)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    tls = {"cert": str(cert), "key": str(key)}
    config = write_config(tmp_path, standin, {"alpha": {}}, api={"port": port, "tls": tls})
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--config", config.source],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stopper.append(process)
    response = wait_until_serving(f"https://127.0.0.1:{port}", process, lambda: stderr(process), verify=str(cert))
    assert response.status_code == 200 and response.url.scheme == "https"
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


@pytest.mark.parametrize(
    ("api", "words"),
    [
        ({"enabled": False}, "api.enabled is false"),
        ({"host": "0.0.0.0", "requireAuth": False}, "not a loopback address"),
    ],
)
def test_serve_refuses_configs_it_must_not_serve(
    tmp_path: Path, standin: ModelStandIn, api: dict[str, object], words: str
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}}, api=api)
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--config", config.source],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris"),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and words in lines[0]


def test_serve_with_a_bad_config_is_one_line_and_status_1(tmp_path: Path) -> None:
    file = tmp_path / "config.yaml"
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": "missing-folder"}}}))
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--config", str(file)],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris"),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    [line] = done.stderr.decode().strip().splitlines()
    assert "teams.alpha.path" in line


def test_litestar_run_from_the_repo_root(
    tmp_path: Path, standin: ModelStandIn, stopper: list[subprocess.Popen[bytes]]
) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}})
    port = free_port()
    litestar = Path(sys.executable).with_name("litestar")
    process = subprocess.Popen(
        [str(litestar), "run", "--port", str(port)],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris", IRIS_CONFIG_PATH=config.source),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stopper.append(process)
    assert wait_until_serving(f"http://127.0.0.1:{port}", process, lambda: stderr(process)).status_code == 200
    assert httpx.get(f"http://127.0.0.1:{port}/api/teams").json()["items"][0]["name"] == "alpha"
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0
