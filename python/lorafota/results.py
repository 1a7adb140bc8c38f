"""Typed views of plans, progress and results, ready for analysis.

Every object here converts to plain records (``to_records()``, a list of dicts) and to a pandas
DataFrame (``to_pandas()``; pandas is optional and imported only then), and shows itself as a
compact table in Jupyter (``_repr_html_``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

__all__ = [
    "Plan",
    "DeviceProgress",
    "JobProgress",
    "DeviceResult",
    "OperationResult",
    "ScheduledJob",
    "ProgressSample",
    "RolloutResult",
]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_pandas() needs pandas: pip install 'lorafota[pandas]' (or pandas)"
        ) from e
    return pandas


def _frame(records: list[dict[str, Any]], columns: list[str] | None = None) -> pandas.DataFrame:
    """A DataFrame of ``records`` (pandas imported only now)."""
    frame: pandas.DataFrame = _pandas().DataFrame.from_records(records, columns=columns)
    return frame


def _html_table(title: str, rows: Sequence[Mapping[str, Any]], limit: int = 20) -> str:
    """A small HTML table of ``rows`` (escaped), at most ``limit`` rows shown."""
    out = [f"<div><strong>{html.escape(title)}</strong>"]
    if rows:
        cols = list(rows[0].keys())
        out.append("<table><thead><tr>")
        out.extend(f"<th>{html.escape(str(c))}</th>" for c in cols)
        out.append("</tr></thead><tbody>")
        for row in rows[:limit]:
            out.append("<tr>")
            out.extend(f"<td>{html.escape(_cell(row.get(c)))}</td>" for c in cols)
            out.append("</tr>")
        out.append("</tbody></table>")
        if len(rows) > limit:
            out.append(f"<p>… {len(rows) - limit} more rows (to_pandas() has them all)</p>")
    out.append("</div>")
    return "".join(out)


def _cell(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _utc(unix: int | float | None) -> datetime | None:
    return None if unix is None else datetime.fromtimestamp(unix, tz=timezone.utc)


@dataclass(frozen=True)
class Plan:
    """A planned FUOTA session (the fields of ``lorafota plan --json``)."""

    region: str
    dr: int
    frequency_hz: int
    fragment_size: int
    nb_frag: int
    padding: int
    redundancy: int
    expected_success: float | None
    toa_per_fragment_us: int
    airtime_us: int
    duration_s: float
    timeout_exponent: int
    start_unix: int | None
    start_gps: int | None
    end_unix: int | None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        """From the native planner's dict (unknown keys are ignored)."""
        values: dict[str, Any] = {f.name: d.get(f.name) for f in fields(cls)}
        return cls(**values)

    @property
    def total_fragments(self) -> int:
        """M + R."""
        return self.nb_frag + self.redundancy

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict."""
        return asdict(self)

    def to_records(self) -> list[dict[str, Any]]:
        """One record."""
        return [self.to_dict()]

    def to_pandas(self) -> pandas.DataFrame:
        """A one-row DataFrame."""
        return _frame(self.to_records())

    def _repr_html_(self) -> str:
        rows = [{"field": k, "value": v} for k, v in self.to_dict().items()]
        return _html_table("FUOTA plan", rows, limit=len(rows))


@dataclass(frozen=True)
class DeviceProgress:
    """One device's progress in a running job."""

    deveui: str
    percent: float | None
    status: str


@dataclass(frozen=True)
class JobProgress:
    """A progress snapshot of one running job."""

    schedule_filename: str | None
    phase: str | None
    percent: float
    devices: tuple[DeviceProgress, ...]
    transmission_type: str | None = None
    multicast_eui: str | None = None
    input_filename: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> JobProgress:
        """From the native client's dict."""
        return cls(
            schedule_filename=d.get("schedule_filename"),
            phase=d.get("phase"),
            percent=float(d.get("percent", 0.0)),
            devices=tuple(
                DeviceProgress(r["deveui"], r.get("percent"), r.get("status", ""))
                for r in d.get("devices", [])
            ),
            transmission_type=d.get("transmission_type"),
            multicast_eui=d.get("multicast_eui"),
            input_filename=d.get("input_filename"),
        )

    @property
    def devices_complete(self) -> int:
        """Devices at 100 %."""
        return sum(1 for d in self.devices if d.percent is not None and d.percent >= 100.0)

    def to_records(self) -> list[dict[str, Any]]:
        """One record per device."""
        return [
            {"schedule_filename": self.schedule_filename, "phase": self.phase, **asdict(d)}
            for d in self.devices
        ]

    def to_pandas(self) -> pandas.DataFrame:
        """One row per device."""
        return _frame(self.to_records(), ["schedule_filename", "phase", "deveui", "percent", "status"])

    def _repr_html_(self) -> str:
        title = (
            f"{self.schedule_filename or 'job'}: {self.phase or 'RUNNING'} "
            f"{self.percent:.0f} %, {self.devices_complete}/{len(self.devices)} devices complete"
        )
        return _html_table(title, [asdict(d) for d in self.devices])


@dataclass(frozen=True)
class DeviceResult:
    """One device's outcome in a finished job."""

    deveui: str
    status: str
    outcome: str
    reason: str | None = None


