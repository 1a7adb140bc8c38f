"""Records, pandas and Jupyter views of plans, progress and results."""

from __future__ import annotations

import sys

import pytest

import lorafota
from lorafota.results import JobProgress, OperationResult

PROGRESS = {
    "schedule_filename": "lf_fota_1_x",
    "phase": "BROADCASTING",
    "percent": 42.0,
    "devices": [
        {"deveui": "00-80-00-ff-00-00-00-01", "percent": 100.0, "status": "complete"},
        {"deveui": "00-80-00-ff-00-00-00-02", "percent": 30.0, "status": "<b>receiving</b>"},
    ],
}
RESULT = {
    "schedule_filename": "lf_fota_1_x",
    "transmission_type": "FOTA",
    "completed_at": 1_767_225_600,
    "success": 1,
    "failed": 1,
    "skipped": 0,
    "devices": [
        {"deveui": "00-80-00-ff-00-00-00-01", "status": "success", "outcome": "success", "reason": None},
        {"deveui": "00-80-00-ff-00-00-00-02", "status": "failed", "outcome": "failed", "reason": "lost"},
    ],
}


def test_progress_records_and_html_escape() -> None:
    p = JobProgress.from_dict(PROGRESS)
    assert p.devices_complete == 1
    assert p.to_records()[1] == {
        "schedule_filename": "lf_fota_1_x", "phase": "BROADCASTING",
        "deveui": "00-80-00-ff-00-00-00-02", "percent": 30.0, "status": "<b>receiving</b>",
    }  # fmt: skip
    html = p._repr_html_()
    assert "&lt;b&gt;receiving&lt;/b&gt;" in html and "<b>receiving" not in html
    assert "1/2 devices complete" in html


def test_result_views() -> None:
    r = OperationResult.from_dict(RESULT)
    assert not r.all_succeeded and [d.deveui for d in r.failures()] == ["00-80-00-ff-00-00-00-02"]
    assert r.completed_at_utc is not None and r.completed_at_utc.isoformat() == "2026-01-01T00:00:00+00:00"
    pandas = pytest.importorskip("pandas")
    df = r.to_pandas()
    assert isinstance(df, pandas.DataFrame) and df["outcome"].tolist() == ["success", "failed"]
    assert "1 succeeded, 1 failed" in r._repr_html_()


def test_to_pandas_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"lorafota\[pandas\]"):
        OperationResult.from_dict(RESULT).to_pandas()


def test_plan_views() -> None:
    p = lorafota.plan(10_000, "EU868", dr=5, redundancy=5)
    assert p.to_records() == [p.to_dict()] and p.to_dict()["redundancy"] == 5
    pandas = pytest.importorskip("pandas")
    assert pandas.api.types.is_integer_dtype(p.to_pandas()["nb_frag"])
    assert "FUOTA plan" in p._repr_html_()
