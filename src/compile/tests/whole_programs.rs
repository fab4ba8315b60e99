//! Invariants over whole compiled programs, and the limits of instruction operands.

use super::*;

// ---- 9. whole-program invariants

const EXAMPLES: [(&str, &str); 4] = [
    ("accounts", include_str!("../../../examples/accounts.ruff")),
    ("hello", include_str!("../../../examples/hello.ruff")),
    ("shapes", include_str!("../../../examples/shapes.ruff")),
    ("words", include_str!("../../../examples/words.ruff")),
];

#[test]
fn every_instruction_has_a_location_inside_the_source() {
    for (example, src) in EXAMPLES {
        let program = compile_src(src);
        assert!(program.protos.len() > 1 || example == "hello");
        for p in &program.protos {
            assert_eq!(
                p.locations.len(),
                p.code.len(),
                "{example}: function {}",
                p.name
            );
            assert!(
                p.locations.iter().all(|&l| (l as usize) <= src.len()),
                "{example}: function {} has a location past the end",
                p.name
            );
            assert_eq!(p.feedback.len(), p.code.len(), "{example}: {}", p.name);
        }
    }
}

#[test]
fn jumps_and_handlers_stay_inside_their_function() {
    for (example, src) in EXAMPLES {
        let program = compile_src(src);
        for p in &program.protos {
            let len = p.code.len() as u32;
            for (pc, op) in p.code.iter().enumerate() {
                if let Some(t) = op.jump_target() {
                    assert!(t <= len, "{example}: {} pc {pc}: {op:?}", p.name);
                }
                if let Op::Closure { proto, .. } = *op {
                    assert!((proto as usize) < program.protos.len());
                }
            }
            for h in &p.handlers {
                assert!(h.start <= h.end && h.end <= len && h.target < len);
                assert!(h.reg < p.num_regs);
            }
            let last = p.code.last().map(op_name);
            assert!(
                matches!(
                    last.as_deref(),
                    Some("ReturnNull" | "Return" | "Raise" | "Jump" | "Loop")
                ),
                "{example}: {} can fall off its end ({last:?})",
                p.name
            );
        }
    }
}

#[test]
fn registers_named_by_instructions_fit_the_frame() {
    fn regs(op: &Op) -> Vec<Reg> {
        match *op {
            Op::Move { dst, src } => vec![dst, src],
            Op::LoadInt { dst, .. } | Op::LoadConst { dst, .. } | Op::LoadNull { dst } => {
                vec![dst]
            }
            Op::GetGlobal { dst, .. } => vec![dst],
            Op::SetGlobal { src, .. } => vec![src],
            Op::Add { dst, a, b } | Op::Sub { dst, a, b } | Op::Lt { dst, a, b } => {
                vec![dst, a, b]
            }
            Op::AddK { dst, a, .. } | Op::SubK { dst, a, .. } => vec![dst, a],
            Op::Call { base, argc } => (base..=base + argc).collect(),
            Op::CallMethod { base, argc, .. } => (base..=base + 1 + argc).collect(),
            Op::Return { src } => vec![src],
            _ => Vec::new(),
        }
    }
    for (example, src) in EXAMPLES {
        let program = compile_src(src);
        for p in &program.protos {
            for op in &p.code {
                for r in regs(op) {
                    assert!(r < p.num_regs, "{example}: {}: {op:?}", p.name);
                }
            }
        }
    }
}

#[test]
fn disassembly_lists_every_function_and_instruction() {
    let src = EXAMPLES[0].1;
    let program = compile_src(src);
    let lines = LineIndex::new(src);
    let text = disassemble(&program, &lines, None);
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("function "))
        .collect();
    assert_eq!(headers.len(), program.protos.len());
    for (p, header) in program.protos.iter().zip(&headers) {
        assert!(
            header.starts_with(&format!("function {} (arity {}", p.name, p.arity)),
            "{header}"
        );
    }
    let instructions: usize = program.protos.iter().map(|p| p.code.len()).sum();
    let listed = text
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains("  line "))
        .count();
    assert_eq!(listed, instructions);

    let only = disassemble(&program, &lines, Some("make_account"));
    assert_eq!(
        only.lines().filter(|l| l.starts_with("function ")).count(),
        1
    );
    assert!(only.starts_with("function make_account (arity 2"));
}

#[test]
fn compiled_examples_pass_the_bytecode_verifier() {
    for (example, src) in EXAMPLES {
        let program = compile_src(src);
        if let Err(e) = crate::bytecode::verify(&program) {
            panic!("{example}: {e:?}");
        }
    }
}

// ---- operand limits

#[test]
fn long_array_literals_compile_and_oversized_calls_are_errors() {
    let items: Vec<String> = (0..70_000).map(|i| i.to_string()).collect();
    let long = format!("a := [{}]\nprint(len(a))\n", items.join(","));
    let program = compile_src(&long);
    crate::bytecode::verify(&program).expect("a long literal compiles to valid bytecode");

    let args = vec!["1"; 70_000].join(",");
    let call = format!("print({args})\n");
    let ast = crate::syntax::parse(&call).expect("parses");
    let error = crate::compile::compile(&ast)
        .err()
        .expect("too many arguments for one call");
    assert!(
        error.message.starts_with("Function too large"),
        "{}",
        error.message
    );
}
