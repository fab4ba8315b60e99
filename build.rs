//! Link flags for the `ruff` executable. With LLVM linked statically, start-up time is
//! mostly page faults on relocated LLVM tables; a non-PIE executable linked by GNU ld
//! avoids most of them (measurements in llvm-config.md). Only the binaries get the
//! flags: tests, build scripts and proc macros keep the defaults.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-arg-bins=-fuse-ld=bfd");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
