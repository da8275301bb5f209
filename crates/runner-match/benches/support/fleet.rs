//! Realistic fleets for the benchmarks: a line-by-line port of the stand-in's seeded
//! generator (`standin/fleet.mjs`, `generateFleet(n, seed)`), so the native benchmarks,
//! the browser benchmarks and the stand-in all work on the very same runners.
//!
//! About 4% of the runners are untagged, about 5% disabled, the others carry 1–6 tags
//! drawn from the default fleet's vocabulary (GPU, model family, region, environment,
//! `managed`, `high-performance`).

use runner_match::{Runner, RunnerSource, RunnerStatus, RunnerType};

/// mulberry32, exactly as `standin/fleet.mjs` computes it with 32-bit JS integer math.
pub struct Mulberry32(u32);

impl Mulberry32 {
    pub fn new(seed: u32) -> Self {
        Self(seed)
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_f64() * n as f64).floor() as usize
    }
}

// [tag, label, weight, high-end]
const GPUS: [(&str, &str, f64, bool); 6] = [
    ("gpu-a100", "A100", 4.0, true),
    ("gpu-h100", "H100", 3.0, true),
    ("gpu-l40s", "L40S", 3.0, true),
    ("gpu-rtx4090", "RTX4090", 5.0, false),
    ("gpu-t4", "T4", 3.0, false),
    ("cpu", "CPU", 1.0, false),
];
const FAMILIES: [(&str, &str); 8] = [
    ("flux", "Flux"),
    ("sdxl", "SDXL"),
    ("sd15", "SD1.5"),
    ("video", "Video"),
    ("hunyuan", "Hunyuan"),
    ("wan", "Wan"),
    ("upscale", "Upscale"),
    ("controlnet", "ControlNet"),
];
const REGIONS: [(&str, &str); 4] = [
    ("eu-west", "EU"),
    ("us-east", "US-East"),
    ("us-west", "US-West"),
    ("ap-south", "AP-South"),
];
const ENVIRONMENTS: [&str; 3] = ["production", "staging", "development"];

/// `Date.UTC(2024, 0, 1)` and `Date.UTC(2026, 9, 31, 23, 59, 59)`.
const GENERATE_FROM: i64 = 1_704_067_200_000;
const GENERATE_TO: i64 = 1_793_491_199_000;

fn uuid_v4(rng: &mut Mulberry32) -> String {
    let mut b = [0u8; 16];
    for byte in &mut b {
        *byte = rng.below(256) as u8;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `2024-01-10T08:00:00Z` for a time in ms since the epoch (whole seconds).
fn iso_seconds(ms: i64) -> String {
    let whole = ms.div_euclid(1000) * 1000;
    runner_match::Timestamp::from_unix_millis(whole)
        .map(|t| t.as_str().replace(".000Z", "Z"))
        .unwrap_or_default()
}

/// `generateFleet(n, seed)` of `standin/fleet.mjs` (managed runners), in listing order.
pub fn generate_fleet(n: usize, seed: u32) -> Vec<Runner> {
    let mut rng = Mulberry32::new(seed);
    let _user_id = uuid_v4(&mut rng);
    let mut names: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut runners = Vec::with_capacity(n);
    let total_weight: f64 = GPUS.iter().map(|g| g.2).sum();
    for _ in 0..n {
        let mut x = rng.next_f64() * total_weight;
        let mut gpu = GPUS[GPUS.len() - 1];
        for candidate in GPUS {
            x -= candidate.2;
            if x < 0.0 {
                gpu = candidate;
                break;
            }
        }
        let (gpu_tag, gpu_label, _, high_end) = gpu;
        let (family, family_label) = FAMILIES[rng.below(FAMILIES.len())];
        let (region, region_label) = REGIONS[rng.below(REGIONS.len())];
        let environment = if rng.next_f64() < 0.7 {
            "production"
        } else {
            ENVIRONMENTS[rng.below(ENVIRONMENTS.len())]
        };
        let runner_type = if high_end {
            if rng.next_f64() < 0.85 {
                "pro"
            } else {
                "plus"
            }
        } else if rng.next_f64() < 0.8 {
            "plus"
        } else {
            "pro"
        };
        let mut candidates = vec!["managed", gpu_tag, family, region, environment];
        if high_end && rng.next_f64() < 0.6 {
            candidates.push("high-performance");
        } else {
            let others: Vec<&str> = FAMILIES
                .iter()
                .map(|f| f.0)
                .filter(|f| *f != family)
                .collect();
            candidates.push(others[rng.below(others.len())]);
        }
        let tags: Vec<String> = if rng.next_f64() < 0.04 {
            Vec::new()
        } else {
            let count = 1 + rng.below(6.min(candidates.len()));
            let gpu_at = candidates.iter().position(|c| *c == gpu_tag).unwrap();
            let mut keep = vec![gpu_at];
            while keep.len() < count {
                let at = rng.below(candidates.len());
                if !keep.contains(&at) {
                    keep.push(at);
                }
            }
            (0..candidates.len())
                .filter(|i| keep.contains(i))
                .map(|i| candidates[i].to_owned())
                .collect()
        };
        let prefix = format!(
            "{} {gpu_label} {family_label} {region_label}",
            if runner_type == "pro" { "Pro" } else { "Plus" }
        );
        let seq = names.entry(prefix.clone()).or_insert(0);
        *seq += 1;
        let name = format!("{prefix}-{seq}");
        let span = (GENERATE_TO - GENERATE_FROM) as f64;
        let created = GENERATE_FROM + (rng.next_f64() * span).floor() as i64;
        let updated_span = (200 * 86_400_000).min(GENERATE_TO - created) as f64;
        let updated = created + (rng.next_f64() * updated_span).floor() as i64;
        let id = uuid_v4(&mut rng);
        let status = if rng.next_f64() < 0.05 {
            RunnerStatus::Disabled
        } else {
            RunnerStatus::Active
        };
        runners.push(Runner {
            id,
            name,
            runner_type: Some(RunnerType::from(runner_type)),
            status,
            tags,
            created_at: iso_seconds(created).parse().expect("a valid timestamp"),
            updated_at: iso_seconds(updated).parse().expect("a valid timestamp"),
            source: RunnerSource::Managed,
        });
    }
    runners.sort_by(runner_match::compare_runners);
    runners
}
