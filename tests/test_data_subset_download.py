"""download_ham10000(per_class=...) and RemoteZip against a range-capable server on 127.0.0.1.

The server (tests/fixtures/range_server.py) stands in for Harvard Dataverse: the
data-access URLs redirect (303) to the files, as Dataverse redirects to S3, and
it serves the metadata table and two zips in the Dataverse layout that these
tests build from small synthetic JPEGs.
"""

import io
import json
import struct
import threading
import warnings
import zipfile

import pandas as pd
import pytest
from fixtures.data_layouts import image_id_of
from fixtures.range_server import PARTS, DataverseZips, RangeServer, noise_jpeg, refused_url, tagged

from coursekit.data import DownloadError, MissingImagesWarning, load_ham10000
from coursekit.data.download import COMPLETE_MARKER, DATAVERSE_FILES, download_ham10000
from coursekit.data.remote_zip import RemoteZip
from coursekit.data.subset import SUBSET_MANIFEST

IDS = DATAVERSE_FILES  # file name -> Dataverse file id


@pytest.fixture(scope="module")
def big():
    """3,000 images of about 8 kB in zips of about 24 MB."""
    return DataverseZips(3000)


@pytest.fixture(scope="module")
def small():
    """168 images (at least 6 per class)."""
    return DataverseZips(168)


@pytest.fixture
def server(request):
    layout = request.getfixturevalue(request.param if hasattr(request, "param") else "small")
    with layout.serve() as running:
        yield running


def zip_bytes_sent(server):
    return sum(server.sent(f"/s3/{part}") for part in PARTS)


def member_requests(server, layout):
    """(part, start) of the requests for a member (not for the tail or the directory)."""
    offsets = {part: layout.header_offsets(part) for part in PARTS}
    found = []
    for path, header, status in server.requests:
        part = path.removeprefix("/s3/")
        if status == 206 and part in offsets and not header.startswith("bytes=-"):
            start = int(header[len("bytes=") :].split("-")[0])
            if start in offsets[part]:
                found.append((part, start))
    return found


def subset(dest, server, per_class=10, **kwargs):
    kwargs.setdefault("progress", False)
    return download_ham10000(dest, base_url=server.url, per_class=per_class, **kwargs)


@pytest.mark.parametrize("server", ["big"], indirect=True)
def test_ten_per_class_transfers_under_5_percent_of_the_zips(big, server, tmp_path, capsys):
    dest = subset(tmp_path / "subset", server, progress=True)
    total = sum(len(z) for z in big.zips.values())
    assert zip_bytes_sent(server) < 0.05 * total, (zip_bytes_sent(server), total)
    assert len(member_requests(server, big)) == 70
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the metadata lists exactly the images present
        images, meta = load_ham10000(dest, size=(8, 8), n_jobs=1)
    assert len(images) == 70 and meta["dx"].value_counts().to_dict() == dict.fromkeys(
        ["nv", "mel", "bkl", "bcc", "akiec", "vasc", "df"], 10
    )
    for image_id in meta["image_id"]:
        part, name, data = big.members[image_id]
        assert (dest / part[:-4] / f"{image_id}.jpg").read_bytes() == data
    summary = capsys.readouterr().err
    assert "Fetched 70 of the 70 images chosen" in summary and "% of the" in summary
    manifest = json.loads((dest / SUBSET_MANIFEST).read_text())
    assert manifest["complete"] and manifest["bytes_transferred"] < 0.05 * manifest["zip_bytes"]
    # Each zip's redirect is followed once; later requests go to the final URL.
    redirects = [p for p, _, status in server.requests if status == 303]
    assert sorted(redirects) == sorted(f"/api/access/datafile/{IDS[n]}" for n in
                                       ["HAM10000_metadata.tab", *PARTS])  # fmt: skip


