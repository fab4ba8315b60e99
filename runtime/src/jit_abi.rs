//! Value-level helpers that compiled code calls, and the layout facts it relies on.
//!
//! Operands travel as the two words of a `Value` (tag word, payload word), so compiled
//! code can keep registers in machine registers and pass them without a memory round
//! trip. None of these helpers runs Ruff code or touches the VM: compiled code calls them
//! without writing its registers back first. They never unwind (a panic aborts).

use std::mem::ManuallyDrop;

use crate::value::tag;
use crate::{equality, Value};

/// Bit `t` is set for each tag `t` whose payload is a reference-counted (`Rc`) pointer.
pub const HEAP_TAGS: u64 = (1 << tag::STR)
    | (1 << tag::ARRAY)
    | (1 << tag::DICT)
    | (1 << tag::STRUCT)
    | (1 << tag::FUNC)
    | (1 << tag::OK)
    | (1 << tag::ERR)
    | (1 << tag::SOME)
    | (1 << tag::ENUM)
    | (1 << tag::SET)
    | (1 << tag::QUEUE)
    | (1 << tag::STACK)
    | (1 << tag::CELL);

/// Byte offset of the object inside the allocation a heap payload points to (`Rc`'s
/// allocation is `repr(C)`: strong count, weak count, value).
pub const RC_VALUE_OFFSET: usize = 2 * std::mem::size_of::<usize>();

/// The two words of a value, as compiled code holds them.
#[repr(C)]
struct Words {
    tag: u64,
    payload: u64,
}

/// Reads the value the words `tag`, `payload` encode, without taking ownership.
///
/// # Safety
/// The words must encode a live value: a valid tag byte in the low byte of `tag`
/// and, for heap tags, a pointer the value owns a reference through.
pub unsafe fn view(tag: u64, payload: u64) -> ManuallyDrop<Value> {
    const _: () = assert!(std::mem::size_of::<Words>() == std::mem::size_of::<Value>());
    // SAFETY: `Value` is `repr(C, u8)`: its tag byte is the first byte (little-endian
    // low byte of the tag word) and the payload is the second word; the caller vouches
    // that the words form a live value. `ManuallyDrop` keeps ownership with the caller.
    unsafe { ManuallyDrop::new(std::mem::transmute::<Words, Value>(Words { tag, payload })) }
}

/// Drops the value the words hold (the last use of a register's old contents).
///
/// # Safety
/// As for [`view`]; the caller gives up its reference.
#[no_mangle]
pub unsafe extern "C" fn jit_value_drop(tag: u64, payload: u64) {
    // SAFETY: the caller owns the value and hands it over (see the contract).
    drop(ManuallyDrop::into_inner(unsafe { view(tag, payload) }));
}

/// Takes one more reference to the value the words hold (a register copy).
///
/// # Safety
/// As for [`view`].
#[no_mangle]
pub unsafe extern "C" fn jit_value_clone(tag: u64, payload: u64) {
    // SAFETY: the words form a live value (see the contract); the clone's reference
    // now belongs to the copy the caller is making.
    let value = unsafe { view(tag, payload) };
    std::mem::forget((*value).clone());
}

/// `a == b` by the language's equality.
///
/// # Safety
/// As for [`view`], for both values.
#[no_mangle]
pub unsafe extern "C" fn jit_values_equal(at: u64, ap: u64, bt: u64, bp: u64) -> bool {
    // SAFETY: both word pairs form live values (see the contract).
    let (a, b) = unsafe { (view(at, ap), view(bt, bp)) };
    equality::equal(&a, &b)
}

/// The truthiness of a value.
///
/// # Safety
/// As for [`view`].
#[no_mangle]
pub unsafe extern "C" fn jit_value_truthy(tag: u64, payload: u64) -> bool {
    // SAFETY: the words form a live value (see the contract).
    equality::truthy(&*unsafe { view(tag, payload) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn words(value: &Value) -> (u64, u64) {
        // SAFETY: reading the two words of a live value.
        let raw = unsafe { &*(value as *const Value as *const [u64; 2]) };
        (raw[0] & 0xff, raw[1])
    }

    #[test]
    fn heap_tags_are_exactly_the_reference_counted_variants() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Int(3),
            Value::Float(1.5),
            Value::string("s".into()),
            Value::array(vec![]),
            Value::None,
            Value::Some(Rc::new(Value::Int(1))),
            Value::Native(2),
            Value::Undef,
        ];
        for value in &values {
            let heap = HEAP_TAGS & (1 << value.tag()) != 0;
            let (_, payload) = words(value);
            let counted = heap && {
                // SAFETY: for heap values the payload points at the Rc allocation, whose
                // first word is the strong count.
                unsafe { *(payload as usize as *const usize) == 1 }
            };
            assert_eq!(heap, counted, "tag {}", value.tag());
        }
    }

    #[test]
    fn clone_and_drop_move_the_strong_count() {
        let value = Value::array(vec![Value::Int(1)]);
        let Value::Array(rc) = &value else {
            unreachable!()
        };
        let (t, p) = words(&value);
        unsafe { jit_value_clone(t, p) };
        assert_eq!(Rc::strong_count(rc), 2);
        // The payload points at the allocation; its strong count is the first word.
        assert_eq!(unsafe { *(p as *const usize) }, 2);
        unsafe { jit_value_drop(t, p) };
        assert_eq!(Rc::strong_count(rc), 1);
    }

    #[test]
    fn value_offset_reaches_the_object() {
        let value = Value::array(vec![Value::Int(7)]);
        let Value::Array(rc) = &value else {
            unreachable!()
        };
        let (_, p) = words(&value);
        assert_eq!(p as usize + RC_VALUE_OFFSET, Rc::as_ptr(rc) as usize);
    }

    #[test]
    fn equality_and_truthiness_follow_the_runtime() {
        let (a, b) = (Value::Int(2), Value::Float(2.0));
        let ((at, ap), (bt, bp)) = (words(&a), words(&b));
        assert_eq!(
            unsafe { jit_values_equal(at, ap, bt, bp) },
            equality::equal(&a, &b)
        );
        let s = Value::string(String::new());
        let (st, sp) = words(&s);
        assert_eq!(unsafe { jit_value_truthy(st, sp) }, equality::truthy(&s));
    }
}
