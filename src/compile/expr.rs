//! Expressions, and conditions compiled straight into jumps.

use std::rc::Rc;

use super::scan::may_write_back;
use super::Compiler;
use crate::bytecode::{EnumVariant, Op, Reg, StructShape, Wrapper, NO_REG};
use crate::syntax::ast::*;

/// Array literals up to this many elements are built from consecutive registers.
const LITERAL_WINDOW: usize = 64;

/// An operand that is a number literal, usable as a constant operand.
fn literal_number(expr: &Expr) -> Option<ruff_runtime::Value> {
    match expr.kind {
        ExprKind::Int(i) => Some(ruff_runtime::Value::Int(i)),
        ExprKind::Float(x) => Some(ruff_runtime::Value::Float(x)),
        _ => None,
    }
}

impl Compiler {
    /// Evaluates `expr` into some register: a local's own register when reading it is
    /// enough, else a new temporary.
    pub(super) fn expr_any(&mut self, expr: &Expr) -> Reg {
        match &expr.kind {
            ExprKind::Name(id) => {
                self.func().location = id.span.start;
                self.read_name(&id.name, None)
            }
            ExprKind::SelfRef => {
                self.func().location = expr.span.start;
                self.read_name(&Rc::from("self"), None)
            }
            _ => {
                let r = self.func().alloc();
                self.expr_to(expr, r);
                r
            }
        }
    }

    /// Evaluates the left operand of a binary operation; forced into a temporary when the
    /// right operand could write back into the variable it reads.
    fn lhs_operand(&mut self, lhs: &Expr, rhs: &Expr) -> Reg {
        if may_write_back(rhs) {
            let r = self.func().alloc();
            self.expr_to(lhs, r);
            r
        } else {
            self.expr_any(lhs)
        }
    }

    /// Evaluates `expr` into register `dst`.
    pub(super) fn expr_to(&mut self, expr: &Expr, dst: Reg) {
        self.func().location = expr.span.start;
        match &expr.kind {
            ExprKind::Int(i) => self.load_int(*i, dst),
            ExprKind::Float(x) => {
                let k = self.func().const_float(*x);
                self.func().emit(Op::LoadConst { dst, k });
            }
            ExprKind::Str(parts) => self.string(parts, dst),
            ExprKind::Bool(b) => {
                self.func().emit(Op::LoadBool { dst, value: *b });
            }
            ExprKind::Null => {
                self.func().emit(Op::LoadNull { dst });
            }
            ExprKind::NoneLit => {
                self.func().emit(Op::LoadNone { dst });
            }
            ExprKind::Name(id) => {
                self.func().location = id.span.start;
                self.read_name(&id.name, Some(dst));
            }
            ExprKind::SelfRef => {
                self.read_name(&Rc::from("self"), Some(dst));
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(*op, *op_span, lhs, rhs, dst),
            ExprKind::Unary {
                op,
                op_span,
                operand,
            } => self.unary(*op, *op_span, operand, dst),
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let is_and = matches!(expr.kind, ExprKind::And(..));
                self.expr_to(a, dst);
                self.func().emit(Op::Truthy { dst, src: dst });
                let skip = if is_and {
                    self.func().emit(Op::JumpIfFalsy {
                        src: dst,
                        target: 0,
                    })
                } else {
                    self.func().emit(Op::JumpIfTruthy {
                        src: dst,
                        target: 0,
                    })
                };
                self.expr_to(b, dst);
                self.func().emit(Op::Truthy { dst, src: dst });
                self.func().patch_here(skip);
            }
            ExprKind::Coalesce(a, b) => {
                self.expr_to(a, dst);
                let skip = self.func().emit(Op::JumpIfNotNull {
                    src: dst,
                    target: 0,
                });
                self.expr_to(b, dst);
                self.func().patch_here(skip);
            }
            ExprKind::Pipe(value, callee) => self.pipe(value, callee, dst),
            ExprKind::Call { callee, args } => self.call(callee, None, args, dst),
            ExprKind::MethodCall {
                receiver,
                name,
                args,
            } => self.method_call(receiver, name, None, args, dst),
            ExprKind::Field { object, name } => {
                let obj = self.expr_any(object);
                let k = self.func().const_str(&name.name);
                self.func().location = name.span.start;
                self.func().emit(Op::GetField { dst, obj, name: k });
            }
            ExprKind::OptField { object, name } => {
                self.expr_to(object, dst);
                let skip = self.func().emit(Op::JumpIfNull {
                    src: dst,
                    target: 0,
                });
                let k = self.func().const_str(&name.name);
                self.func().location = name.span.start;
                self.func().emit(Op::GetField {
                    dst,
                    obj: dst,
                    name: k,
                });
                self.func().patch_here(skip);
            }
            ExprKind::Try { operand, q_span } => {
                let src = self.expr_any(operand);
                self.func().location = q_span.start;
                self.func().emit(Op::TryUnwrap { dst, src });
            }
            ExprKind::Index {
                object,
                index,
                bracket,
            } => {
                let obj = self.lhs_operand(object, index);
                let idx = self.expr_any(index);
                self.func().location = bracket.start;
                self.func().emit(Op::GetIndex {
                    dst,
                    obj,
                    index: idx,
                });
            }
            ExprKind::Array(items) => self.array(items, dst),
            ExprKind::Dict(entries) => self.dict(entries, dst),
            ExprKind::StructLit { name, fields } => {
                let count = self.func().count(fields.len());
                if self.func_ref().overflow {
                    return;
                }
                let base = self.func().alloc_n(count);
                for (i, (_, value)) in fields.iter().enumerate() {
                    self.expr_to(value, base + i as u16);
                }
                let f = self.func();
                f.shapes.push(StructShape {
                    name: name.name.clone(),
                    fields: fields.iter().map(|(n, _)| n.name.clone()).collect(),
                });
                let shape = (f.shapes.len() - 1) as u32;
                f.emit(Op::NewStruct { dst, shape, base });
            }
            ExprKind::Func(f) => {
                let name: Rc<str> = match &f.name {
                    Some(n) => n.name.clone(),
                    None => "<lambda>".into(),
                };
                self.closure(f, name, false, dst);
            }
            ExprKind::Wrap { kind, value } => {
                let src = self.expr_any(value);
                let kind = match kind {
                    WrapKind::Ok => Wrapper::Ok,
                    WrapKind::Err => Wrapper::Err,
                    WrapKind::Some => Wrapper::Some,
                };
                self.func().emit(Op::Wrap { dst, src, kind });
            }
            ExprKind::EnumVariant {
                enum_name,
                variant,
                payload,
            } => self.enum_variant(enum_name, variant, payload.as_deref(), dst),
            ExprKind::Throw(value) => {
                let src = self.expr_any(value);
                self.func().location = expr.span.start;
                self.func().emit(Op::Throw { src });
            }
            ExprKind::Unsupported { feature } => {
                self.raise_const(&format!("Not supported yet: {feature}"));
            }
        }
    }

