"""Read single members of a zip archive on an HTTP(S) server, fetching only their bytes.

A zip archive ends with an *end of central directory* record that says where
its *central directory* is: one entry per member with its name, sizes, CRC-32,
compression method and the offset of its *local header*, which precedes the
member's data. So three kinds of HTTP range requests (RFC 9110, section 14)
read any member without downloading the archive: the archive's tail, the
central directory (often inside that tail), then one request per member for
its local header and data.

Supported: stored and deflated members, ZIP64 archives and members, archive
comments, UTF-8 and CP437 names, data descriptors. Encrypted members, other
compression methods and archives split over several files are refused with a
:class:`~coursekit.data.errors.DownloadError` naming the member.

Only the standard library is used (``urllib``), so that one request per member
can run in a thread of its own.
"""

from __future__ import annotations

import http.client
import re
import struct
import threading
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass

from .errors import DownloadError

__all__ = ["RangesNotSupported", "RemoteZip", "ZipMember", "USER_AGENT"]

USER_AGENT = "coursekit (HAM10000 subset download; https://doi.org/10.7910/DVN/DBW86T)"
#: First request: this many bytes from the end. Enough for the end record of an
#: archive without a long comment, and often for its whole central directory.
TAIL_BYTES = 16 * 1024
_CHUNK = 64 * 1024

# Record layouts (APPNOTE.TXT 6.3, little-endian).
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes, just before the end record
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory entry, 46 bytes
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header, 30 bytes
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ZIP64_EXTRA = 0x0001
_MAX_COMMENT = 0xFFFF
_STORED, _DEFLATED = 0, 8
_ENCRYPTED, _UTF8 = 0x1, 0x800
_SLACK = 256  # extra bytes asked for past a member, in case its local extra field is longer

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)


@dataclass(frozen=True)
class ZipMember:
    """One entry of a zip archive's central directory."""

    name: str
    """Path inside the archive, ``/``-separated."""
    method: int
    """Compression method: 0 stored, 8 deflated."""
    flags: int
    """General-purpose bit flags."""
    crc32: int
    """CRC-32 of the uncompressed bytes."""
    compressed_size: int
    """Bytes of the member's data in the archive."""
    size: int
    """Bytes once uncompressed."""
    header_offset: int
    """Offset of the member's local header from the start of the archive."""

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


class RangesNotSupported(DownloadError):
    """The server answered a range request with the whole file (``200 OK``, not ``206``).

    Attributes
    ----------
    url : str
        The URL asked.
    response : http.client.HTTPResponse
        The open response: its body is the whole file and has not been read,
        so a caller can save it instead of asking for it again (then close it).
    length : int or None
        Its ``Content-Length`` in bytes, if the server sent one.
    """

    def __init__(self, url, response):
        self.url = url
        self.response = response
        length = response.headers.get("Content-Length")
        self.length = int(length) if length and length.isdigit() else None
        super().__init__(
            f"{url} does not support HTTP range requests: it answered "
            f"{response.status} with the whole file instead of 206 Partial Content."
        )


def _what_to_do(url: str) -> str:
    return (
        f"Check your internet connection and that {url} opens in a browser, then run the same "
        "command again: files already fetched are kept and the download continues."
    )


