//! TS004 golden vectors (../shared/vectors/ts004/public.json), byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{load_json, sha256_hex, ts004_case_data, ts004_version};
use lorafota::core::frag::{Encoder, fill_row};
use serde_json::Value;

fn vectors() -> Value {
    load_json("ts004/public.json")
}

#[test]
fn encode_cases_match_byte_for_byte() {
    let v = vectors();
    let cases = v["encode_cases"].as_array().unwrap();
    assert!(cases.len() >= 17);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let data = ts004_case_data(case);
        let s = case["fragment_size"].as_u64().unwrap() as usize;
        let r = case["redundancy"].as_u64().unwrap() as usize;
        let enc = Encoder::new(data, s, ts004_version(case)).unwrap();
        assert_eq!(
            u64::from(enc.params().nb_frag()),
            case["nb_frag"].as_u64().unwrap(),
            "{name}"
        );
        assert_eq!(
            u64::from(enc.params().padding()),
            case["padding"].as_u64().unwrap(),
            "{name}"
        );
        let block = enc.encode(r).unwrap();
        let all: Vec<u8> = block.fragments().flat_map(|f| f.payload.to_vec()).collect();
        assert_eq!(
            sha256_hex(&all),
            case["all_fragments_sha256"].as_str().unwrap(),
            "{name}: all fragments"
        );
        assert_eq!(
            sha256_hex(block.coded_payloads()),
            case["coded_fragments_sha256"].as_str().unwrap(),
            "{name}: coded fragments"
        );
        if let Some(frags) = case["fragments"].as_array() {
            assert_eq!(frags.len(), block.len(), "{name}");
            for f in frags {
                let c = f["counter"].as_u64().unwrap() as u16;
                let got = block.fragment(c).unwrap();
                assert_eq!(
                    hex::encode(&got.payload),
                    f["payload_hex"].as_str().unwrap(),
                    "{name} counter {c}"
                );
            }
        }
        if let Some(prefixes) = case["fragment_sha256_prefix"].as_array() {
            for (i, p) in prefixes.iter().enumerate() {
                let got = block.fragment(i as u16 + 1).unwrap();
                assert_eq!(
                    &sha256_hex(&got.payload)[..8],
                    p.as_str().unwrap(),
                    "{name} counter {}",
                    i + 1
                );
            }
        }
        for f in case["fragments_sample"].as_array().into_iter().flatten() {
            let c = f["counter"].as_u64().unwrap() as u16;
            assert_eq!(
                hex::encode(block.fragment(c).unwrap().payload),
                f["payload_hex"].as_str().unwrap(),
                "{name} {c}"
            );
        }
        // The lazy path gives the same bytes as the batch kernel.
        if r <= 200 {
            let lazy: Vec<u8> = enc
                .fragments(r)
                .unwrap()
                .flat_map(|f| f.payload.to_vec())
                .collect();
            assert_eq!(lazy, all, "{name}: lazy vs batch");
        }
    }
}

#[test]
fn parity_rows_match() {
    let v = vectors();
    let rows = v["parity_rows"].as_array().unwrap();
    assert!(rows.len() >= 21);
    let mut buf = vec![0u64; 256];
    for row in rows {
        let m = row["nb_frag"].as_u64().unwrap() as u16;
        let k = row["coded_index"].as_u64().unwrap() as u16;
        let weight = fill_row(ts004_version(row), m, k, &mut buf);
        let ones: Vec<u64> = (0..u64::from(m))
            .filter(|&i| buf[(i / 64) as usize] >> (i % 64) & 1 == 1)
            .collect();
        let want: Vec<u64> = row["ones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(ones, want, "M={m} k={k}");
        assert_eq!(u64::from(weight), row["weight"].as_u64().unwrap());
    }
}

#[test]
fn decode_cases_complete_on_the_reference_counter() {
    use lorafota::core::frag::{Decoder, Progress};
    let v = vectors();
    let encode_cases = v["encode_cases"].as_array().unwrap();
    let cases = v["decode_cases"].as_array().unwrap();
    assert!(cases.len() >= 18);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let enc_case = encode_cases
            .iter()
            .find(|c| c["name"] == case["encode_case"])
            .unwrap();
        let data = ts004_case_data(enc_case);
        let version = ts004_version(case);
        let r = case["redundancy"].as_u64().unwrap() as usize;
        let block = Encoder::new(
            data.clone(),
            case["fragment_size"].as_u64().unwrap() as usize,
            version,
        )
        .unwrap()
        .encode(r)
        .unwrap();
        let lost: Vec<u16> = case["lost_counters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap() as u16)
            .collect();
        let mut dec = Decoder::new_in_memory(block.params(), version, None);
        let mut completed_at = None;
        let mut delivered = 0u64;
        for f in block.fragments().filter(|f| !lost.contains(&f.counter)) {
            delivered += 1;
            match dec.push(f.counter, &f.payload).unwrap() {
                Progress::Completed => {
                    completed_at = Some(f.counter);
                    break;
                }
                Progress::Ongoing => {}
                other => panic!("{name}: unexpected {other:?}"),
            }
        }
        let exp = &case["expected"];
        assert_eq!(
            completed_at.map(u64::from),
            exp["completed_at_counter"].as_u64(),
            "{name}"
        );
        assert_eq!(
            completed_at.is_some(),
            exp["completed"].as_bool().unwrap(),
            "{name}"
        );
        assert_eq!(delivered, exp["received_count"].as_u64().unwrap(), "{name}");
        assert_eq!(
            u64::from(dec.status().lost),
            exp["lost_uncoded"].as_u64().unwrap(),
            "{name}"
        );
        if completed_at.is_some() {
            assert_eq!(dec.data(), Some(&data[..]), "{name}: data");
        } else {
            assert_eq!(dec.data(), None, "{name}");
        }
    }
}
