"""download_ham10000 against a real HTTP server on 127.0.0.1 serving zips the test makes."""

import hashlib
import io
import socket
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image

from coursekit.data import DownloadError, load_ham10000
from coursekit.data.download import COMPLETE_MARKER, DATAVERSE_FILES, download_ham10000

FILE_IDS = {name: i for name, i in DATAVERSE_FILES.items()}


def jpeg(colour):
    buffer = io.BytesIO()
    Image.fromarray(np.full((30, 40, 3), colour, np.uint8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def zipped(ids, folder=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in ids:
            name = f"ISIC_{24306 + i:07d}.jpg"
            archive.writestr(f"{folder}/{name}" if folder else name, jpeg((i * 20, 100, 50)))
        archive.writestr("readme.txt", "not an image")
    return buffer.getvalue()


def metadata():
    lines = ['"lesion_id"\t"image_id"\t"dx"'] + [
        f'"HAM_{i:07d}"\t"ISIC_{24306 + i:07d}"\t"{["nv", "mel"][i % 2]}"' for i in range(6)
    ]
    return ("\n".join(lines) + "\n").encode()


class Dataverse:
    """A stand-in for the Dataverse data-access API; counts requests per file id."""

    def __init__(self):
        self.files = {
            FILE_IDS["HAM10000_metadata.tab"]: metadata(),
            FILE_IDS["HAM10000_images_part_1.zip"]: zipped(range(3)),
            FILE_IDS["HAM10000_images_part_2.zip"]: zipped(range(3, 6), "HAM10000_images_part_2"),
        }
        self.requests = []
        files, requests = self.files, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                prefix = "/api/access/datafile/"
                file_id = int(self.path[len(prefix):]) if self.path.startswith(prefix) else -1
                requests.append(file_id)
                body = files.get(file_id)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dataverse():
    server = Dataverse()
    yield server
    server.close()


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_download_unpacks_the_real_layout_and_loads(dataverse, tmp_path):
    hashes = {name: sha256(dataverse.files[i]) for name, i in FILE_IDS.items()}
    dest = download_ham10000(tmp_path / "ham", base_url=dataverse.url, progress=False,
                             known_hashes=hashes)  # fmt: skip
    assert (dest / COMPLETE_MARKER).is_file()
    assert sorted(p.name for p in (dest / "HAM10000_images_part_2").iterdir()) == [
        f"ISIC_{24306 + i:07d}.jpg" for i in range(3, 6)
    ]
    assert not (dest / "HAM10000_images_part_1" / "readme.txt").exists()
    assert not (dest / ".downloads").exists()
    images, meta = load_ham10000(dest, size=(8, 8), n_jobs=1)
    assert images.shape == (6, 8, 8, 3) and meta["dx"].tolist()[:2] == ["nv", "mel"]
    # Complete: a second call asks the server nothing.
    count = len(dataverse.requests)
    download_ham10000(dest, base_url=dataverse.url, progress=False)
    assert len(dataverse.requests) == count


def test_interrupted_download_resumes_without_fetching_done_parts(dataverse, tmp_path):
    part_2 = FILE_IDS["HAM10000_images_part_2.zip"]
    good = dataverse.files.pop(part_2)
    with pytest.raises(DownloadError, match="404"):
        download_ham10000(tmp_path, base_url=dataverse.url, progress=False)
    assert not (tmp_path / COMPLETE_MARKER).exists()
    assert (tmp_path / "HAM10000_images_part_1").is_dir()
    assert not list(tmp_path.glob("*.partial"))
    dataverse.files[part_2] = good
    dataverse.requests.clear()
    download_ham10000(tmp_path, base_url=dataverse.url, progress=False)
    assert dataverse.requests == [part_2]
    assert (tmp_path / COMPLETE_MARKER).is_file()


def test_corrupt_zip_is_deleted_and_never_looks_complete(dataverse, tmp_path):
    part_1 = FILE_IDS["HAM10000_images_part_1.zip"]
    dataverse.files[part_1] = dataverse.files[part_1][:200]
    with pytest.raises(DownloadError, match="HAM10000_images_part_1.zip is not a valid zip"):
        download_ham10000(tmp_path, base_url=dataverse.url, progress=False)
    assert not (tmp_path / COMPLETE_MARKER).exists()
    assert not (tmp_path / "HAM10000_images_part_1").exists()
    assert not list(tmp_path.rglob("*.zip")) and not list(tmp_path.glob("*.partial"))


def test_hash_mismatch_is_refused(dataverse, tmp_path):
    wrong = {"HAM10000_images_part_1.zip": "sha256:" + "0" * 64}
    with pytest.raises(DownloadError, match="does not match its known checksum"):
        download_ham10000(tmp_path, base_url=dataverse.url, progress=False, known_hashes=wrong)
    assert not (tmp_path / "HAM10000_images_part_1").exists()
    assert not list(tmp_path.rglob("*.zip"))


def test_server_down_fails_fast_with_what_to_do(tmp_path, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("COURSEKIT_DATAVERSE_URL", f"http://127.0.0.1:{port}")
    start = time.perf_counter()
    with pytest.raises(DownloadError) as err:
        download_ham10000(tmp_path, progress=False)
    assert time.perf_counter() - start < 5
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message
    assert "COURSEKIT_DATA" in message and "10.7910/DVN/DBW86T" in message
