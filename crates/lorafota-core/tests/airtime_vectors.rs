//! Time on air: every vector of ../shared/vectors/airtime/public.json exactly, and a property
//! test against an independent floating-point AN1200.13 / SX126x formula.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use lorafota_core::airtime::*;
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors/airtime/public.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned integer: {v}"))
}

fn params_of(v: &Value, ldro: Ldro) -> LoraParams {
    let sf = SpreadingFactor::new(u8::try_from(u(&v["sf"])).unwrap()).unwrap();
    let bw = Bandwidth::from_hz(u32::try_from(u(&v["bw_hz"])).unwrap()).unwrap();
    let cr = CodingRate::from_index(u8::try_from(u(&v["cr_index"])).unwrap()).unwrap();
    assert_eq!(cr.to_string(), v["coding_rate"].as_str().unwrap());
    let header = if v["explicit_header"].as_bool().unwrap() {
        HeaderMode::Explicit
    } else {
        HeaderMode::Implicit
    };
    LoraParams::downlink(sf, bw)
        .with_coding_rate(cr)
        .with_preamble(u16::try_from(u(&v["preamble_symbols"])).unwrap())
        .with_header(header)
        .with_crc(v["crc"].as_bool().unwrap())
        .with_ldro(ldro)
}

#[test]
fn every_public_lora_vector_is_exact() {
    let json = vectors();
    let cases = json["lora_vectors"].as_array().unwrap();
    assert_eq!(cases.len(), 40, "the README promises 40 LoRa vectors");
    for v in cases {
        let id = v["id"].as_str().unwrap();
        let e = &v["expected"];
        // The vector's LDRO flag is what the formula used; forcing it must reproduce it.
        let forced = if v["ldro"].as_bool().unwrap() {
            Ldro::On
        } else {
            Ldro::Off
        };
        let p = params_of(v, forced);
        let a = p
            .time_on_air(usize::try_from(u(&v["payload_len"])).unwrap())
            .unwrap();
        assert_eq!(a.toa_us(), u(&e["toa_us"]), "{id} toa_us");
        assert_eq!(
            f64::from(a.t_sym_us()),
            e["t_sym_us"].as_f64().unwrap(),
            "{id} t_sym_us"
        );
        assert_eq!(
            u64::from(a.n_payload_symbols()),
            u(&e["n_payload_symbols"]),
            "{id} n_payload_symbols"
        );
        let total = e["n_total_symbols"].as_f64().unwrap();
        assert_eq!(
            f64::from(a.n_total_symbols().quarters()),
            total * 4.0,
            "{id} n_total_symbols"
        );
        assert_eq!(a.n_total_symbols().to_string(), format!("{total}"), "{id}");
        assert_eq!(
            u64::from(a.preamble_symbols()),
            u(&e["n_preamble_effective"]),
            "{id} preamble"
        );
        assert_eq!(a.toa_ms_ceil(), u(&e["toa_ms_ceil"]), "{id} toa_ms_ceil");
        assert_eq!(a.toa().as_micros(), u128::from(u(&e["toa_us"])), "{id}");
        assert_eq!(
            a.t_sym().as_micros(),
            u128::from(a.t_sym_us()),
            "{id} t_sym as Duration"
        );

        // Where the vector follows the drivers' rule, Auto must pick the same LDRO.
        let auto = params_of(v, Ldro::Auto);
        let matches_auto = v["ldro_matches_auto_rule"].as_bool().unwrap();
        let sf = u(&v["sf"]);
        if sf >= 7 {
            assert_eq!(
                auto.ldro_enabled() == v["ldro"].as_bool().unwrap(),
                matches_auto,
                "{id} ldro auto rule"
            );
        }
        if matches_auto {
            let b = auto
                .time_on_air(usize::try_from(u(&v["payload_len"])).unwrap())
                .unwrap();
            assert_eq!(b, a, "{id} with Ldro::Auto");
        }
    }
}