@dataclass(frozen=True)
class OperationResult:
    """A finished job: counts by outcome and each device's status and reason."""

    schedule_filename: str | None
    transmission_type: str | None
    completed_at: int | None
    success: int
    failed: int
    skipped: int
    devices: tuple[DeviceResult, ...]
    multicast_eui: str | None = None
    input_filename: str | None = None
    schedule_source: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> OperationResult:
        """From the native client's dict."""
        return cls(
            schedule_filename=d.get("schedule_filename"),
            transmission_type=d.get("transmission_type"),
            completed_at=d.get("completed_at"),
            success=int(d.get("success", 0)),
            failed=int(d.get("failed", 0)),
            skipped=int(d.get("skipped", 0)),
            devices=tuple(
                DeviceResult(r["deveui"], r.get("status", ""), r.get("outcome", "failed"), r.get("reason"))
                for r in d.get("devices", [])
            ),
            multicast_eui=d.get("multicast_eui"),
            input_filename=d.get("input_filename"),
            schedule_source=d.get("schedule_source"),
        )

    @property
    def completed_at_utc(self) -> datetime | None:
        """Completion time, timezone-aware UTC."""
        return _utc(self.completed_at)

    @property
    def all_succeeded(self) -> bool:
        """True when every device succeeded (and there was at least one)."""
        return self.success > 0 and self.failed == 0 and self.skipped == 0

    def failures(self) -> list[DeviceResult]:
        """The devices that did not succeed."""
        return [d for d in self.devices if d.outcome != "success"]

    def to_records(self) -> list[dict[str, Any]]:
        """One record per device."""
        return [{"schedule_filename": self.schedule_filename, **asdict(d)} for d in self.devices]

    def to_pandas(self) -> pandas.DataFrame:
        """One row per device: ``schedule_filename, deveui, status, outcome, reason``."""
        return _frame(self.to_records(), ["schedule_filename", "deveui", "status", "outcome", "reason"])

    def _repr_html_(self) -> str:
        title = (
            f"{self.schedule_filename or 'job'}: {self.success} succeeded, "
            f"{self.failed} failed, {self.skipped} skipped"
        )
        return _html_table(title, [asdict(d) for d in self.devices])


@dataclass(frozen=True)
class ScheduledJob:
    """A job scheduled and not yet started."""

    schedule_filename: str | None
    transmission_type: str | None
    scheduled_time: int | None
    device_count: int
    devices: tuple[str, ...] = ()
    multicast_group_id: int | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScheduledJob:
        """From the native client's dict."""
        return cls(
            schedule_filename=d.get("schedule_filename"),
            transmission_type=d.get("transmission_type"),
            scheduled_time=d.get("scheduled_time"),
            device_count=int(d.get("device_count", 0)),
            devices=tuple(d.get("devices", ())),
            multicast_group_id=d.get("multicast_group_id"),
        )


@dataclass(frozen=True)
class ProgressSample:
    """One device's progress at one poll of a rollout."""

    time: datetime
    elapsed_s: float
    deveui: str
    phase: str | None
    percent: float | None
    status: str


@dataclass(frozen=True)
class RolloutResult:
    """What ``Gateway.run_fota`` / ``run_multicast`` return: the job's name, its result, the plan
    it followed (FOTA), and, with ``history=True``, timestamped progress samples per device."""

    schedule_filename: str
    result: OperationResult
    plan: Plan | None = None
    history: tuple[ProgressSample, ...] = field(default=())

    @property
    def success(self) -> int:
        """Devices that succeeded."""
        return self.result.success

    @property
    def failed(self) -> int:
        """Devices that failed."""
        return self.result.failed

    @property
    def devices(self) -> tuple[DeviceResult, ...]:
        """Per-device outcomes."""
        return self.result.devices

    @property
    def all_succeeded(self) -> bool:
        """True when every device succeeded."""
        return self.result.all_succeeded

    def to_records(self) -> list[dict[str, Any]]:
        """Per-device outcomes as records."""
        return self.result.to_records()

    def to_pandas(self) -> pandas.DataFrame:
        """Per-device outcomes (see :meth:`OperationResult.to_pandas`)."""
        return self.result.to_pandas()

    def history_records(self) -> list[dict[str, Any]]:
        """The progress samples as records."""
        return [asdict(s) for s in self.history]

    def history_pandas(self) -> pandas.DataFrame:
        """The progress samples: ``time`` (UTC), ``elapsed_s``, ``deveui``, ``phase``,
        ``percent``, ``status``; pivot on ``deveui`` to plot completion over time."""
        return _frame(self.history_records(), [f.name for f in fields(ProgressSample)])

    def _repr_html_(self) -> str:
        head = self.result._repr_html_()
        if self.plan is None:
            return head
        p = self.plan
        expected = "–" if p.expected_success is None else f"{p.expected_success * 100:.1f} %"
        total = len(self.result.devices) or (self.success + self.failed + self.result.skipped)
        observed = "–" if total == 0 else f"{self.success / total * 100:.1f} %"
        return (
            f"<div>plan: {p.nb_frag} fragments of {p.fragment_size} B + {p.redundancy} coded; "
            f"expected success {html.escape(expected)}, observed {html.escape(observed)}</div>"
            + head
        )


def samples_from(
    progress: JobProgress, started: float, now: float
) -> Iterable[ProgressSample]:
    """The per-device samples of one progress snapshot taken at Unix time ``now``."""
    t = datetime.fromtimestamp(now, tz=timezone.utc)
    for d in progress.devices:
        yield ProgressSample(t, now - started, d.deveui, progress.phase, d.percent, d.status)
