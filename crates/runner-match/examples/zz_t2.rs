#[path = "../benches/support/fleet.rs"]
mod fleet;
use runner_match::*;
fn main() {
    let runners = fleet::generate_fleet(100_000, 42);
    let req1: Requirements = "gpu-a100".parse().unwrap();
    let expr: Requirements = "gpu-* & (flux | sdxl) & !development".parse().unwrap();
    let index = RunnerIndex::new(runners);
    for _ in 0..20 {
        index.rank(&req1);
        index.rank(&expr);
    }
    std::env::set_var("ZZ", "1");
    for _ in 0..3 {
        index.rank(&req1);
    }
    for _ in 0..3 {
        index.rank(&expr);
    }
}
