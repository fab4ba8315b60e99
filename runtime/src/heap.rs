//! The heap limit: every Rust allocation of the process is counted, so a program that
//! grows strings, arrays or dicts without bound gets a catchable `Out of memory` error
//! under a configurable limit instead of the allocator aborting the process (or the
//! kernel killing it).
//!
//! Checks happen where growth is decided: before building a result whose size an argument
//! chooses ([`reserve`]), after every builtin call, and at loop back-edges and each step
//! compiled code hands to the interpreter ([`check`]). Between two checks a program can
//! only allocate what one operation builds, which [`reserve`] bounds for the operations
//! that multiply sizes.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{raise, RtResult};

/// The heap limit when none is configured: 4 GiB.
pub const DEFAULT_LIMIT: usize = 4 << 30;

/// Live bytes allocated through [`Counting`].
static USED: AtomicUsize = AtomicUsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_LIMIT);

/// The system allocator, counting live bytes.
pub struct Counting;

// SAFETY: every call is forwarded unchanged to the system allocator; the counter is only
// bookkeeping and never affects what is returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        USED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        USED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        USED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes
        // through this type).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            USED.fetch_add(new_size - layout.size(), Ordering::Relaxed);
        } else {
            USED.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as for `dealloc`, and `new_size` is the caller's valid request.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Sets the limit, in bytes, that [`check`] and [`reserve`] enforce (process-wide).
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// The limit in effect.
pub fn limit() -> usize {
    LIMIT.load(Ordering::Relaxed)
}

/// Live bytes allocated by the process's Rust code (values, VM stacks, compiler data).
pub fn used() -> usize {
    USED.load(Ordering::Relaxed)
}

/// Addresses of the live-byte counter and the limit (both `usize`), which compiled loops
/// read to check the limit without a call.
pub fn counter_addresses() -> (usize, usize) {
    (USED.as_ptr() as usize, LIMIT.as_ptr() as usize)
}

/// Fails once the heap has passed its limit.
#[inline]
pub fn check() -> RtResult<()> {
    if used() > limit() {
        return out_of_memory();
    }
    Ok(())
}

/// Fails unless `bytes` more (None: more than a `usize` can count) fit under the limit.
pub fn reserve(bytes: Option<usize>) -> RtResult<()> {
    match bytes.and_then(|b| b.checked_add(used())) {
        Some(total) if total <= limit() => Ok(()),
        _ => out_of_memory(),
    }
}

#[cold]
fn out_of_memory<T>() -> RtResult<T> {
    raise(format!(
        "Out of memory: heap limit of {} exceeded",
        describe(limit())
    ))
}

/// `bytes` as the largest whole unit: `4 GiB`, `512 MiB`, `64 KiB` or `1000 bytes`.
pub fn describe(bytes: usize) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}

/// Parses a size as `--max-heap` takes it: a whole number of bytes with an optional unit
/// `K`, `M`, `G` (powers of 1024; `KiB`, `MB`… also accepted, all binary).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        _ => return Err(format!("unknown size unit '{unit}' (use K, M or G)")),
    };
    let value: usize = number
        .parse()
        .map_err(|_| "expected a size such as 512M or 2G".to_string())?;
    match value.checked_mul(1 << shift) {
        Some(bytes) if bytes > 0 => Ok(bytes),
        Some(_) => Err("the heap limit must be above zero".into()),
        None => Err("size too large".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("64kib"), Ok(64 << 10));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("99999999999T").is_err());
    }

    #[test]
    fn sizes_print_in_their_largest_whole_unit() {
        assert_eq!(describe(4 << 30), "4 GiB");
        assert_eq!(describe(1536 << 20), "1536 MiB");
        assert_eq!(describe(1000), "1000 bytes");
    }

    #[test]
    fn the_counter_sees_allocations_and_reserve_refuses_past_the_limit() {
        let before = used();
        // Other tests run in parallel: a large block stands out from their traffic.
        let block = vec![1u8; 64 << 20];
        assert!(used() >= before + (32 << 20));
        drop(block);
        assert!(reserve(None).is_err());
        assert!(reserve(Some(usize::MAX - 1)).is_err());
        assert!(reserve(Some(16)).is_ok());
    }
}