    fn load_int(&mut self, value: i64, dst: Reg) {
        match i32::try_from(value) {
            Ok(v) => {
                self.func().emit(Op::LoadInt { dst, value: v });
            }
            Err(_) => {
                let k = self.func().const_int(value);
                self.func().emit(Op::LoadConst { dst, k });
            }
        }
    }

    fn string(&mut self, parts: &[StrPart], dst: Reg) {
        if let [StrPart::Lit(text)] = parts {
            let k = self.func().const_str(text);
            self.func().emit(Op::LoadConst { dst, k });
            return;
        }
        if parts.is_empty() {
            let k = self.func().const_str(&Rc::from(""));
            self.func().emit(Op::LoadConst { dst, k });
            return;
        }
        let count = self.func().count(parts.len());
        if self.func_ref().overflow {
            return;
        }
        let base = self.func().alloc_n(count);
        for (i, part) in parts.iter().enumerate() {
            let r = base + i as u16;
            match part {
                StrPart::Lit(text) => {
                    let k = self.func().const_str(text);
                    self.func().emit(Op::LoadConst { dst: r, k });
                }
                StrPart::Interp(e) => self.expr_to(e, r),
            }
        }
        self.func().emit(Op::Concat {
            dst,
            base,
            n: count,
        });
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        op_span: crate::syntax::span::Span,
        lhs: &Expr,
        rhs: &Expr,
        dst: Reg,
    ) {
        let a = self.lhs_operand(lhs, rhs);
        let constant = matches!(
            op,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod
        )
        .then(|| literal_number(rhs))
        .flatten();
        if let Some(value) = constant {
            let k = match value {
                ruff_runtime::Value::Int(i) => self.func().const_int(i),
                ruff_runtime::Value::Float(x) => self.func().const_float(x),
                _ => unreachable!("literal numbers are ints or floats"),
            };
            self.func().location = op_span.start;
            let op = match op {
                BinaryOp::Add => Op::AddK { dst, a, k },
                BinaryOp::Sub => Op::SubK { dst, a, k },
                BinaryOp::Mul => Op::MulK { dst, a, k },
                BinaryOp::Div => Op::DivK { dst, a, k },
                _ => Op::ModK { dst, a, k },
            };
            self.func().emit(op);
            return;
        }
        let b = self.expr_any(rhs);
        self.func().location = op_span.start;
        let op = match op {
            BinaryOp::Add => Op::Add { dst, a, b },
            BinaryOp::Sub => Op::Sub { dst, a, b },
            BinaryOp::Mul => Op::Mul { dst, a, b },
            BinaryOp::Div => Op::Div { dst, a, b },
            BinaryOp::Mod => Op::Mod { dst, a, b },
            BinaryOp::Eq => Op::Eq { dst, a, b },
            BinaryOp::Ne => Op::Ne { dst, a, b },
            BinaryOp::Lt => Op::Lt { dst, a, b },
            BinaryOp::Le => Op::Le { dst, a, b },
            BinaryOp::Gt => Op::Gt { dst, a, b },
            BinaryOp::Ge => Op::Ge { dst, a, b },
        };
        self.func().emit(op);
    }

