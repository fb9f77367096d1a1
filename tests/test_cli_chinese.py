"""The command line for people, on the demo street against the real engine: Chinese in every human
output (no rule ids, no enum codes), codes kept in --format json, Chinese labels accepted as arguments,
the ten gap thresholds, gaps suggest/accept/place, and scoped Chinese exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graphsvc import cli
from graphsvc.demo import street_ledger
from graphsvc.graph import Graph
from graphsvc.ingest.ledger_io import RawLedger
from graphsvc.ingest.load import import_ledger
from graphsvc.schemas import ledger as L
from graphsvc.schemas.coverage import GapParams, GapRule
from graphsvc.schemas.history import HistoryQuery
from graphsvc.scope import LOCAL_ADMIN
from graphsvc.services import history
from graphsvc.settings import Settings

ENUMS = [L.CommunityKind, L.BuildingKind, L.MemberCategory, L.Employment, L.OrgLevel, L.OrgDomain, L.UnitKind,
         L.ResourceKind, L.ServiceKind, L.RegistrationKind, L.PairingKind, L.Theme, L.ProjectStatus, GapRule]
FORBIDDEN = {m.value for e in ENUMS for m in e} | {"true", "false", "True", "False", "own_branch", "joint_branch"}
ID = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)+")  # ids such as b-xf01-03 or key-1a2b may hold any letters


@pytest.fixture(scope="module")
def demo(graph: Graph, settings: Settings) -> Graph:
    import_ledger(graph, RawLedger(tables=street_ledger()))
    return graph


@pytest.fixture()
def run(demo: Graph, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GRAPHSVC_DATABASE", settings.database)

    def go(*argv: str, code: int = 0) -> str:
        assert cli.main(list(argv)) == code, capsys.readouterr().err
        out = capsys.readouterr()
        return out.out + out.err

    return go


def english_codes(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]+", ID.sub(" ", text))) & FORBIDDEN


HUMAN = [
    ("gaps",), ("gaps", "--summary"), ("gaps", "suggest", "党小组联幢"), ("gaps", "suggest", "household_unlinked"),
    ("gaps", "suggest", "支部进楼宇"), ("gaps", "suggest", "支部四进"), ("gaps", "place", "--kind", "党员活动室", "--max-new", "2"),
    ("match", "needs", "--community", "c-xf01"), ("match", "evaluate"), ("pairing", "list"), ("sharing", "list"),
    ("project", "list"), ("keys", "list"), ("audit",),
]


def test_human_output_has_no_english_codes(run) -> None:
    for argv in HUMAN:
        text = run(*argv)
        assert text.strip(), argv
        assert english_codes(text) == set(), (argv, english_codes(text))
    assert "党小组联幢" in run("gaps") and "一帮一" in run("gaps", "--summary")
    assert re.search(r"\d+\.\d%", run("gaps", "--summary"))  # coverage as a percentage people read


def test_scripts_keep_codes(run) -> None:
    data = json.loads(run("gaps", "--rule", "党小组联幢", "--format", "json").split("\n党小组联幢")[0])
    assert list(data) == ["building_without_group"]
    csv_text = run("gaps", "--rule", "一帮一", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("rule,") and "vulnerable_without_helper" in csv_text


def test_chinese_labels_accepted_wherever_codes_are(run, capsys: pytest.CaptureFixture[str]) -> None:
    run("gaps", "--rule", "building_without_group", "--vulnerable", "低保;困难家庭", "--required-points", "社区服务站")
    with pytest.raises(SystemExit):
        run("gaps", "--rule", "城堡")
    err = capsys.readouterr().err
    assert "不是可选的值" in err and "党小组联幢" in err
    run("pairing", "create", "po-xf01", "pu-xf-028", "--kind", "结对共建", "--themes", "党建联做;群众文化联兴")
    pairings = json.loads(run("pairing", "list", "--format", "json"))["items"]
    mine = [p for p in pairings if {p["org_a"], p["org_b"]} == {"po-xf01", "pu-xf-028"} and p["active"]]
    assert mine and mine[0]["themes"] == ["party_work", "culture"] and mine[0]["kind"] == "co_construction"


def test_every_threshold_has_a_flag() -> None:
    gaps = next(a for a in cli.build_parser()._subparsers._group_actions[0].choices.items() if a[0] == "gaps")[1]  # type: ignore[union-attr]
    dests = {a.dest for a in gaps._actions}
    flag_of = {"branch_threshold": "threshold", "link_cap": "cap", "unit_branch_members": "unit_members",
               "walk_speed_m_per_min": "speed", "cluster_distance_m": "cluster_distance"}
    assert {flag_of.get(f, f) for f in GapParams.model_fields} <= dests


def test_gaps_suggest_then_accept(run, demo: Graph, tmp_path: Path) -> None:
    before = json.loads(run("gaps", "--rule", "党小组联幢", "--format", "json").split("\n党小组联幢")[0])
    saved = tmp_path / "s.json"
    run("gaps", "suggest", "党小组联幢", "--save", str(saved))
    plan = json.loads(saved.read_text())
    assert plan["covers"] or plan["orgs"]
    text = run("gaps", "accept", "--from", str(saved))
    assert "已采纳" in text
    after = json.loads(run("gaps", "--rule", "党小组联幢", "--format", "json").split("\n党小组联幢")[0])
    assert after["building_without_group"]["count"] < before["building_without_group"]["count"]
    assert "采纳" in run("audit")
    # the accept is in the coverage trend, as after the pages' 采纳
    street = history.history(demo, LOCAL_ADMIN, HistoryQuery(street_id="s-xf")).items[0]
    assert street.level == "street" and street.points[-1].source == "accept"


def test_gaps_suggest_links_saves_the_pairs_alone(run, tmp_path: Path) -> None:
    saved = tmp_path / "links.json"
    run("gaps", "suggest", "党员联户", "--community", "c-xf01", "--save", str(saved))
    links = json.loads(saved.read_text())["links"]
    assert links and all(set(p) == {"member_id", "household_id"} for p in links)


def test_gaps_place_with_a_distance_table(run, tmp_path: Path) -> None:
    table = tmp_path / "d.csv"
    table.write_text("from_id,to_id,meters\nb-xf01-01,sp-xf01-1,5000\n", encoding="utf-8")
    text = run("gaps", "place", "--kind", "service_station", "--distances", str(table), "--max-new", "1")
    assert "社区服务站" in text and "住宅楼" in text
    text = run("gaps", "place", "--kind", "党员活动室", "--max-new", "1", "--time-limit", "5")
    assert "最少需新增" in text and "时限" not in text  # solved well within the limit: nothing to say about it
    assert "--time-limit 为 1–3600 秒" in run("gaps", "place", "--time-limit", "0.5", code=2)


def test_export_a_street_in_chinese(run, tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    run("export", "--street", "s-xf", "--format", "xlsx", "-o", str(out))
    wb = load_workbook(out)
    assert "社区" in wb.sheetnames and "communities" not in wb.sheetnames
    kinds = {r[2] for r in wb["社区"].iter_rows(min_row=3, values_only=True)}
    assert kinds == {"城市社区"}  # the street's communities only, labelled in Chinese
    run("export", "--community", "c-xf01", "--format", "xlsx", "--labels", "codes", "-o", str(out))
    assert {r[0] for r in load_workbook(out)["communities"].iter_rows(min_row=3, values_only=True)} == {"c-xf01"}
    assert "没有编号为" in run("export", "--street", "s-none", "-o", str(out), code=2)