def test_subset_is_the_draw_load_ham10000_makes_on_the_full_copy(small, server, tmp_path):
    full = small.unpack(tmp_path / "full")
    with pytest.warns(MissingImagesWarning, match="3 of 171"):  # 3 listed images in no zip
        _, on_full = load_ham10000(full, size=(4, 4), n_per_class=5, random_state=3, n_jobs=1)
    dest = subset(tmp_path / "a", server, per_class=5, random_state=3)
    _, on_subset = load_ham10000(dest, size=(4, 4), n_per_class=5, random_state=3, n_jobs=1)
    assert on_subset["image_id"].tolist() == on_full["image_id"].tolist()
    again = subset(tmp_path / "b", server, per_class=5, random_state=3)
    other = subset(tmp_path / "c", server, per_class=5, random_state=4)

    def listed(folder):
        return pd.read_csv(folder / "HAM10000_metadata.csv")["image_id"].tolist()

    assert listed(again) == listed(dest) != listed(other)
    assert not set(small.ids[-3:]) & (set(listed(dest)) | set(listed(other)))


def test_server_ignoring_ranges_falls_back_to_the_full_download_once(small, server, tmp_path):
    server.honour_ranges = False
    with pytest.warns(UserWarning, match=r"ignores HTTP range requests .*answered 200 .*Falling "
                      r"back to the full download"):  # fmt: skip
        dest = subset(tmp_path, server)
    assert (dest / COMPLETE_MARKER).is_file()
    for part in PARTS:  # each zip downloaded once, not asked for again
        assert [s for p, _, s in server.requests if p == f"/s3/{part}"] == [200]
    with pytest.warns(MissingImagesWarning, match="3 of 171"):  # listed, but in no zip
        _, meta = load_ham10000(dest, size=(4, 4), n_jobs=1)
    assert len(meta) == 168


def test_truncated_response_is_a_clear_error(small, server, tmp_path):
    members = {(f"/s3/{part}", start) for part in PARTS for start in small.header_offsets(part)}
    server.truncate_when = lambda path, start: (path, start) in members
    with pytest.raises(DownloadError) as err:
        subset(tmp_path, server)
    message = str(err.value)
    assert "Truncated response from " in message
    assert "/api/access/datafile/3172585" in message or "/api/access/datafile/3172584" in message
    assert "run the same command again" in message
    assert not list(tmp_path.rglob("ISIC_*.jpg")) and not list(tmp_path.rglob("*.part"))


def test_refused_connection_names_the_url_and_what_to_do(tmp_path):
    url = refused_url()
    with pytest.raises(DownloadError, match=rf"Cannot reach {url} .*COURSEKIT_DATA"):
        download_ham10000(tmp_path, base_url=url, per_class=5, progress=False)
    with pytest.raises(DownloadError, match=rf"Cannot connect to {url}/x.zip .*refused.*"
                       "run the same command again"):  # fmt: skip
        RemoteZip(f"{url}/x.zip", timeout=5)


def test_interrupted_run_continues_where_it_stopped(small, server, tmp_path):
    served, lock = [], threading.Lock()
    members = {(f"/s3/{part}", start) for part in PARTS for start in small.header_offsets(part)}

    def cut_after_five(path, start):
        with lock:
            if (path, start) in members:
                served.append(start)
                return len(served) > 5
        return False

    server.truncate_when = cut_after_five
    with pytest.raises(DownloadError, match="Truncated response"):
        subset(tmp_path, server, per_class=6)
    done = sorted(tmp_path.rglob("ISIC_*.jpg"))
    assert len(done) == 5 and not (tmp_path / "HAM10000_metadata.csv").exists()
    done[0].write_bytes(b"damaged")  # a file that no longer matches the zip is fetched again
    server.truncate_when, server.requests = None, []
    subset(tmp_path, server, per_class=6)
    assert len(member_requests(server, small)) == 42 - 5 + 1
    assert len(list(tmp_path.rglob("ISIC_*.jpg"))) == 42
    server.requests = []
    subset(tmp_path, server, per_class=6)  # complete: only the directories are read
    assert member_requests(server, small) == []