    fn unary(&mut self, op: UnaryOp, op_span: crate::syntax::span::Span, operand: &Expr, dst: Reg) {
        if let (UnaryOp::Neg, ExprKind::Int(i)) = (op, &operand.kind) {
            return self.load_int(-*i, dst);
        }
        if let (UnaryOp::Neg, ExprKind::Float(x)) = (op, &operand.kind) {
            let k = self.func().const_float(-*x);
            self.func().emit(Op::LoadConst { dst, k });
            return;
        }
        let src = self.expr_any(operand);
        self.func().location = op_span.start;
        match op {
            UnaryOp::Neg => self.func().emit(Op::Neg { dst, src }),
            UnaryOp::Not => self.func().emit(Op::Not { dst, src }),
        };
    }

    fn array(&mut self, items: &[ArrayItem], dst: Reg) {
        let has_spread = items.iter().any(|i| matches!(i, ArrayItem::Spread(_)));
        // Long literals are built element by element rather than in a register window.
        if !has_spread && items.len() <= LITERAL_WINDOW {
            let n = self.func().count(items.len());
            let base = self.func().alloc_n(n);
            for (i, item) in items.iter().enumerate() {
                if let ArrayItem::Item(e) = item {
                    self.expr_to(e, base + i as u16);
                }
            }
            self.func().emit(Op::NewArray { dst, base, n });
            return;
        }
        let arr = self.func().alloc();
        self.func().emit(Op::NewArray {
            dst: arr,
            base: arr,
            n: 0,
        });
        for item in items {
            let (ArrayItem::Item(e) | ArrayItem::Spread(e)) = item;
            let mark = self.func_ref().next_reg;
            let src = self.expr_any(e);
            self.func().location = e.span.start;
            match item {
                ArrayItem::Item(_) => self.func().emit(Op::ArrayPush { arr, src }),
                ArrayItem::Spread(_) => self.func().emit(Op::ArraySpread { arr, src }),
            };
            self.func().next_reg = mark;
        }
        self.func().emit(Op::Move { dst, src: arr });
    }

    fn dict(&mut self, entries: &[DictEntry], dst: Reg) {
        let dict = self.func().alloc();
        self.func().emit(Op::NewDict { dst: dict });
        for entry in entries {
            let mark = self.func_ref().next_reg;
            match entry {
                DictEntry::Pair(k, v) => {
                    let key = self.expr_any(k);
                    let val = self.expr_any(v);
                    self.func().location = k.span.start;
                    self.func().emit(Op::DictInsert { dict, key, val });
                }
                DictEntry::Spread(e) => {
                    let src = self.expr_any(e);
                    self.func().location = e.span.start;
                    self.func().emit(Op::DictSpread { dict, src });
                }
            }
            self.func().next_reg = mark;
        }
        self.func().emit(Op::Move { dst, src: dict });
    }

    fn enum_variant(
        &mut self,
        enum_name: &Ident,
        variant: &Ident,
        payload: Option<&Expr>,
        dst: Reg,
    ) {
        let wrapper = match (&*enum_name.name, &*variant.name) {
            ("Result", "Ok") => Some(Wrapper::Ok),
            ("Result", "Err") => Some(Wrapper::Err),
            ("Option", "Some") => Some(Wrapper::Some),
            ("Option", "None") => {
                self.func().emit(Op::LoadNone { dst });
                return;
            }
            _ => None,
        };
        let payload_reg = match payload {
            Some(p) => self.expr_any(p),
            None => NO_REG,
        };
        if let Some(kind) = wrapper {
            let src = if payload_reg == NO_REG {
                let r = self.func().alloc();
                self.func().emit(Op::LoadNull { dst: r });
                r
            } else {
                payload_reg
            };
            self.func().emit(Op::Wrap { dst, src, kind });
            return;
        }
        let f = self.func();
        f.variants.push(EnumVariant {
            enum_name: enum_name.name.clone(),
            variant: variant.name.clone(),
        });
        let variant = (f.variants.len() - 1) as u32;
        f.emit(Op::NewEnum {
            dst,
            variant,
            payload: payload_reg,
        });
    }

