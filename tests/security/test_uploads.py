"""Issue #13 items 1, 6, 9 and 10: what an uploaded or imported note may read, and where
uploads go (apart, staged, removed when refused)."""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.conftest import query, write
from tests.web.conftest import LiveServer, start_server, stop_server
from viva.service import Viva
from viva.web.uploads import _folder_name

pytestmark = pytest.mark.slow

SECRET = b"TOP-SECRET-0123456789"


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(
    api: httpx.Client, files: list[tuple[str, bytes]], bank: str = "mine"
) -> httpx.Response:
    return api.post(
        "/api/import",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"bank": bank},
    )


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _prompts(api: httpx.Client, bank: str = "mine") -> set[str]:
    listed = api.get("/api/questions", params={"bank": bank, "limit": 1000}).json()
    return {q["prompt"] for q in listed["questions"]}


# --- item 1: assets resolve inside the vault only -------------------------------------------
def test_an_uploaded_note_cannot_read_files_of_the_server(
    api: httpx.Client, shared: LiveServer, tmp_path: Path
) -> None:
    secret = write(tmp_path / "secret.png", SECRET.decode())
    depth = "../" * 30
    note = (
        "## 图\n\n1. 这张图是什么？\n"
        f"> ![a]({secret}) ![b]({depth}{str(secret).lstrip('/')}) ![[{depth}etc/hostname]]\n"
        "> ![c](/etc/passwd) ![d](C:/Windows/win.ini)\n"
    )
    report = _upload(api, [("v.zip", _zip({"v/n.md": note.encode()}))]).json()
    unresolved = [p["message"] for p in report["problems"] if "not in the vault" in p["message"]]
    assert len(unresolved) == 5, report["problems"]
    question = api.get("/api/questions", params={"bank": "mine"}).json()["questions"][0]
    links = api.get(f"/api/questions/{question['id']}").json()["links"]
    assert [link["resolved"] for link in links] == [False] * 5
    copied = [p.read_bytes() for p in _files(shared.settings.assets_dir)]
    assert SECRET not in copied
    assert Path("/etc/passwd").read_bytes() not in copied


def test_a_vault_on_disk_reads_its_own_images_only(viva: Viva, tmp_path: Path) -> None:
    secret = write(tmp_path / "outside" / "secret.png", SECRET.decode())
    vault = tmp_path / "vault"
    write(vault / "img" / "ok.png", "fine image")
    (vault / "img" / "link.png").symlink_to(secret)
    write(
        vault / "n.md",
        "1. 图？\n> ![ok](img/ok.png) ![up](../outside/secret.png) "
        f"![abs]({secret}) ![[link.png]]\n",
    )
    report = viva.import_notes([vault], bank="disk")
    (question,) = viva.questions(banks=["disk"])
    assert {link.target: link.is_resolved for link in question.links} == {
        "img/ok.png": True,
        "../outside/secret.png": False,
        str(secret): False,
        "link.png": False,
    }
    assert sum("not in the vault" in p.message for p in report.warnings) == 3
    assert [p.read_bytes() for p in _files(viva.settings.assets_dir)] == [b"fine image"]


# --- item 6: two archives with the same note stay apart -------------------------------------
def test_two_archives_with_the_same_note_name_stay_apart(
    api: httpx.Client, shared: LiveServer
) -> None:
    first = _zip({"ML.md": "1. 第一个包的问题？\n> 答案一 ==要点==\n".encode()})
    second = _zip({"ML.md": "1. 第二个包的问题？\n> 答案二 ==要点==\n".encode()})
    assert _upload(api, [("a.zip", first)], bank="apart").status_code == 200
    assert _upload(api, [("b.zip", second)], bank="apart").status_code == 200
    assert _prompts(api, "apart") == {"第一个包的问题？", "第二个包的问题？"}
    # a note of the same name uploaded on its own is a third thing again
    single = "1. 单独上传的问题？\n> 答案三\n".encode()
    assert _upload(api, [("ML.md", single)], bank="apart").status_code == 200
    assert len(_prompts(api, "apart")) == 3
    # re-uploading the second archive updates and retires only its own questions
    edited = _zip({"ML.md": "1. 第二个包的新问题？\n> 答案四\n".encode()})
    again = _upload(api, [("b.zip", edited)], bank="apart").json()
    assert again["counts"]["retired"] == 1
    assert _prompts(api, "apart") == {"第一个包的问题？", "单独上传的问题？", "第二个包的新问题？"}
    folder = shared.settings.home / "users" / "local" / "uploads" / _folder_name("apart")
    kept = [p.read_text("utf-8") for p in _files(folder)]
    assert sorted(text.split("\n")[0] for text in kept) == [
        "1. 单独上传的问题？",
        "1. 第一个包的问题？",
        "1. 第二个包的新问题？",
    ]


# --- items 9 and 10: refused uploads leave nothing ------------------------------------------
def _lying_zip() -> bytes:
    data = bytearray(_zip({"v/a.md": "1. 问题？\n> 答案\n".encode() * 50}, zipfile.ZIP_STORED))
    at = data.index("问题".encode()) + 2
    data[at] ^= 0xFF  # the content no longer matches the CRC the directory states
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("lies.zip", _lying_zip(), "not a valid zip"),
        ("x" * 300 + ".md", "1. 问题？\n> 答案\n".encode(), "too long"),
        ("empty.zip", _zip({"pic.png": b"png"}), "no Markdown"),
        ("binary.md", b"\x00\x01" * 100, "not a text file"),
    ],
)
def test_a_refused_upload_leaves_nothing_behind(
    api: httpx.Client, shared: LiveServer, name: str, data: bytes, message: str
) -> None:
    home = shared.settings.home
    before = _files(home / "users" / "local" / "uploads")
    fine = ("fine.md", "1. 同时上传的好笔记？\n> 答案\n".encode())
    response = _upload(api, [fine, (name, data)], bank="refused")
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]
    assert _files(home / "users" / "local" / "uploads") == before
    assert _files(home / ".staging") == []
    assert not list(home.rglob("*.part"))