#[test]
fn every_public_fsk_vector_is_exact() {
    let json = vectors();
    let cases = json["fsk_vectors"].as_array().unwrap();
    assert_eq!(cases.len(), 2, "the README promises 2 FSK vectors");
    for v in cases {
        let id = v["id"].as_str().unwrap();
        let e = &v["expected"];
        let p = FskParams::lorawan(u32::try_from(u(&v["bitrate_bps"])).unwrap())
            .with_preamble_bytes(u16::try_from(u(&v["preamble_bytes"])).unwrap())
            .with_sync_word_bytes(u8::try_from(u(&v["sync_word_bytes"])).unwrap())
            .with_length_byte(v["variable_length"].as_bool().unwrap())
            .with_crc(u(&v["crc_bytes"]) == 2);
        assert_eq!(
            p,
            FskParams::lorawan(LORAWAN_FSK_BITRATE_BPS),
            "{id}: LoRaWAN framing"
        );
        let a = p
            .time_on_air(usize::try_from(u(&v["payload_len"])).unwrap())
            .unwrap();
        assert_eq!(u64::from(a.bits()), u(&e["bits"]), "{id} bits");
        let toa_us = e["toa_us"].as_f64().unwrap();
        assert_eq!(
            a.toa_us_exact().map(|t| t as f64),
            Some(toa_us),
            "{id} toa_us"
        );
        assert_eq!(a.toa_ns() as f64, toa_us * 1000.0, "{id} toa_ns");
        assert_eq!(a.toa_us_ceil().div_ceil(1000), u(&e["toa_ms_ceil"]), "{id}");
    }
}

#[test]
fn lorawan_constants_match_the_vectors_framing() {
    // pub-001: an empty FRMPayload is a 13-byte PHYPayload.
    assert_eq!(PHY_PAYLOAD_OVERHEAD, 13);
    assert_eq!(DATA_FRAGMENT_OVERHEAD, 3);
    // A 239-byte fragment (EU868 DR5, N = 242) fills the 255-byte PHYPayload.
    assert_eq!(data_fragment_phy_len(239), 255);
    let dl = LoraParams::downlink(SpreadingFactor::SF7, Bandwidth::Khz125);
    let ul = LoraParams::uplink(SpreadingFactor::SF7, Bandwidth::Khz125);
    assert!(!dl.crc() && ul.crc());
    assert_eq!(dl.preamble(), LORAWAN_PREAMBLE_SYMBOLS);
    assert_eq!(dl.header(), HeaderMode::Explicit);
    assert_eq!(dl.coding_rate(), CodingRate::Cr4_5);
    assert_eq!(dl.ldro(), Ldro::Auto);
    // Uplink vs downlink of the same frame: up to 16 bits more, never less.
    for len in 0..=255 {
        let d = dl.time_on_air(len).unwrap().toa_us();
        let u = ul.time_on_air(len).unwrap().toa_us();
        assert!(u >= d && u - d <= 5 * 1024, "len {len}");
    }
}

#[test]
fn radio_settings_parse_like_an_operator_writes_them() {
    assert_eq!("SF7".parse(), Ok(SpreadingFactor::SF7));
    assert_eq!("12".parse(), Ok(SpreadingFactor::SF12));
    assert_eq!(
        "SF13".parse::<SpreadingFactor>(),
        Err(AirtimeError::SpreadingFactorOutOfRange(13))
    );
    assert_eq!(
        "SF".parse::<SpreadingFactor>(),
        Err(AirtimeError::Unparsable(Quantity::SpreadingFactor))
    );
    for (s, bw) in [
        ("125000", Bandwidth::Khz125),
        ("125k", Bandwidth::Khz125),
        ("250kHz", Bandwidth::Khz250),
        ("500 kHz", Bandwidth::Khz500),
        ("500000Hz", Bandwidth::Khz500),
    ] {
        assert_eq!(s.parse(), Ok(bw), "{s}");
    }
    assert_eq!(
        "62.5k".parse::<Bandwidth>(),
        Err(AirtimeError::Unparsable(Quantity::Bandwidth))
    );
    assert_eq!(
        "200k".parse::<Bandwidth>(),
        Err(AirtimeError::UnsupportedBandwidth(200_000))
    );
    assert_eq!(
        "9999999999k".parse::<Bandwidth>(),
        Err(AirtimeError::Unparsable(Quantity::Bandwidth))
    );
    assert_eq!("4/7".parse(), Ok(CodingRate::Cr4_7));
    assert!("4/9".parse::<CodingRate>().is_err());
    assert_eq!(
        CodingRate::from_index(0),
        Err(AirtimeError::CodingRateOutOfRange(0))
    );
    assert_eq!("OFF".parse(), Ok(Ldro::Off));
    assert!("maybe".parse::<Ldro>().is_err());
    assert_eq!(Bandwidth::Khz250.to_string(), "250 kHz");
}

