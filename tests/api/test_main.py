"""`python -m app serve`, `python -m app demo` and `litestar run` start the server where the config (or `--host`/
`--port`) says and say where things are; bad configs and taken ports exit 1."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

from app.standin import ModelStandIn
from tests.support.live import ROOT, child_environment, free_port, wait_until_serving, write_config
from tests.support.waiting import until_sync


def stderr(process: subprocess.Popen[bytes]) -> str:
    """What a server that exited wrote to stderr."""
    return process.communicate()[1].decode()


def refusal(config_file: str, tmp_path: Path) -> str:
    """The one line `python -m app serve --config config_file` prints before it exits with status 1."""
    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--config", config_file],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris"),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    [line] = done.stderr.decode().strip().splitlines()
    return line


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
    assert words in refusal(config.source, tmp_path)


def test_serve_with_a_bad_config_is_one_line_and_status_1(tmp_path: Path) -> None:
    file = tmp_path / "config.yaml"
    file.write_text(yaml.safe_dump({"teams": {"alpha": {"path": "missing-folder"}}}))
    assert "teams.alpha.path" in refusal(str(file), tmp_path)


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


def read_until(process: subprocess.Popen[bytes], file: Path, words: str, timeout: float = 90) -> str:
    """The text of `file` (a child's output) once it holds `words`; fails when the child exits first."""

    def holds() -> str:
        text = file.read_text()
        assert process.poll() is None or words in text, f"the child exited: {text[-3000:]}"
        return text if words in text else ""

    return str(until_sync(holds, timeout=timeout, what=words))


def test_serve_port_0_picks_a_free_port_and_says_where_things_are(
    tmp_path: Path, standin: ModelStandIn, stopper: list[subprocess.Popen[bytes]]
) -> None:
    config = write_config(
        tmp_path,
        standin,
        {"alpha": {}},
        api={"port": free_port(), "host": "localhost"},
        dashboard={"port": free_port()},
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--config", config.source, "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            env=child_environment(tmp_path / "iris"),
            stderr=output,
        )
    stopper.append(process)
    text = read_until(process, log, "  teams:")
    [url] = re.findall(r"Iris is listening on (http://127\.0\.0\.1:\d+)$", text, re.MULTILINE)
    assert int(url.rsplit(":", 1)[1]) not in (0, config.api.port)
    block = text[text.index("Iris is listening") :].splitlines()[:9]
    [own] = re.findall(r"^  dashboard:  (http://localhost:\d+)/  \(its own port", text, re.MULTILINE)
    assert int(own.rsplit(":", 1)[1]) not in (0, config.dashboard.port)  # --port 0 frees the dashboard's port too
    assert block[1:] == [
        f"  API:        {url}/api",
        f"  Swagger UI: {url}/schema/swagger",
        f"  dashboard:  {url}/dashboard/",
        f"  dashboard:  {own}/  (its own port: api.cors.origins must allow its origin)",
        f"  MCP:        {url}/mcp",
        f"  config:     {Path(config.source).resolve()}",
        f"  IRIS_HOME:  {tmp_path / 'iris'}",
        "  teams:      1 (alpha)",
    ]
    assert httpx.get(f"{url}/api/health", timeout=10).json()["status"] == "ok"  # it listens when it says so
    assert httpx.get(f"{url}/schema/swagger", timeout=10).status_code == 200
    for page in (f"{url}/dashboard/", own.replace("localhost", "127.0.0.1") + "/"):
        assert httpx.get(page, timeout=10).content == (ROOT / "app/api/dashboard/static/index.html").read_bytes(), page
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


def test_serve_on_a_port_in_use_is_one_line_and_touches_no_store(tmp_path: Path, standin: ModelStandIn) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, standin, {"alpha": {}}, api={"port": port})
        line = refusal(config.source, tmp_path)
    assert f"port {port} on 127.0.0.1 is already in use" in line and "--port" in line
    assert not Path(config.database.path).exists()  # found before the migrations made the database
    assert not Path(config.api.key_store_path).exists()


def test_the_demo_stops_on_sigterm_and_removes_its_folder(tmp_path: Path) -> None:
    out, err = tmp_path / "demo.out", tmp_path / "demo.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "demo", "--port", "0"],
            cwd=ROOT,
            env=child_environment(tmp_path / "unused"),
            stdout=stdout,
            stderr=stderr,
        )
    try:
        text = read_until(process, out, "Stop the demo")
        [home] = re.findall(r"IRIS_HOME=(\S+)", err.read_text())
        [key] = re.findall(r"admin key: +(iris_sk_\S+)", text)
        assert "raised for the demo; config.example.yaml says 100" in text
        assert Path(home, "keys.db").is_file() and not (tmp_path / "unused").exists()
        [url] = re.findall(r"^  URL: +(\S+)$", text, re.MULTILINE)
        listed = httpx.get(f"{url}/api/keys", headers={"Authorization": f"Bearer {key}"}, timeout=10)
        assert listed.status_code == 200 and [k["name"] for k in listed.json()["items"]] == ["demo-admin"]
        pages = re.findall(r"^  dashboard:  (\S+)#key=(\S+)", text, re.MULTILINE)  # one click signs in
        assert len(pages) == 2 and pages[0][0] == f"{url}/dashboard/" and {k for _, k in pages} == {key}
        own = pages[1][0].rstrip("/")  # its own port: a free one, like the API's, and an allowed origin
        assert own.startswith("http://localhost:") and not own.endswith(":3100")
        for page, _ in pages:
            assert httpx.get(page.replace("localhost", "127.0.0.1"), timeout=10).status_code == 200, page
        me = httpx.get(f"{url}/api/keys/me", headers={"Authorization": f"Bearer {key}", "Origin": own}, timeout=10)
        assert me.json()["name"] == "demo-admin" and me.headers["access-control-allow-origin"] == own
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        assert not Path(home).exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_litestar_run_listens_on_the_configs_api_host_and_port(
    tmp_path: Path, standin: ModelStandIn, stopper: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    config = write_config(tmp_path, standin, {"alpha": {}}, api={"port": port, "host": "127.0.0.1"})
    litestar = Path(sys.executable).with_name("litestar")
    process = subprocess.Popen(
        [str(litestar), "run"],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris", IRIS_CONFIG_PATH=config.source),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stopper.append(process)
    assert wait_until_serving(f"http://127.0.0.1:{port}", process, lambda: stderr(process)).status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


@pytest.mark.parametrize("count", ["2", "64"])
def test_litestar_run_refuses_more_than_one_worker(tmp_path: Path, standin: ModelStandIn, count: str) -> None:
    config = write_config(tmp_path, standin, {"alpha": {}})
    litestar = Path(sys.executable).with_name("litestar")
    done = subprocess.run(
        [str(litestar), "run", "--port", str(free_port()), "--workers", count],
        cwd=ROOT,
        env=child_environment(tmp_path / "iris", IRIS_CONFIG_PATH=config.source),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    output = " ".join(re.sub("[│╭╮╰╯─]", " ", (done.stdout + done.stderr).decode()).split())  # the CLI draws a box
    assert "Iris runs in one process per config" in output and "Traceback" not in output, output
