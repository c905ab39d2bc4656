//! The cost of the generated crate: its lines of code, and the time of `cargo build -p
//! openai-usage` when its dependencies are already built. Reported, not gated.
//!
//! `cargo bench -p tests --bench build_cost` (`-- --test` counts lines only)

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

fn lines(dir: &Path) -> (usize, usize) {
    let (mut generated, mut runtime) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let n = std::fs::read_to_string(&path).unwrap().lines().count();
                if path.components().any(|c| c.as_os_str() == "runtime") {
                    runtime += n;
                } else {
                    generated += n;
                }
            }
        }
    }
    (generated, runtime)
}

fn build(root: &Path, target: &Path) -> f64 {
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "-p", "openai-usage"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .unwrap();
    assert!(status.success());
    started.elapsed().as_secs_f64()
}

fn main() {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let (generated, runtime) = lines(&root.join("generated/src"));
    println!(
        "generated crate: {generated} lines generated from the spec, {runtime} lines of runtime"
    );
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    let target = root.join("target/build-cost");
    let warm = build(&root, &target);
    // Touch the crate (not its dependencies) and build again.
    let lib = root.join("generated/src/lib.rs");
    std::fs::File::options()
        .append(true)
        .open(&lib)
        .unwrap()
        .set_modified(SystemTime::now())
        .unwrap();
    let again = build(&root, &target);
    println!("cargo build -p openai-usage (debug): {again:.1} s with dependencies built ({warm:.1} s from scratch)");
}
