"""Hostile-file guards for ledgers: zip members, decompression bombs, text encodings, control
characters and spreadsheet formulas (CSV injection).

Every refusal is an InvalidInput/TooLarge with a Chinese message naming the file, never its content.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from graphsvc.errors import InvalidInput, TooLarge


@dataclass(frozen=True)
class Limits:
    """What one ledger file may expand to (GRAPHSVC_MAX_UNPACKED_MB, _MAX_ZIP_MEMBERS, _MAX_ZIP_RATIO, _MAX_SHEET_ROWS)."""

    unpacked_mb: int = 100
    members: int = 200
    ratio: int = 100
    rows: int = 300_000

    @classmethod
    def of(cls, settings: object) -> Limits:
        return cls(
            unpacked_mb=getattr(settings, "max_unpacked_mb", cls.unpacked_mb),
            members=getattr(settings, "max_zip_members", cls.members),
            ratio=getattr(settings, "max_zip_ratio", cls.ratio),
            rows=getattr(settings, "max_sheet_rows", cls.rows),
        )


DEFAULT_LIMITS = Limits()
_RATIO_FLOOR = 1024 * 1024  # small members may compress well without being a bomb


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def check_zip(z: zipfile.ZipFile, what: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """The archive's file members, after refusing unsafe names, links and anything that expands too far.

    Sizes are the ones the archive declares; `read_member` enforces them again while reading.
    """
    infos = z.infolist()
    if len(infos) > limits.members:
        raise TooLarge(f"{what} 含有 {len(infos)} 个文件，超过上限 {limits.members} 个")
    total = 0
    files = []
    for info in infos:
        if _unsafe_name(info.filename):
            raise InvalidInput(f"{what} 含有不安全的文件路径（绝对路径或 ..），已拒绝")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InvalidInput(f"{what} 含有符号链接，已拒绝")
        if info.is_dir():
            continue
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise TooLarge(f"{what} 的压缩比异常（超过 {limits.ratio} 倍），疑似压缩炸弹，已拒绝")
        files.append(info)
    if total > limits.unpacked_mb * 1024 * 1024:
        raise TooLarge(f"{what} 解压后超过上限 {limits.unpacked_mb} MB（GRAPHSVC_MAX_UNPACKED_MB）")
    return files


def read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, what: str) -> bytes:
    """A member's bytes, read in memory and never past its declared size (a lying header is refused)."""
    with z.open(info) as f:
        data = f.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise InvalidInput(f"{what} 的文件大小与声明不符，已拒绝")
    return data


def unzip_csv(data: bytes, what: str, limits: Limits) -> list[tuple[str, bytes]]:
    """The .csv members of an uploaded zip as (file name, bytes), read in memory; folders inside are flattened."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise InvalidInput(f"{what} 不是有效的 ZIP 文件") from e
    with z:
        out: list[tuple[str, bytes]] = []
        for info in check_zip(z, what, limits):
            name = PurePosixPath(info.filename).name
            if name.lower().endswith(".csv") and not name.startswith("."):
                out.append((name, read_member(z, info, what)))
    return out


def check_xlsx(data: bytes, what: str, limits: Limits) -> None:
    """An XLSX is a zip: the same member, size and ratio limits, and no sheet over the row limit,
    all before openpyxl parses it (rows are counted on the sheet XML, whatever size the sheet declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in check_zip(z, what, limits):
                sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                if sheet and _count_rows(z, info) > limits.rows + 2:
                    raise TooLarge(f"{what} 中有工作表超过上限 {limits.rows} 行（GRAPHSVC_MAX_SHEET_ROWS），请分表导入")
    except zipfile.BadZipFile as e:
        raise InvalidInput(f"{what} 不是有效的 XLSX 工作簿") from e


def _count_rows(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """How many <row> elements a sheet's XML holds, streamed in chunks (never past its declared size)."""
    n, tail, read = 0, b"", 0
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            read += len(chunk)
            if read > info.file_size:
                raise InvalidInput("工作簿的文件大小与声明不符，已拒绝")
            block = tail + chunk
            n += block.count(b"<row ") + block.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
            tail = block[-5:]
    return n


# --- text ---------------------------------------------------------------------------------------


def decode_csv(data: bytes, name: str) -> str:
    """CSV text: UTF-8 (with or without BOM), else GB18030 (which includes GBK); anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise InvalidInput(f"文件 {name} 的编码不受支持（疑似 UTF-16）：请另存为“CSV UTF-8”或 GBK 编码的 CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput(f"文件 {name} 既不是 UTF-8 也不是 GBK/GB18030 编码：请另存为“CSV UTF-8”") from None


# --- CSV injection (OWASP): a cell starting with = + - @ tab or CR is prefixed with ' on export --------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_START = (*_FORMULA_START, "'")


def csv_escape(s: str) -> str:
    """'=1+1' -> "'=1+1"; a value already starting with ' gets one more, so `csv_unescape` gives it back.

    >>> [csv_escape(v) for v in ["=SUM(A1)", "-5", "'x", "康乐"]]
    ["'=SUM(A1)", "'-5", "''x", '康乐']
    """
    return "'" + s if s.startswith(_ESCAPED_START) else s


def csv_unescape(s: str) -> str:
    """The value before `csv_escape`.

    >>> [csv_unescape(v) for v in ["'=SUM(A1)", "''x", "'x", "康乐"]]
    ['=SUM(A1)', "'x", "'x", '康乐']
    """
    return s[1:] if len(s) > 1 and s[0] == "'" and s[1] in _ESCAPED_START else s
