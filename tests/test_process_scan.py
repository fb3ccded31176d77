"""How often the engine reads the whole process table while it looks after running tools."""

from __future__ import annotations

import subprocess

import pytest

from app.engine import process


def test_processes_are_looked_up_only_when_there_are_any(monkeypatch: pytest.MonkeyPatch) -> None:
    scans: list[int] = []
    real = process.process_table

    def counted() -> process.ProcessTable:
        scans.append(1)
        return real()

    monkeypatch.setattr(process, "process_table", counted)
    assert process._alive(set()) == set()
    assert scans == []
    child = subprocess.Popen(["sleep", "30"])
    try:
        start = process.start_time(child.pid)
        assert start is not None
        assert process._alive({(child.pid, start), (child.pid, start + 1)}) == {(child.pid, start)}
        assert len(scans) == 1
        table = real()
        assert process._alive({(child.pid, start)}, table) == {(child.pid, start)}
        assert len(scans) == 1
    finally:
        child.kill()
        child.wait()
    assert process._alive({(child.pid, start)}) == set()
