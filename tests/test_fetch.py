"""Tests for :mod:`spreiding.data.fetch`; they never touch the internet.

A local ``ThreadingHTTPServer`` on 127.0.0.1 (port chosen by the OS) serves a
``tmp_path`` folder of small generated files.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import logging
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from spreiding.data.fetch import (
    RemoteFile,
    available_regions,
    fetch,
    fetch_region,
    file_digest,
    load_manifest,
    missing_manual,
)
from spreiding.errors import ConfigError, DownloadError

PAYLOAD = b"spreiding test payload\n" * 5000  # 115,000 bytes, several chunks for the bar


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]  # set per server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path.startswith("/slow"):
            time.sleep(2.0)
        super().do_GET()


class Server:
    """A local file server; ``url(name)`` gives the address of a served file."""

    def __init__(self, root: Path) -> None:
        handler = type("H", (_Handler,), {"requests": []})
        self.handler = handler
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
        self.httpd.daemon_threads = True
        self.root = root
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    @property
    def requests(self) -> list[str]:
        return self.handler.requests

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "served"
    root.mkdir()
    (root / "roads.osm.pbf").write_bytes(PAYLOAD)
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    (root / "roads.osm.pbf.md5").write_text(f"{md5}  roads.osm.pbf\n", encoding="ascii")
    (root / "bad.md5").write_text(f"{'0' * 32}  roads.osm.pbf\n", encoding="ascii")
    (root / "garbage.md5").write_text("<html>not a checksum</html>", encoding="ascii")
    (root / "slow").mkdir()
    (root / "slow" / "file.bin").write_bytes(b"x" * 10)
    srv = Server(root)
    yield srv
    srv.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


SHA = hashlib.sha256(PAYLOAD).hexdigest()


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


def test_download_with_sha256(server: Server, data_dir: Path) -> None:
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "osm/roads.osm.pbf", sha256=SHA)
    paths = fetch([item], data_dir, progress=True)
    assert paths == [data_dir / "osm" / "roads.osm.pbf"]
    assert paths[0].read_bytes() == PAYLOAD
    assert not _leftovers(data_dir)


def test_progress_off(server: Server, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", sha256=SHA)
    fetch([item], data_dir, progress=False)
    assert (data_dir / "roads.osm.pbf").read_bytes() == PAYLOAD
    captured = capsys.readouterr()
    assert "roads" not in captured.err and "roads" not in captured.out


def test_sha256_mismatch_leaves_nothing(server: Server, data_dir: Path) -> None:
    wrong = "ab" * 32
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "osm/roads.osm.pbf", sha256=wrong)
    with pytest.raises(DownloadError) as info:
        fetch([item], data_dir, progress=False)
    text = str(info.value)
    assert "roads" in text and wrong in text and SHA in text
    assert not (data_dir / "osm" / "roads.osm.pbf").exists()
    assert not _leftovers(data_dir)


def test_mismatch_keeps_existing_file_untouched(server: Server, data_dir: Path) -> None:
    dest = data_dir / "roads.osm.pbf"
    dest.write_bytes(b"old good copy")
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", sha256="cd" * 32)
    with pytest.raises(DownloadError, match=r"controlesom van .* klopt niet"):
        fetch([item], data_dir, force=True, progress=False)
    assert dest.read_bytes() == b"old good copy"
    assert not _leftovers(data_dir)


def test_404(server: Server, data_dir: Path) -> None:
    url = server.url("does-not-exist.zip")
    item = RemoteFile("missing", url, "cbs/x.zip")
    with pytest.raises(DownloadError) as info:
        fetch([item], data_dir, progress=False)
    text = str(info.value)
    assert url in text and "404" in text
    assert "controleer de internetverbinding" in text and "met de hand naar" in text
    assert str(data_dir / "cbs" / "x.zip") in text
    assert not _leftovers(data_dir)


def test_connection_refused(data_dir: Path) -> None:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    port = srv.server_address[1]
    srv.server_close()  # nothing listens on this port any more
    item = RemoteFile("gone", f"http://127.0.0.1:{port}/f.bin", "f.bin")
    with pytest.raises(DownloadError, match="controleer de internetverbinding"):
        fetch([item], data_dir, progress=False, timeout_s=5)


def test_timeout(server: Server, data_dir: Path) -> None:
    item = RemoteFile("slow", server.url("slow/file.bin"), "slow.bin")
    with pytest.raises(DownloadError, match="timed out"):
        fetch([item], data_dir, progress=False, timeout_s=0.3)
    assert not (data_dir / "slow.bin").exists()
    assert not _leftovers(data_dir)


def test_skip_when_present_with_matching_checksum(server: Server, data_dir: Path) -> None:
    dest = data_dir / "roads.osm.pbf"
    dest.write_bytes(PAYLOAD)
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", sha256=SHA)
    assert fetch([item], data_dir, progress=False) == [dest]
    assert server.requests == []


def test_skip_when_present_without_checksum(server: Server, data_dir: Path) -> None:
    dest = data_dir / "roads.osm.pbf"
    dest.write_bytes(b"anything")
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf")
    assert fetch([item], data_dir, progress=False) == [dest]
    assert dest.read_bytes() == b"anything"
    assert server.requests == []
    # force downloads it anyway
    fetch([item], data_dir, force=True, progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_present_with_wrong_checksum_is_replaced(server: Server, data_dir: Path) -> None:
    dest = data_dir / "roads.osm.pbf"
    dest.write_bytes(b"truncated")
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", sha256=SHA)
    fetch([item], data_dir, progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_md5_url(server: Server, data_dir: Path) -> None:
    item = RemoteFile(
        "roads", server.url("roads.osm.pbf"), "osm/roads.osm.pbf", md5_url=server.url("roads.osm.pbf.md5")
    )
    (path,) = fetch([item], data_dir, progress=False)
    assert file_digest(path, "md5") == hashlib.md5(PAYLOAD).hexdigest()
    # second run: only the md5 file is fetched, the data file is not downloaded again
    server.requests.clear()
    fetch([item], data_dir, progress=False)
    assert server.requests == ["/roads.osm.pbf.md5"]


def test_md5_mismatch(server: Server, data_dir: Path) -> None:
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", md5_url=server.url("bad.md5"))
    with pytest.raises(DownloadError, match=r"md5-controlesom van .* klopt niet \(verwacht 0{32}, gekregen"):
        fetch([item], data_dir, progress=False)
    assert not (data_dir / "roads.osm.pbf").exists()
    assert not _leftovers(data_dir)


def test_md5_file_without_digest(server: Server, data_dir: Path) -> None:
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", md5_url=server.url("garbage.md5"))
    with pytest.raises(DownloadError, match="bevat geen md5-controlesom"):
        fetch([item], data_dir, progress=False)


def test_present_file_kept_when_md5_unreachable(server: Server, data_dir: Path) -> None:
    dest = data_dir / "roads.osm.pbf"
    dest.write_bytes(b"offline copy")
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", md5_url=server.url("nope.md5"))
    assert fetch([item], data_dir, progress=False) == [dest]
    assert dest.read_bytes() == b"offline copy"


def test_manual_entries_do_not_fail(server: Server, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    manual = RemoteFile("libs", "", "voorzieningen/libs.csv", manual=True, note="stel de lijst zelf samen")  # invented
    item = RemoteFile("roads", server.url("roads.osm.pbf"), "roads.osm.pbf", sha256=SHA)
    with caplog.at_level(logging.WARNING, logger="spreiding.data.fetch"):
        paths = fetch([manual, item], data_dir, progress=False)
    assert paths == [data_dir / "roads.osm.pbf"]
    assert "met de hand aanleveren" in caplog.text and "libs" in caplog.text
    assert "stel de lijst zelf samen" in caplog.text  # the region file's note says how to get it
    assert missing_manual([manual, item], data_dir) == [manual]
    (data_dir / "voorzieningen").mkdir()
    (data_dir / "voorzieningen" / "libs.csv").write_text("id\n", encoding="utf-8")
    assert missing_manual([manual], data_dir) == []
    assert fetch([manual], data_dir, progress=False) == [data_dir / "voorzieningen" / "libs.csv"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dest": "/abs/x"}, "relatief pad"),
        ({"dest": "../x"}, "relatief pad"),
        ({"url": "ftp://x/y"}, "http"),
        ({"sha256": "xyz"}, "64 hexadecimale"),
    ],
)
def test_remote_file_validation(kwargs: dict[str, str], match: str) -> None:
    base = {"name": "n", "url": "https://example.org/x", "dest": "a/x"}
    with pytest.raises(ConfigError, match=match):
        RemoteFile(**{**base, **kwargs})


def test_drenthe_manifest() -> None:
    assert "drenthe" in available_regions()
    files = load_manifest("drenthe", include_optional=True)
    by_name = {f.name: f for f in files}
    assert len(by_name) == len(files)
    osm = by_name["osm_drenthe"]
    assert osm.url == "https://download.geofabrik.de/europe/netherlands/drenthe-latest.osm.pbf"
    assert osm.md5_url == osm.url + ".md5"
    assert osm.dest == "osm/drenthe-latest.osm.pbf"
    manual = [f for f in files if f.manual]
    assert [f.dest for f in manual] == ["voorzieningen/bibliotheken_drenthe.csv"]
    assert all(f.licence for f in files)
    assert all(f.url.startswith("https://") for f in files if not f.manual)
    default = load_manifest("drenthe")
    assert 0 < len(default) < len(files)
    assert not any(f.optional for f in default)


def test_unknown_region() -> None:
    with pytest.raises(ConfigError, match="drenthe"):
        load_manifest("atlantis")


def test_fetch_region_uses_env_folder_and_reports_manual(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Only the manual entry would run: pretend the downloadable files are all present
    # without checksum checks by pointing fetch at a manifest subset.
    import spreiding.data.fetch as mod

    manual = RemoteFile("libs", "", "voorzieningen/libs.csv", manual=True)
    monkeypatch.setattr(mod, "load_manifest", lambda region, include_optional=False: (manual,))
    monkeypatch.setenv("SPREIDING_DATA_DIR", str(tmp_path / "envdata"))
    with caplog.at_level(logging.WARNING, logger="spreiding.data.fetch"):
        assert fetch_region("drenthe", progress=False) == []
    assert "nog met de hand aan te leveren" in caplog.text
    assert str(tmp_path / "envdata") in caplog.text


def test_manifest_from_a_json_path(tmp_path: Path) -> None:
    path = tmp_path / "region.json"
    path.write_text('{"region": "x", "files": [{"name": "a", "url": "https://example.org/a", "dest": "a/a.bin"}]}')
    (item,) = load_manifest(path)
    assert item.name == "a" and item.dest == "a/a.bin"
    assert load_manifest(str(path)) == (item,)
    with pytest.raises(ConfigError, match="bestaat niet"):
        load_manifest(tmp_path / "nope.json")
    path.write_text('{"region": "x"}')
    with pytest.raises(ConfigError, match="lijst 'files' ontbreekt"):
        load_manifest(path)


def test_drenthe_manifest_has_region_settings() -> None:
    from spreiding.data.fetch import read_manifest

    raw = read_manifest("drenthe")
    assert raw["province"] == "Drenthe"
    assert len(raw["municipalities"]) == 12 and "Borger-Odoorn" in raw["municipalities"]
    names = {f.name for f in load_manifest("drenthe")}
    assert {raw["prepare"][k] for k in ("boundaries", "population", "osm")} <= names  # all default downloads


def test_fetch_region_without_prepare(server: Server, tmp_path: Path, data_dir: Path) -> None:
    manifest = tmp_path / "m.json"
    entry = {"name": "roads", "url": server.url("roads.osm.pbf"), "dest": "osm/drenthe-latest.osm.pbf", "sha256": SHA}
    raw = {
        "region": "drenthe",
        "province": "Drenthe",
        "municipalities": ["Assen"],
        "prepare": {"boundaries": "roads", "population": "roads", "osm": "roads"},
        "files": [entry],
    }
    manifest.write_text(json.dumps(raw))
    assert fetch_region(manifest, data_dir, progress=False, prepare=False) == [
        data_dir / "osm" / "drenthe-latest.osm.pbf"
    ]
    assert sorted(p.name for p in data_dir.rglob("*") if p.is_file()) == ["drenthe-latest.osm.pbf"]
