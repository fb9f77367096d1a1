"""Ledger files the way an office makes them: Chinese headers, the filled template, GBK CSV, hostile files.

No engine here: reading, validation (references checked within the file) and workbooks only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from graphsvc.errors import InvalidInput, TooLarge
from graphsvc.ingest import ledger_io, workbook
from graphsvc.ingest.safety import Limits, csv_escape, csv_unescape
from graphsvc.ingest.validate import validate
from graphsvc.schemas.ledger import TABLES, BuildingKind, enum_of, is_flag


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def errors_of(raw: ledger_io.RawLedger) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as e:
        validate(raw)
    return e.value.details


# An office workbook: Chinese headers only, one header row, four mistakes on four Excel rows.
OFFICE: dict[str, list[list[Any]]] = {
    "社区": [
        ["社区编号", "社区名称", "类型", "所属街道", "纬度", "经度", "有办公用房"],
        ["c1", "康乐社区", "城市社区", "s1", 39.05, 121.71, "是"],
    ],
    "街道": [["街道编号", "街道名称"], ["s1", "金州街道"]],
    "楼栋": [
        ["楼栋编号", "楼栋名称", "类型", "所属社区", "所属网格", "纬度", "经度"],
        ["b1", "一号楼", "住宅楼", "c1", None, 39.05, 121.71],
        ["b2", "二号楼", "城堡", "c1", None, 39.05, 121.71],  # Excel row 3: not an allowed kind
        ["b3", "三号楼", "住宅楼", "c9", None, 39.05, 121.71],  # row 4: unknown community
        ["b4", "四号楼", "住宅楼", "c1", None, "北纬39", 121.71],  # row 5: not a number
    ],
    "党员": [
        ["党员编号", "姓名", "党员类别", "就业状态", "组织关系所在党组织", "联系电话"],
        ["m1", "王秀英", "离退休党员", "退休", "po9", "13800138000"],  # row 2: unknown organisation
    ],
}
OFFICE_ERRORS = {
    ("楼栋", 3, "类型"): "「城堡」不是可选的值；可选：住宅楼、商务楼宇、商住混合",
    ("楼栋", 4, "所属社区"): "编号「c9」在账本和图中都不存在（应为社区的编号）",
    ("楼栋", 5, "纬度"): "「北纬39」应为数字",
    ("党员", 2, "组织关系所在党组织"): "编号「po9」在账本和图中都不存在（应为党组织的编号）",
}


def test_office_workbook_every_error_in_one_report() -> None:
    errors = errors_of(ledger_io.read_xlsx(xlsx(OFFICE)))
    assert {(e["sheet"], e["row"], e["header"]): e["message"] for e in errors} == OFFICE_ERRORS
    by_header = {e["header"]: e for e in errors}
    assert by_header["类型"]["value"] == "城堡" and by_header["类型"]["where"] == "「楼栋」 第 3 行「类型」列"
    text = repr(errors)
    assert "王秀英" not in text and "13800138000" not in text  # names and phones never shown


def test_annotated_workbook_marks_exactly_the_bad_cells() -> None:
    data = xlsx(OFFICE)
    raw = ledger_io.read_xlsx(data)
    wb = load_workbook(io.BytesIO(workbook.annotate(data, raw, errors_of(raw))))
    red = {
        (ws.title, c.row, ws.cell(row=1, column=c.column).value)
        for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb == "00FF9999"
    }
    assert red == set(OFFICE_ERRORS)
    assert wb["楼栋"]["C3"].comment.text.startswith("「城堡」不是可选的值")
    assert wb.sheetnames[0] == "错误清单" and wb["错误清单"].max_row == 1 + len(OFFICE_ERRORS)
    assert ledger_io.read_xlsx(workbook.annotate(data, raw, errors_of(raw))).warnings == []


def test_filled_template_reads_with_excel_rows(tmp_path: Path) -> None:
    wb = load_workbook(io.BytesIO(workbook.template()))
    wb["街道"].append(["s1", "金州街道", None, None])
    wb["社区"].append(["c1", "康乐社区", "行政村", "s1", 39.0, 121.0, None, "否", "是", "否"])
    wb["社区"].append(["c2", "白庙村", "村庄", "s1", 39.0, 121.0, None, "否", "是", "否"])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    raw = ledger_io.read_path(path)
    (err,) = errors_of(raw)
    assert (err["sheet"], err["row"], err["header"]) == ("社区", 4, "类型")  # two header rows: data from row 3
    assert "行政村" in err["message"] and "安置社区" in err["message"]
    del raw.tables["communities"][1], raw.sources["communities"].positions[1]
    ledger = validate(raw)
    assert ledger["communities"][0].model_dump()["kind"] == "rural"


def test_template_dropdowns_and_guide() -> None:
    wb = load_workbook(io.BytesIO(workbook.template()))
    assert wb.sheetnames == [t.zh for t in TABLES.values()] + ["填表说明"]
    for name, table in TABLES.items():
        ws = wb[table.zh]
        lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation}
        for i, col in enumerate(table.columns):
            letter = chr(ord("A") + i)
            enum = enum_of(name, col)
            if enum is not None:
                assert lists[letter] == '"' + ",".join(m.zh for m in enum) + '"', (name, col)
            elif is_flag(name, col):
                assert lists[letter] == '"是,否"', (name, col)
            else:
                assert letter not in lists
    guide = [[c.value for c in r] for r in wb["填表说明"].iter_rows(min_row=4)]
    assert len(guide) == sum(len(t.columns) for t in TABLES.values())
    kind_row = next(r for r in guide if r[0] == "楼栋" and r[2] == "kind")
    assert kind_row[1] == "类型" and kind_row[5] == "必填" and kind_row[6] == "住宅楼、商务楼宇、商住混合"
    headers = {(r[0], r[2]): r[1] for r in guide}
    assert headers[("资源共享", "resource_id")] == "资源编号" and headers[("楼栋", "resident_group_id")] == "所属网格"
    assert TABLES["resident_groups"].zh == "网格"  # the buildings column 所属网格 names this sheet


def test_gbk_csv_folder(tmp_path: Path) -> None:
    (tmp_path / "街道.csv").write_bytes("街道编号,街道名称\ns1,金州街道\n".encode("gbk"))
    (tmp_path / "社区.csv").write_bytes(
        "社区编号,社区名称,类型,所属街道,纬度,经度\nc1,康乐社区,城市社区,s1,39,121\nc2,白庙村,村,s1,39,121\n".encode("gb18030")
    )
    (tmp_path / "楼栋.csv").write_bytes("\ufeff楼栋编号,楼栋名称,类型,所属社区,纬度,经度\nb1,一号楼,住宅楼,c1,39,121\n".encode())
    raw = ledger_io.read_csv_dir(tmp_path)
    (err,) = errors_of(raw)
    assert (err["sheet"], err["row"], err["header"]) == ("社区.csv", 3, "类型")  # the CSV line
    assert raw.tables["streets"][0]["name"] == "金州街道"


def test_other_encodings_named_clearly(tmp_path: Path) -> None:
    (tmp_path / "streets.csv").write_bytes("id,name\ns1,金州街道\n".encode("utf-16"))
    with pytest.raises(InvalidInput, match=r"streets\.csv 的编码不受支持"):
        ledger_io.read_csv_dir(tmp_path)


def test_csv_line_numbers_count_multiline_cells(tmp_path: Path) -> None:
    (tmp_path / "streets.csv").write_text('id,name\ns1,"金州\n街道"\n,空编号\n', encoding="utf-8")
    (err,) = errors_of(ledger_io.read_csv_dir(tmp_path))
    assert (err["row"], err["column"], err["message"]) == (4, "id", "必填，不能为空")


def test_json_items_are_numbered() -> None:
    raw = ledger_io.read_json('{"楼栋": [{"id": "b1", "kind": "castle"}]}')
    errors = errors_of(raw)
    assert {e["where"] for e in errors} >= {"「楼栋」 第 1 条「kind」列"}


# --- hostile files ---------------------------------------------------------------------------------


def zipped(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            z.writestr(info, "/etc/passwd")
    return buf.getvalue()


STREETS_CSV = b"id,name\ns1,jz\n"


@pytest.mark.parametrize("member", ["/x.csv", "../x.csv", "a/../../x.csv", "C:/x.csv", "..\\x.csv"])
def test_zip_member_paths_refused(member: str) -> None:
    with pytest.raises(InvalidInput, match="不安全的文件路径"):
        ledger_io.read_upload("l.zip", zipped({"streets.csv": STREETS_CSV, member: STREETS_CSV}))


def test_zip_links_refused_and_folders_flattened() -> None:
    with pytest.raises(InvalidInput, match="符号链接"):
        ledger_io.read_upload("l.zip", zipped({"streets.csv": STREETS_CSV}, symlink="communities.csv"))
    raw = ledger_io.read_upload("l.zip", zipped({"台账/streets.csv": STREETS_CSV}))
    assert raw.tables["streets"] == [{"id": "s1", "name": "jz"}]


def test_zip_bombs_refused_before_reading() -> None:
    zeros = b"0" * (3 * 1024 * 1024)
    with pytest.raises(TooLarge, match="压缩比"):
        ledger_io.read_upload("l.zip", zipped({"streets.csv": zeros}))
    with pytest.raises(TooLarge, match="解压后超过上限 2 MB"):
        ledger_io.read_upload("l.zip", zipped({"streets.csv": zeros}), Limits(unpacked_mb=2, ratio=10_000))
    with pytest.raises(TooLarge, match="个文件"):
        ledger_io.read_upload("l.zip", zipped({f"f{i}.csv": b"" for i in range(20)}), Limits(members=10))
    with pytest.raises(TooLarge, match="解压后超过上限"):  # an XLSX is a zip too
        ledger_io.read_upload("l.xlsx", xlsx(OFFICE), Limits(unpacked_mb=0))


def test_sheet_row_limit() -> None:
    rows = [["id", "name"]] + [[f"s{i}", "x"] for i in range(30)]
    with pytest.raises(TooLarge, match="GRAPHSVC_MAX_SHEET_ROWS"):
        ledger_io.read_upload("l.xlsx", xlsx({"streets": rows}), Limits(rows=20))
    csv_data = "\n".join(",".join(r) for r in rows).encode()
    with pytest.raises(TooLarge, match="GRAPHSVC_MAX_SHEET_ROWS"):
        ledger_io.read_upload("streets.csv", csv_data, Limits(rows=20))
    assert len(ledger_io.read_upload("streets.csv", csv_data, Limits(rows=30)).tables["streets"]) == 30


def test_csv_field_over_the_limit_is_a_clear_error() -> None:
    data = b"id,name\ns1," + b"x" * 200_000 + b"\n"
    with pytest.raises(InvalidInput, match=r"streets\.csv 第 2 行不是有效的 CSV"):
        ledger_io.read_upload("streets.csv", data)


def test_control_characters_refused_without_echo() -> None:
    raw = ledger_io.read_json('{"streets": [{"id": "s1", "name": "金州\\u0013街道"}, {"id": "s\\u00002", "name": "x"}]}')
    errors = errors_of(raw)
    assert [(e["row"], e["column"], e["message"]) for e in errors] == [
        (1, "name", "含有不可见的控制字符，请删除后重试"), (2, "id", "含有不可见的控制字符，请删除后重试"),
    ]
    assert "金州" not in repr(errors) and all("value" not in e for e in errors)


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1", "-1+cmd", "@SUM(A1)", "\tx", "\rx", "'x", "''=", "平常"])
def test_csv_escape_round_trip(value: str) -> None:
    escaped = csv_escape(value)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_unescape(escaped) == value


def test_chinese_labels_round_trip_in_cells() -> None:
    assert workbook.cell_value("buildings", "kind", "residential", "zh") == BuildingKind.residential.zh
    assert workbook.cell_value("pairings", "themes", ["party_work", "security"], "zh") == "党建联做;社会治安联防"
    assert workbook.cell_value("communities", "has_office", True, "zh") == "是"
    assert workbook.cell_value("communities", "has_office", True, "codes") == "true"


def test_command_line_tables_carry_no_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graphsvc import output

    rows = [{"name": '=HYPERLINK("http://x")', "size": -5}]
    output.write(rows, "csv")
    assert list(csv.reader(io.StringIO(capsys.readouterr().out)))[1] == ["'=HYPERLINK(\"http://x\")", "-5"]
    output.write(rows, "xlsx", output=str(tmp_path / "o.xlsx"))
    cell = load_workbook(tmp_path / "o.xlsx").active["A3"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