// ---------------------------------------------------------------------------------------------
// The integer formula against an independent floating-point one.

/// AN1200.13 (SF7..SF12) and the SX126x SF5/SF6 variant, in seconds, written from the
/// datasheet formulas without sharing anything with the crate.
#[allow(clippy::too_many_arguments)]
fn float_toa_us(
    sf: u8,
    bw_hz: f64,
    cr: u8,
    preamble: u16,
    explicit: bool,
    crc: bool,
    ldro: Ldro,
    pl: usize,
) -> f64 {
    let sf_f = f64::from(sf);
    let t_sym = 2f64.powi(i32::from(sf)) / bw_hz;
    let ih = if explicit { 0.0 } else { 1.0 };
    let crc = if crc { 1.0 } else { 0.0 };
    let pl = pl as f64;
    let cr = f64::from(cr);
    let (overhead, n_payload, preamble) = if sf >= 7 {
        let de = match ldro {
            Ldro::On => 1.0,
            Ldro::Off => 0.0,
            Ldro::Auto => {
                if t_sym * 1e3 >= 16.384 - 1e-9 {
                    1.0
                } else {
                    0.0
                }
            }
        };
        let x = ((8.0 * pl - 4.0 * sf_f + 28.0 + 16.0 * crc - 20.0 * ih)
            / (4.0 * (sf_f - 2.0 * de)))
            .ceil();
        (4.25, 8.0 + x.max(0.0) * (cr + 4.0), f64::from(preamble))
    } else {
        let x = ((8.0 * pl + 16.0 * crc - 4.0 * sf_f + 20.0 * (1.0 - ih)).max(0.0) / (4.0 * sf_f))
            .ceil();
        (6.25, 8.0 + x * (cr + 4.0), f64::from(preamble.max(12)))
    };
    (preamble + overhead + n_payload) * t_sym * 1e6
}

fn ldro_mode() -> impl Strategy<Value = Ldro> {
    prop_oneof![Just(Ldro::Auto), Just(Ldro::On), Just(Ldro::Off)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn integer_airtime_matches_the_float_formula(
        sf in 5u8..=12,
        bw in prop_oneof![Just(125_000u32), Just(250_000), Just(500_000)],
        cr in 1u8..=4,
        preamble in prop_oneof![6u16..=20, any::<u16>()],
        explicit in any::<bool>(),
        crc in any::<bool>(),
        ldro in ldro_mode(),
        pl in 0usize..=255,
    ) {
        let p = LoraParams::downlink(SpreadingFactor::new(sf).unwrap(), Bandwidth::from_hz(bw).unwrap())
            .with_coding_rate(CodingRate::from_index(cr).unwrap())
            .with_preamble(preamble)
            .with_header(if explicit { HeaderMode::Explicit } else { HeaderMode::Implicit })
            .with_crc(crc)
            .with_ldro(ldro);
        let exact = p.time_on_air(pl).unwrap();
        let float = float_toa_us(sf, f64::from(bw), cr, preamble, explicit, crc, ldro, pl);
        prop_assert!(
            (exact.toa_us() as f64 - float).abs() < 1.0,
            "exact {} us, float {} us", exact.toa_us(), float
        );
        // The parts add up: total symbols x Tsym = ToA, exactly.
        prop_assert_eq!(
            u64::from(exact.n_total_symbols().quarters()) * u64::from(exact.t_sym_us()),
            4 * exact.toa_us()
        );
    }

    #[test]
    fn never_panics_on_any_length(pl in any::<usize>(), bitrate in any::<u32>()) {
        let p = LoraParams::uplink(SpreadingFactor::SF12, Bandwidth::Khz125);
        prop_assert_eq!(p.time_on_air(pl).is_ok(), pl <= 255);
        let f = FskParams::lorawan(bitrate).time_on_air(pl);
        prop_assert_eq!(f.is_ok(), pl <= 255 && bitrate > 0);
    }
}
