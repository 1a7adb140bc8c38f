#!/usr/bin/env python3
"""Generate crates/lorafota-core/src/region/tables.rs from the shared regional.json.

The JSON (../shared/vectors/regional/regional.json beside the repository) stays outside the
crate; this script turns it into typed Rust statics, checked in, so that the crate builds without
it. Standard library only.

    python3 scripts/gen_region_tables.py            # rewrite tables.rs
    python3 scripts/gen_region_tables.py --check    # exit 1 if tables.rs is stale
    python3 scripts/gen_region_tables.py --json PATH

Choices made here (the Rust tests in crates/lorafota-core/tests/regional_tables.rs read the JSON
again and check every one of them):
* N is never read: the tables keep M and the crate computes N = M - 8 (sources carry typos,
  e.g. lrwn EU868 DR4 N=222 with M=250). A JSON N that breaks the rule is reported on stderr.
* AU915 uplink tables `uplink_dwell_0` / `uplink_dwell_400ms` map to the `NoRepeater` /
  `Dwell400msNoRepeater` variants; the sources give no repeater-specific uplink table there.
* `{M: null}` means "not allowed"; a variant absent from the JSON means "not listed".
* `since` keeps only the RP002 revision number ("RP002-1.0.5 (...)" -> V1_0_5).
* Duty cycle: EU868 sub-bands as parts per million; RU864's "single 1% band" note becomes a
  uniform limit; other notes (AS923) are kept as country-specific text.
* US915/AU915 hopping Class B channels are read from their "923.3 MHz + 600 kHz * (... mod 8)"
  text.
"""

import argparse
import hashlib
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT.parent / "shared" / "vectors" / "regional" / "regional.json"
OUTPUT = ROOT / "crates" / "lorafota-core" / "src" / "region" / "tables.rs"

REGION_VARIANT = {
    "EU868": "Eu868",
    "US915": "Us915",
    "AU915": "Au915",
    "AS923": "As923",
    "AS923-2": "As923_2",
    "AS923-3": "As923_3",
    "AS923-4": "As923_4",
    "IN865": "In865",
    "KR920": "Kr920",
    "CN470": "Cn470",
    "RU864": "Ru864",
}
# JSON max_payload key -> slot in DataRateInfo::limits (PayloadVariant order).
PAYLOAD_SLOT = {
    "no_repeater": 0,
    "repeater_compatible": 1,
    "dwell_400ms_no_repeater": 2,
    "dwell_400ms_repeater_compatible": 3,
    "uplink_dwell_0": 0,
    "uplink_dwell_400ms": 2,
}
CODING_RATE = {"4/5": "Cr4_5", "4/6": "Cr4_6", "4/7": "Cr4_7", "4/8": "Cr4_8"}
BANDWIDTH = {125000: "Khz125", 250000: "Khz250", 500000: "Khz500"}
LR_FHSS_CR = {"2/6": "OneThird", "4/6": "TwoThirds"}


class GenError(Exception):
    pass


def rust_str(s):
    return json.dumps(s, ensure_ascii=False)


def hz(n):
    if not isinstance(n, int) or n < 0 or n >= 2**32:
        raise GenError(f"frequency {n!r} is not a u32 number of Hz")
    return f"Hz::new({n})"


def mhz_text_to_hz(text):
    value = Decimal(text) * 1_000_000
    if value != value.to_integral_value():
        raise GenError(f"{text} MHz is not a whole number of Hz")
    return int(value)


def ppm(fraction):
    value = Decimal(str(fraction)) * 1_000_000
    if value != value.to_integral_value():
        raise GenError(f"duty cycle {fraction} is not a whole number of ppm")
    return int(value)


def secs(n):
    if not isinstance(n, int):
        raise GenError(f"{n!r} is not whole seconds")
    return f"Duration::from_secs({n})"


def millis(n):
    if not isinstance(n, int):
        raise GenError(f"{n!r} is not whole milliseconds")
    return f"Duration::from_millis({n})"


def opt(value, render):
    return "None" if value is None else f"Some({render(value)})"