def test_corrupt_member_is_named_and_not_saved(tmp_path):
    broken = image_id_of(7)

    def jpeg_of(i, code):
        data = tagged(noise_jpeg(i), image_id_of(i))
        return data[: len(data) // 2] if image_id_of(i) == broken else data

    layout = DataverseZips(28, jpeg_of=jpeg_of)
    with layout.serve() as running, pytest.raises(DownloadError) as err:
        subset(tmp_path, running, per_class=100)
    assert f"{broken}.jpg from " in str(err.value) and "not a readable JPEG" in str(err.value)
    assert not list(tmp_path.rglob(f"{broken}*"))


def test_damaged_zip_bytes_fail_the_crc_check(small, tmp_path):
    part_2 = bytearray(small.zips[PARTS[1]])  # stored: member bytes appear as they are
    _, name, data = next(m for m in small.members.values() if m[0] == PARTS[1])
    at = bytes(part_2).index(data) + len(data) // 2
    part_2[at] ^= 0xFF
    with small.serve() as running:
        running.files[f"/s3/{PARTS[1]}"] = bytes(part_2)
        with pytest.raises(DownloadError, match=rf"{name} in .*3172584 is corrupt: its CRC-32"):
            subset(tmp_path, running, per_class=100)


def test_full_download_completes_a_subset_folder(small, server, tmp_path):
    subset(tmp_path, server, per_class=2)
    assert (tmp_path / SUBSET_MANIFEST).is_file()
    download_ham10000(tmp_path, base_url=server.url, progress=False)
    assert (tmp_path / COMPLETE_MARKER).is_file()
    assert not (tmp_path / SUBSET_MANIFEST).exists()
    assert not (tmp_path / "HAM10000_metadata.csv").exists()  # the full table is used
    with pytest.warns(MissingImagesWarning, match="3 of 171"):
        _, meta = load_ham10000(tmp_path, size=(4, 4), n_jobs=1)
    assert len(meta) == 168
    server.requests = []
    subset(tmp_path, server, per_class=2)  # a full copy holds every subset already
    assert server.requests == []


def test_per_class_is_checked_before_any_request(tmp_path):
    with pytest.raises(ValueError, match="per_class must be a positive integer"):
        download_ham10000(tmp_path, base_url=refused_url(), per_class=0)


def zip64_variant(data: bytes) -> bytes:
    """``data`` with its central directory rewritten as ZIP64 (sizes and offsets in extra
    fields, a ZIP64 end record and locator), as archives over 4 GiB are."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        cd_offset = archive.start_dir
    central = b""
    for info in infos:
        name = info.filename.encode()
        extra = struct.pack("<2H3Q", 1, 24, info.file_size, info.compress_size, info.header_offset)
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, info.flag_bits,
                               info.compress_type, 0, 0, info.CRC, 0xFFFFFFFF, 0xFFFFFFFF,
                               len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + extra
    record_at = cd_offset + len(central)
    end64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, len(infos), len(infos),
                        len(central), cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                      0xFFFFFFFF, 0)  # fmt: skip
    return data[:cd_offset] + central + end64 + locator + end


def long_comment_variant(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = b"x" * 40_000  # the end record is then beyond the first request
    return buffer.getvalue()


@pytest.mark.parametrize("variant", [zip64_variant, long_comment_variant])
def test_remote_zip_reads_zip64_and_commented_archives(small, variant):
    data = variant(small.zips[PARTS[0]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # Python's reader agrees it is valid
        expected = {info.filename: archive.read(info) for info in archive.infolist()}
    with RangeServer({"/a.zip": data}) as running:
        remote = RemoteZip(running.url + "/a.zip")
        assert list(remote.members) == list(expected) and remote.size == len(data)
        for name in list(expected)[:3] + list(expected)[-2:]:
            assert remote.read(remote.members[name]) == expected[name]
        assert remote.bytes_received == running.sent("/a.zip")


def test_a_server_that_stops_honouring_ranges_is_an_error(small):
    with RangeServer({"/a.zip": small.zips[PARTS[0]]}) as running:
        remote = RemoteZip(running.url + "/a.zip")
        running.honour_ranges = False
        member = next(iter(remote.members.values()))
        with pytest.raises(DownloadError, match=r"a\.zip stopped answering range requests .*sent "
                           r"200"):  # fmt: skip
            remote.read(member)