class RemoteZip:
    """A zip archive at ``url``, read member by member with HTTP range requests.

    Parameters
    ----------
    url : str
        ``http://`` or ``https://`` URL of the archive. Redirects are followed
        (once: later requests go straight to the final URL, and back to ``url``
        if that one has expired).
    timeout : float
        Seconds to wait for the server on each request.

    Attributes
    ----------
    size : int
        Size of the archive in bytes.
    members : dict of str to ZipMember
        The archive's entries by name, in central-directory order.
    bytes_received : int
        Bytes of response bodies received so far (all threads together).

    Raises
    ------
    RangesNotSupported
        If the server ignores the ``Range`` header (the open response is attached).
    DownloadError
        If the server cannot be reached, answers an HTTP error, sends fewer bytes
        than it announced, or the bytes are not a zip archive; the message names
        the URL and what to do.

    Notes
    -----
    Safe to use from several threads at once (one HTTP request each). Reading
    the directory costs one request (two when the central directory is longer
    than what the first one got, three for an archive comment longer than
    about 16 KiB).
    """

    def __init__(self, url: str, timeout: float = 60.0):
        self.url = url
        self.timeout = float(timeout)
        self.bytes_received = 0
        self._lock = threading.Lock()
        self._location = url  # after a redirect, the final URL
        self.size = 0
        self.members: dict[str, ZipMember] = {}
        self._read_directory()

    # --- HTTP -------------------------------------------------------------------------------

    def _open(self, url: str, spec: str):
        request = urllib.request.Request(
            url, headers={"Range": f"bytes={spec}", "User-Agent": USER_AGENT,
                          "Accept-Encoding": "identity"},
        )  # fmt: skip
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DownloadError(
                f"{url} answered HTTP {exc.code} ({exc.reason}) to a request for bytes {spec}. "
                + _what_to_do(self.url)
            ) from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise DownloadError(
                f"Cannot connect to {url} ({reason}). " + _what_to_do(self.url)
            ) from exc

    def _fetch(self, spec: str) -> tuple[int, int, bytes]:
        """GET bytes ``spec`` (``"a-b"`` or ``"-n"``); return (first byte, total size, body)."""
        try:
            response = self._open(self._location, spec)
        except DownloadError:
            if self._location == self.url:
                raise
            self._location = self.url  # the redirect target may have expired: ask again
            response = self._open(self.url, spec)
        if response.status == 200:
            raise RangesNotSupported(self.url, response)
        with response:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
            if response.status != 206 or match is None:
                raise DownloadError(
                    f"{self.url} answered {response.status} with Content-Range "
                    f"{response.headers.get('Content-Range')!r} to a request for bytes {spec}; "
                    "expected 206 Partial Content with a byte range."
                )
            first, last = int(match[1]), int(match[2])
            total = int(match[3]) if match[3] != "*" else -1
            if not spec.startswith("-") and first != int(spec.split("-")[0]):
                raise DownloadError(
                    f"{self.url} sent bytes {first}-{last} when asked for bytes {spec}."
                )
            self._location = response.geturl()
            body = self._read_body(response, last - first + 1, spec)
        return first, total, body

    def _read_body(self, response, expected: int, spec: str) -> bytes:
        parts, received = [], 0
        try:
            while received < expected:
                chunk = response.read(min(_CHUNK, expected - received))
                if not chunk:
                    break
                parts.append(chunk)
                received += len(chunk)
        except (http.client.IncompleteRead, OSError) as exc:
            problem = f"the connection failed ({exc})"
        else:
            problem = "the connection was closed early"
        finally:
            with self._lock:
                self.bytes_received += received
        if received < expected:
            raise DownloadError(
                f"Truncated response from {self.url}: {problem} after {received:,} of the "
                f"{expected:,} bytes of range {spec}. " + _what_to_do(self.url)
            )
        return b"".join(parts)

    def _bytes(self, start: int, stop: int) -> bytes:
        """Bytes ``[start, stop)`` of the archive."""
        try:
            _, _, body = self._fetch(f"{start}-{stop - 1}")
        except RangesNotSupported as exc:  # only the first request may fall back
            exc.response.close()
            raise DownloadError(
                f"{self.url} stopped answering range requests with 206 Partial Content "
                f"(it sent {exc.response.status} for bytes {start}-{stop - 1}). "
                + _what_to_do(self.url)
            ) from exc
        return body

    # --- directory ----------------------------------------------------------------------------

    def _not_a_zip(self, why: str) -> DownloadError:
        return DownloadError(
            f"{self.url} is not a readable zip archive: {why}. It may have been replaced or be "
            "damaged on the server; " + _what_to_do(self.url)
        )

    def _read_directory(self) -> None:
        first, total, tail = self._fetch(f"-{TAIL_BYTES}")
        self.size = total if total >= 0 else first + len(tail)
        position = self._find_end_record(tail)
        if position is None and first > 0:  # a long archive comment: look further back
            start = max(0, self.size - (_EOCD.size + _MAX_COMMENT + _ZIP64_LOCATOR.size))
            tail, first = self._bytes(start, self.size), start
            position = self._find_end_record(tail)
        if position is None:
            raise self._not_a_zip("no end-of-central-directory record in its last 64 KiB")
        (_, disk, cd_disk, _, count, cd_size, cd_offset, _) = _EOCD.unpack_from(tail, position)
        end_record = first + position
        if disk != 0 or cd_disk != 0:
            raise self._not_a_zip("it is split over several files (multi-disk)")
        if 0xFFFF in (count,) or 0xFFFFFFFF in (cd_size, cd_offset):
            count, cd_size, cd_offset, end_record = self._zip64_end(tail, first, position)
        # Bytes prepended to the archive (e.g. a self-extractor) shift every offset.
        shift = end_record - cd_size - cd_offset
        if shift < 0:
            raise self._not_a_zip("its central directory lies outside the file")
        cd_start = cd_offset + shift
        if cd_start >= first:
            directory = tail[cd_start - first : cd_start - first + cd_size]
        else:
            directory = self._bytes(cd_start, cd_start + cd_size)
        self.members = self._parse_directory(directory, count, shift)

    @staticmethod
    def _find_end_record(tail: bytes):
        position = tail.rfind(_EOCD_SIGNATURE)
        while position >= 0:
            if position + _EOCD.size <= len(tail):
                comment_length = _EOCD.unpack_from(tail, position)[-1]
                if position + _EOCD.size + comment_length == len(tail):
                    return position
            position = tail.rfind(_EOCD_SIGNATURE, 0, position)
        return None

    def _zip64_end(self, tail: bytes, first: int, position: int):
        locator_at = position - _ZIP64_LOCATOR.size
        if locator_at < 0:  # the locator lies before what we have: fetch it
            start = first + locator_at
            tail, first, locator_at = self._bytes(start, first + position), start, 0
        signature, _, record_offset, _ = _ZIP64_LOCATOR.unpack_from(tail, locator_at)
        if signature != _ZIP64_LOCATOR_SIGNATURE:
            raise self._not_a_zip("its end record asks for ZIP64 but has no ZIP64 locator")
        locator_position = first + locator_at
        # The ZIP64 end record sits just before the locator (found from there, not from
        # record_offset, which bytes prepended to the archive would shift).
        record_at = locator_position - _ZIP64_EOCD.size
        if record_at >= first:
            record = tail[record_at - first : record_at - first + _ZIP64_EOCD.size]
        else:
            record = self._bytes(record_at, locator_position)
        fields = _ZIP64_EOCD.unpack(record)
        if fields[0] != _ZIP64_EOCD_SIGNATURE:
            raise self._not_a_zip(f"no ZIP64 end record where its locator points ({record_offset})")
        count, cd_size, cd_offset = fields[7], fields[8], fields[9]
        return count, cd_size, cd_offset, record_at

    def _parse_directory(self, directory: bytes, count: int, shift: int) -> dict:
        members, at = {}, 0
        for _ in range(count):
            if at + _CENTRAL.size > len(directory):
                raise self._not_a_zip(f"its central directory ends after {len(members)} entries")
            fields = _CENTRAL.unpack_from(directory, at)
            if fields[0] != _CENTRAL_SIGNATURE:
                raise self._not_a_zip(f"central directory entry {len(members) + 1} is damaged")
            flags, method, crc = fields[3], fields[4], fields[7]
            compressed, size = fields[8], fields[9]
            name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
            offset = fields[16]
            at += _CENTRAL.size
            raw_name = directory[at : at + name_length]
            extra = directory[at + name_length : at + name_length + extra_length]
            at += name_length + extra_length + comment_length
            name = raw_name.decode("utf-8" if flags & _UTF8 else "cp437", errors="replace")
            try:
                size, compressed, offset = _apply_zip64_extra(extra, size, compressed, offset)
            except (ValueError, struct.error) as exc:
                raise self._not_a_zip(f"the directory entry of {name} is damaged ({exc})") from exc
            members[name] = ZipMember(name, method, flags, crc, compressed, size, offset + shift)
        return members

    # --- members ------------------------------------------------------------------------------

    def read(self, member: ZipMember) -> bytes:
        """Fetch ``member`` and return its uncompressed bytes, checked against its CRC-32.

        Raises
        ------
        DownloadError
            If the member is encrypted or compressed with a method other than
            stored or deflated, its bytes do not decompress, or their size or
            CRC-32 differ from the central directory's (the message names it).
        """
        where = f"{member.name} in {self.url}"
        if member.flags & _ENCRYPTED:
            raise DownloadError(f"{where} is encrypted; coursekit cannot read it.")
        if member.method not in (_STORED, _DEFLATED):
            raise DownloadError(
                f"{where} is compressed with method {member.method}; only stored (0) and "
                "deflated (8) members can be read."
            )
        guess = _LOCAL.size + len(member.name.encode("utf-8")) + _SLACK
        stop = min(self.size, member.header_offset + guess + member.compressed_size)
        chunk = self._bytes(member.header_offset, stop)
        fields = _LOCAL.unpack_from(chunk) if len(chunk) >= _LOCAL.size else None
        if fields is None or fields[0] != _LOCAL_SIGNATURE:
            raise DownloadError(
                f"{where} is corrupt: no local file header at offset {member.header_offset}."
            )
        start = _LOCAL.size + fields[9] + fields[10]  # name and extra field lengths
        data = chunk[start : start + member.compressed_size]
        if len(data) < member.compressed_size:  # an unusually long local extra field
            data += self._bytes(member.header_offset + start + len(data),
                                member.header_offset + start + member.compressed_size)  # fmt: skip
        return self._decompress(member, data, where)

    @staticmethod
    def _decompress(member: ZipMember, data: bytes, where: str) -> bytes:
        if member.method == _DEFLATED:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                data = inflater.decompress(data) + inflater.flush()
            except zlib.error as exc:
                raise DownloadError(f"{where} is corrupt: its data do not inflate: {exc}") from exc
            if not inflater.eof:
                raise DownloadError(f"{where} is corrupt: its deflated data end too soon.")
        if len(data) != member.size:
            raise DownloadError(
                f"{where} is corrupt: {len(data):,} bytes instead of {member.size:,}."
            )
        if zlib.crc32(data) != member.crc32:
            raise DownloadError(f"{where} is corrupt: its CRC-32 does not match the archive's.")
        return data


def _apply_zip64_extra(extra: bytes, size: int, compressed: int, offset: int):
    """Replace the 0xFFFFFFFF fields of a central entry by their ZIP64 extra-field values.

    Raises ValueError if the extra field lacks a value it should hold.
    """
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<2H", extra, at)
        if tag == _ZIP64_EXTRA:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            # The fields present are exactly those set to 0xFFFFFFFF, in this order.
            fields = [size, compressed, offset]
            for k, value in enumerate(fields):
                if value == 0xFFFFFFFF:
                    if not values:
                        raise ValueError("ZIP64 extra field too short")
                    fields[k] = values.pop(0)
            return tuple(fields)
        at += 4 + length
    if 0xFFFFFFFF in (size, compressed, offset):
        raise ValueError("ZIP64 sizes or offset without a ZIP64 extra field")
    return size, compressed, offset