def since(entry):
    text = entry.get("since")
    if text is None:
        return "None"
    m = re.match(r"RP002-1\.0\.(\d)", text)
    if not m:
        raise GenError(f"cannot read the revision in since={text!r}")
    return f"Some(Rp002Revision::V1_0_{m.group(1)})"


def modulation(entry, where):
    kind = entry["modulation"]
    if kind == "LORA":
        bw = BANDWIDTH.get(entry["bw_hz"])
        if bw is None:
            raise GenError(f"{where}: bandwidth {entry['bw_hz']}")
        return (
            f"Modulation::Lora {{ sf: SpreadingFactor::SF{int(entry['sf'])}, "
            f"bw: Bandwidth::{bw}, coding_rate: CodingRate::{CODING_RATE[entry['coding_rate']]} }}"
        )
    if kind == "FSK":
        return f"Modulation::Fsk {{ bitrate_bps: {int(entry['bitrate_bps'])} }}"
    if kind == "LR_FHSS":
        return (
            f"Modulation::LrFhss {{ coding_rate: LrFhssCodingRate::{LR_FHSS_CR[entry['coding_rate']]}, "
            f"occupied_channel_width: {hz(entry['occupied_channel_width_hz'])} }}"
        )
    raise GenError(f"{where}: unknown modulation {kind!r}")


def limits(entry, where):
    slots = ["PayloadLimit::NotListed"] * 4
    for key, value in (entry.get("max_payload") or {}).items():
        if key not in PAYLOAD_SLOT:
            raise GenError(f"{where}: unknown max_payload variant {key!r}")
        m = value.get("M")
        if m is None:
            rendered = "PayloadLimit::NotAllowed"
        else:
            if not 8 <= m <= 255:
                raise GenError(f"{where} {key}: M={m} out of range 8..=255")
            if value.get("N") != m - 8:
                print(f"note: {where} {key}: N={value.get('N')} != M-8; using N={m - 8}", file=sys.stderr)
            rendered = f"PayloadLimit::Max(MaxPayload::from_m({m}))"
        slot = PAYLOAD_SLOT[key]
        if slots[slot] != "PayloadLimit::NotListed":
            raise GenError(f"{where}: two max_payload keys map to slot {slot}")
        slots[slot] = rendered
    return "[" + ", ".join(slots) + "]"


def data_rate_info(region_variant, dr, direction, entry, where):
    if entry is None:
        return "None"
    return (
        "Some(DataRateInfo {\n"
        f"            region: Region::{region_variant},\n"
        f"            dr: DataRate::new({dr}),\n"
        f"            direction: Direction::{direction},\n"
        f"            modulation: {modulation(entry, where)},\n"
        f"            limits: {limits(entry, where)},\n"
        f"            since: {since(entry)},\n"
        "        })"
    )


def u8_list(values):
    return "&[" + ", ".join(str(int(v)) for v in values) + "]"


def channel(freq, dr):
    return f"Channel {{ frequency: {hz(freq)}, dr: DataRate::new({int(dr)}) }}"


def class_b_channel(cb, kind):
    fixed = cb.get(f"{kind}_freq_hz")
    if fixed is not None:
        return f"ClassBChannel::Fixed({hz(fixed)})"
    text = cb.get(f"{kind}_channel")
    m = re.match(r"^([\d.]+) MHz \+ (\d+) kHz \* .* mod (\d+)\)$", text or "")
    if not m:
        raise GenError(f"cannot read Class B {kind} channel {text!r}")
    return (
        f"ClassBChannel::Hopping {{ first: {hz(mhz_text_to_hz(m.group(1)))}, "
        f"step: {hz(int(m.group(2)) * 1000)}, channels: {int(m.group(3))} }}"
    )


def class_b(cb):
    if cb is None:
        return "None"
    return (
        "Some(ClassB {\n"
        f"        beacon: {class_b_channel(cb, 'beacon')},\n"
        f"        beacon_dr: DataRate::new({int(cb['beacon_dr'])}),\n"
        f"        ping_slot: {class_b_channel(cb, 'ping_slot')},\n"
        f"        ping_slot_dr: DataRate::new({int(cb['ping_slot_dr'])}),\n"
        "    })"
    )