def test_a_note_that_cannot_be_imported_is_not_kept(api: httpx.Client, shared: LiveServer) -> None:
    home = shared.settings.home
    before = _files(home / "users" / "local" / "uploads")
    refused = _upload(api, [("note.md", "1. 问题？\n> 答案\n".encode())], bank="   ")
    assert refused.status_code == 400
    assert _files(home / "users" / "local" / "uploads") == before
    assert _files(home / ".staging") == []


# --- item 10: bank names ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("bank", "message"),
    [("   ", "is empty"), ("all", "reserved"), ("BUILTIN", "reserved"), ("b" * 5000, "5000")],
)
def test_unusable_bank_names_are_refused(api: httpx.Client, bank: str, message: str) -> None:
    response = _upload(api, [("n.md", "1. 问题？\n> 答案\n".encode())], bank=bank)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert len(response.json()["error"]) < 200
    names = {b["name"] for b in api.get("/api/banks").json()}
    assert bank not in names
    assert bank.strip() not in names


@pytest.mark.parametrize("bank", ["   ", "all", "BUILTIN", "b" * 5000])
def test_the_cli_refuses_them_too(cli, tmp_path: Path, bank: str) -> None:  # type: ignore[no-untyped-def]
    note = write(tmp_path / "n.md", "1. 问题？\n> 答案\n")
    result = cli("import", str(note), "--bank", bank)
    assert result.exit_code == 1
    assert result.output.startswith("错误：题库名"), result.output  # said in Chinese, every one


# --- item 10: a killed web import ---------------------------------------------------------------
def _vault(version: str) -> bytes:
    notes = {}
    for n in range(300):
        body = "\n".join(
            f"{i}. 第 {n} 篇的问题 {i} 是什么？\n> 版本 {version} 的答案 {n}-{i}，==要点 {i}==。\n"
            for i in range(1, 26)
        )
        notes[f"vault/note-{n:03d}.md"] = f"## 章节 {n}\n\n{body}".encode()
    return _zip(notes)


def _versions(server: LiveServer) -> set[str]:
    rows = query(
        server.env, "SELECT reference FROM questions WHERE is_active AND reference LIKE '版本%'"
    )
    return {row[0].split(" ")[1] for row in rows}


def _holds(folder: Path, text: bytes) -> bool:
    for path in _files(folder):
        try:
            if text in path.read_bytes():
                return True
        except OSError:
            continue  # moved or removed while we looked
    return False


def test_a_killed_web_import_keeps_the_old_files_with_the_old_bank(
    tmp_path: Path, database_url: str | None
) -> None:
    server = start_server(tmp_path, database_url=database_url)
    home = server.settings.home
    try:
        with server.client() as api:
            assert _upload(api, [("vault.zip", _vault("A"))], bank="big").status_code == 200
        assert _versions(server) == {"A"}

        def send() -> None:
            with server.client() as api, pytest.raises(httpx.TransportError):
                _upload(api, [("vault.zip", _vault("B"))], bank="big")

        import threading

        sender = threading.Thread(target=send)
        sender.start()
        while not _holds(home, "版本 B".encode()):  # the new notes are on disk somewhere
            time.sleep(0.01)
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        sender.join()
    finally:
        stop_server(server)
    assert _versions(server) == {"A"}
    assert not _holds(home / "users" / "local" / "uploads", "版本 B".encode())
    assert _holds(home / "users" / "local" / "uploads", "版本 A".encode())
    restarted = start_server(tmp_path, database_url=database_url)
    try:
        with restarted.client() as api:
            assert _upload(api, [("vault.zip", _vault("B"))], bank="big").status_code == 200
        assert _versions(restarted) == {"B"}
        assert not _holds(home / "users" / "local" / "uploads", "版本 A".encode())
    finally:
        stop_server(restarted)


# --- item 5 (the part that is web work): imports run off the server's process ------------------
def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _workers(pid: int) -> set[int]:
    """The server's child processes that run Python work (not multiprocessing's tracker)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return {c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


def test_an_import_is_parsed_in_a_worker_process_not_the_server(
    tmp_path: Path, database_url: str | None
) -> None:
    server = start_server(tmp_path, database_url=database_url)
    pid = server.process.pid
    try:
        before = _cpu_seconds(pid)
        with server.client() as api:
            assert _upload(api, [("vault.zip", _vault("A"))], bank="big").status_code == 200
            served = _cpu_seconds(pid) - before
            (worker,) = _workers(pid)  # one worker, kept for the next upload
            worked = _cpu_seconds(worker)
            # the 7,500 questions were parsed and written by the worker: the server only
            # received, unpacked and waited (CPU time, not wall-clock time)
            assert served < worked
            assert api.get("/api/banks").status_code == 200
            assert _upload(api, [("vault.zip", _vault("B"))], bank="big").status_code == 200
            assert _workers(pid) == {worker}
    finally:
        stop_server(server)
    assert _versions(server) == {"B"}