    /// `value |> callee`: a call with `value` as the first argument.
    fn pipe(&mut self, value: &Expr, callee: &Expr, dst: Reg) {
        match &callee.kind {
            ExprKind::Call { callee, args } => self.call(callee, Some(value), args, dst),
            ExprKind::MethodCall {
                receiver,
                name,
                args,
            } => self.method_call(receiver, name, Some(value), args, dst),
            _ => self.call(callee, Some(value), &[], dst),
        }
    }

    /// `callee(first?, args…)` into `dst`. A piped `first` is evaluated first, as written.
    fn call(&mut self, callee: &Expr, first: Option<&Expr>, args: &[Expr], dst: Reg) {
        let argc = args.len() + usize::from(first.is_some());
        let argc = self.func().count(argc);
        if self.func_ref().overflow {
            return;
        }
        let base = self.func().call_window(dst, 1 + argc);
        let mut next = base + 1;
        if let Some(f) = first {
            self.expr_to(f, next);
            next += 1;
        }
        self.expr_to(callee, base);
        for arg in args {
            self.expr_to(arg, next);
            next += 1;
        }
        self.func().location = callee.span.start;
        self.func().emit(Op::Call { base, argc });
        if dst != base {
            self.func().emit(Op::Move { dst, src: base });
        }
    }

    /// Compiles `cond` so that control falls through when it is truthy; returns the jumps
    /// taken when it is falsy.
    pub(super) fn cond_jump_false(&mut self, cond: &Expr) -> Vec<usize> {
        match &cond.kind {
            ExprKind::Bool(true) => Vec::new(),
            ExprKind::And(a, b) => {
                let mut jumps = self.cond_jump_false(a);
                jumps.extend(self.cond_jump_false(b));
                jumps
            }
            ExprKind::Or(a, b) => {
                let r = self.expr_any(a);
                let to_body = self.func().emit(Op::JumpIfTruthy { src: r, target: 0 });
                let jumps = self.cond_jump_false(b);
                self.func().patch_here(to_body);
                jumps
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } if !matches!(
                op,
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod
            ) =>
            {
                let a = self.lhs_operand(lhs, rhs);
                if let Some(value) = literal_number(rhs) {
                    let k = match value {
                        ruff_runtime::Value::Int(i) => self.func().const_int(i),
                        ruff_runtime::Value::Float(x) => self.func().const_float(x),
                        _ => unreachable!("literal numbers are ints or floats"),
                    };
                    self.func().location = op_span.start;
                    let jump = match op {
                        BinaryOp::Lt => Op::JumpIfNotLtK { a, k, target: 0 },
                        BinaryOp::Le => Op::JumpIfNotLeK { a, k, target: 0 },
                        BinaryOp::Gt => Op::JumpIfNotGtK { a, k, target: 0 },
                        BinaryOp::Ge => Op::JumpIfNotGeK { a, k, target: 0 },
                        BinaryOp::Eq => Op::JumpIfNotEqK { a, k, target: 0 },
                        _ => Op::JumpIfNotNeK { a, k, target: 0 },
                    };
                    return vec![self.func().emit(jump)];
                }
                let b = self.expr_any(rhs);
                self.func().location = op_span.start;
                let jump = match op {
                    BinaryOp::Lt => Op::JumpIfNotLt { a, b, target: 0 },
                    BinaryOp::Le => Op::JumpIfNotLe { a, b, target: 0 },
                    BinaryOp::Gt => Op::JumpIfNotGt { a, b, target: 0 },
                    BinaryOp::Ge => Op::JumpIfNotGe { a, b, target: 0 },
                    BinaryOp::Eq => Op::JumpIfNotEq { a, b, target: 0 },
                    _ => Op::JumpIfNotNe { a, b, target: 0 },
                };
                vec![self.func().emit(jump)]
            }
            _ => {
                let r = self.expr_any(cond);
                vec![self.func().emit(Op::JumpIfFalsy { src: r, target: 0 })]
            }
        }
    }
}