def duty_cycle(name, dc, out):
    if dc is None:
        return "DutyCycleRule::None"
    bands = dc.get("sub_bands")
    if bands is not None:
        const = f"{name}_SUB_BANDS"
        out.append(f"static {const}: [SubBand; {len(bands)}] = [")
        for b in bands:
            out.append(
                f"    SubBand {{ name: {rust_str(b['name'])}, min: {hz(b['min_hz'])}, max: {hz(b['max_hz'])}, "
                f"duty_cycle: DutyCycle::from_ppm({ppm(b['duty_cycle'])}) }},"
            )
        out.append("];")
        out.append("")
        return f"DutyCycleRule::SubBands(&{const})"
    note = dc.get("note", "")
    m = re.search(r"single (\d+(?:\.\d+)?)% band", note)
    if m:
        return f"DutyCycleRule::Uniform(DutyCycle::from_ppm({ppm(Decimal(m.group(1)) / 100)}))"
    return f"DutyCycleRule::CountrySpecific({rust_str(note)})"


def dwell_time(d):
    if d is None:
        return "None"
    note = d.get("applies_when") or d.get("detail") or ""
    return (
        "Some(DwellTime {\n"
        f"        uplink: {opt(d.get('uplink_ms'), millis)},\n"
        f"        downlink: {opt(d.get('downlink_ms'), millis)},\n"
        f"        when_signalled: {'true' if 'applies_when' in d else 'false'},\n"
        f"        note: {rust_str(note)},\n"
        "    })"
    )


def lbt(d):
    if d is None:
        return "None"
    required_in = d.get("required_in")
    if required_in is None and d.get("required") is not True:
        raise GenError("LBT without required / required_in")
    return (
        "Some(Lbt {\n"
        f"        rssi_threshold_dbm: {int(d['rssi_threshold_dbm'])},\n"
        f"        carrier_sense_time: {millis(d['carrier_sense_time_ms'])},\n"
        f"        scan_bandwidth: {hz(d['scan_bandwidth_hz'])},\n"
        f"        required_in: {opt(required_in, rust_str)},\n"
        "    })"
    )


def region_table(key, r, out):
    variant = REGION_VARIANT[key]
    name = key.replace("-", "_")
    defaults = r.get("defaults") or r.get("defaults_lrwn_legacy")
    if defaults is None:
        raise GenError(f"{key}: no defaults")
    rows_const = f"{name}_DATA_RATES"
    out.append(f"static {rows_const}: [DataRateRow; {len(r['data_rates'])}] = [")
    for row in r["data_rates"]:
        dr = int(row["dr"])
        where = f"{key} DR{dr}"
        out.append("    DataRateRow {")
        out.append(f"        dr: {dr},")
        out.append(f"        uplink: {data_rate_info(variant, dr, 'Uplink', row.get('uplink'), where + ' uplink')},")
        out.append(f"        downlink: {data_rate_info(variant, dr, 'Downlink', row.get('downlink'), where + ' downlink')},")
        out.append(f"        rx1: {opt(row.get('rx1_dr_by_offset'), u8_list)},")
        out.append(f"        rx1_dwell: {opt(row.get('rx1_dr_by_offset_dwell_400ms'), u8_list)},")
        out.append("    },")
    out.append("];")
    out.append("")
    dc = duty_cycle(name, r.get("duty_cycle"), out)
    rx2 = r.get("defaults")
    mc = r.get("class_c_multicast_default") or {}
    out.append(f"pub(super) static {name}: RegionTable = RegionTable {{")
    out.append(f"    rp002_name: {rust_str(r['rp002_name'])},")
    out.append(f"    frequency_offset_hz: {opt(r.get('frequency_offset_hz'), lambda v: str(int(v)))},")
    out.append(f"    data_rates: &{rows_const},")
    out.append("    rx_delays: RxDelays {")
    out.append(f"        rx1: {secs(defaults['rx1_delay_s'])},")
    out.append(f"        rx2: {secs(defaults['rx2_delay_s'])},")
    out.append(f"        join_accept1: {secs(defaults['join_accept_delay1_s'])},")
    out.append(f"        join_accept2: {secs(defaults['join_accept_delay2_s'])},")
    out.append("    },")
    out.append(f"    rx2: {'None' if rx2 is None else 'Some(' + channel(rx2['rx2_freq_hz'], rx2['rx2_dr']) + ')'},")
    has_mc = "freq_hz" in mc and "dr" in mc
    out.append(f"    class_c_multicast: {'Some(' + channel(mc['freq_hz'], mc['dr']) + ')' if has_mc else 'None'},")
    out.append(f"    class_b: {class_b(r.get('class_b'))},")
    out.append(f"    duty_cycle: {dc},")
    out.append(f"    dwell_time: {dwell_time(r.get('dwell_time'))},")
    out.append(f"    lbt: {lbt(r.get('lbt'))},")
    out.append("};")
    out.append("")


def cn470(r, out):
    d = r["defaults_rp002"]
    legacy = r["defaults_lrwn_legacy"]
    plans = []
    for plan, freqs in d["rx2_freq_hz_by_plan"].items():
        if isinstance(freqs, int):
            freqs = [freqs]
        plans.append(
            f"    Cn470PlanRx2 {{ plan: {rust_str(plan)}, frequencies: &[{', '.join(hz(f) for f in freqs)}] }},"
        )
    out.append(f"static CN470_RP002_RX2: [Cn470PlanRx2; {len(plans)}] = [")
    out.extend(plans)
    out.append("];")
    out.append("")
    out.append("pub(super) static CN470_RP002: Cn470Rp002 = Cn470Rp002 {")
    out.append(f"    rx2_dr: DataRate::new({int(d['rx2_dr'])}),")
    out.append("    rx2_by_plan: &CN470_RP002_RX2,")
    out.append(f"    beacon_dr: DataRate::new({int(d['beacon_dr'])}),")
    out.append(f"    ping_slot_dr: DataRate::new({int(d['ping_slot_dr'])}),")
    out.append(f"    beacon_26mhz_a: {hz(d['beacon_freq_hz_26MHz_A'])},")
    out.append(f"    beacon_26mhz_b: {hz(d['beacon_freq_hz_26MHz_B'])},")
    out.append(f"    lrwn_legacy_rx2: {channel(legacy['rx2_freq_hz'], legacy['rx2_dr'])},")
    out.append("};")
    out.append("")


def generate(json_path):
    raw = json_path.read_bytes()
    data = json.loads(raw)
    if data.get("schema_version") != 1:
        raise GenError(f"schema_version {data.get('schema_version')!r}, this script reads 1")
    regions = data["regions"]
    if sorted(regions) != sorted(REGION_VARIANT):
        raise GenError(f"regions {sorted(regions)} differ from the Region enum")
    out = [
        "// @generated by scripts/gen_region_tables.py from shared/vectors/regional/regional.json",
        f"// (schema_version 1, sha256 {hashlib.sha256(raw).hexdigest()}).",
        "// Do not edit: change the JSON or the script and run `python3 scripts/gen_region_tables.py`.",
        "",
        "//! The regional tables, one static per region (see the module docs of `region`).",
        "",
        "use core::time::Duration;",
        "",
        "use super::{",
        "    Channel, ClassB, ClassBChannel, Cn470PlanRx2, Cn470Rp002, DataRate, DataRateInfo, DataRateRow,",
        "    Direction, DutyCycle, DutyCycleRule, DwellTime, Lbt, LrFhssCodingRate, MaxPayload, Modulation,",
        "    PayloadLimit, Region, RegionTable, Rp002Revision, RxDelays, SubBand,",
        "};",
        "use crate::airtime::{Bandwidth, CodingRate, SpreadingFactor};",
        "use crate::radio::Hz;",
        "",
    ]
    for key, r in regions.items():
        region_table(key, r, out)
    cn470(regions["CN470"], out)
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON, help="regional.json to read")
    ap.add_argument("--check", action="store_true", help="only check that tables.rs is up to date")
    args = ap.parse_args()
    try:
        text = generate(args.json)
    except (GenError, KeyError, OSError, ValueError) as e:
        print(f"gen_region_tables: {e}", file=sys.stderr)
        return 2
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(f"gen_region_tables: {OUTPUT.relative_to(ROOT)} is stale; re-run the script", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
