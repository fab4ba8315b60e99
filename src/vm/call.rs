//! Calls: closures, frames, method dispatch, operator methods and calls from native code.

use std::rc::Rc;

use ruff_runtime::value::{Cell, FuncObj};
use ruff_runtime::{builtins, format, raise, RtResult, Value};

use super::{Frame, Vm};
use crate::bytecode::Capture;

impl Vm {
    /// The captured cell `idx` of the running closure (held in its frame's `ret` register).
    pub(super) fn upval(&self, idx: u16) -> Cell {
        let closure = self.frames.last().map(|f| &self.regs[f.ret]);
        match closure {
            Some(Value::Func(f)) => f.captures[idx as usize].clone(),
            _ => unreachable!("captured variables exist only inside closures"),
        }
    }

    /// Creates a closure of function `proto`, capturing from the frame at `base`.
    pub(super) fn make_closure(&self, proto: u32, base: usize) -> Value {
        let child = &self.program.protos[proto as usize];
        let captures = child
            .captures
            .iter()
            .map(|capture| match *capture {
                Capture::Register(r) => match &self.regs[base + r as usize] {
                    Value::Cell(cell) => cell.clone(),
                    other => Rc::new(std::cell::RefCell::new(other.clone())),
                },
                Capture::Upval(u) => self.upval(u),
            })
            .collect();
        Value::Func(Rc::new(FuncObj {
            proto,
            name: child.name.clone(),
            captures,
        }))
    }

    /// Pushes a frame running function `proto` with its arguments (and receiver, for
    /// methods) already in `regs[base..]`. `regs[ret]` must hold the closure: it receives
    /// the result later.
    #[inline]
    fn push_frame(
        &mut self,
        proto: u32,
        base: usize,
        argc: usize,
        ret: usize,
        receiver: bool,
    ) -> RtResult<()> {
        self.count_step()?;
        let function = &self.program.protos[proto as usize];
        if argc != function.arity as usize {
            return raise(format!(
                "{} expects {} arguments, got {argc}",
                function.name, function.arity
            ));
        }
        if self.ctx.depth > self.options.call_depth_limit {
            return raise(format!(
                "Maximum call depth of {} exceeded while calling {}",
                self.options.call_depth_limit, function.name
            ));
        }
        let needed = base + function.num_regs as usize + 1;
        if self.regs.len() < needed {
            self.regs.resize(needed, Value::Null);
        }
        function.hotness.set(function.hotness.get().wrapping_add(1));
        self.frames.push(Frame {
            proto,
            pc: 0,
            base,
            ret,
            receiver,
        });
        self.ctx.depth += 1;
        self.enter_top = true;
        Ok(())
    }

    /// `Call` at absolute register `at`: callee there, arguments after it. Returns
    /// whether a frame was pushed (the dispatch loop must switch to it).
    #[inline]
    pub(super) fn call_register(&mut self, at: usize, argc: usize) -> RtResult<bool> {
        if let Value::Func(f) = &self.regs[at] {
            let proto = f.proto;
            self.push_frame(proto, at + 1, argc, at, false)?;
            return Ok(true);
        }
        let callee = self.regs[at].clone();
        self.call_at(callee, at + 1, argc, at)
    }

    /// Calls `callee` with the `argc` arguments in `regs[args..]`, result to `regs[ret]`.
    /// Returns whether a frame was pushed (the dispatch loop must switch to it).
    pub(super) fn call_at(
        &mut self,
        callee: Value,
        args: usize,
        argc: usize,
        ret: usize,
    ) -> RtResult<bool> {
        match callee {
            Value::Func(f) => {
                let proto = f.proto;
                self.regs[ret] = Value::Func(f);
                self.push_frame(proto, args, argc, ret, false)?;
                Ok(true)
            }
            Value::Native(id) => {
                let arguments = self.regs[args..args + argc].to_vec();
                let result = builtins::call(id, self, &arguments)?;
                self.regs[ret] = result;
                Ok(false)
            }
            other => raise(format!(
                "Cannot call non-function: {}",
                format::type_name(&other)
            )),
        }
    }

    /// `CallMethod` at absolute register `at`: receiver in `regs[at + 1]`, arguments after.
    pub(super) fn call_method(&mut self, at: usize, argc: usize, name: &str) -> RtResult<bool> {
        let callee = match &self.regs[at + 1] {
            Value::Struct(obj) => {
                if let Some(field) = obj.get(name) {
                    field.clone()
                } else {
                    match self.methods.get(&obj.name).and_then(|m| m.get(name)) {
                        Some(Value::Func(method)) => {
                            let method = method.clone();
                            let proto = method.proto;
                            self.regs[at] = Value::Func(method);
                            self.push_frame(proto, at + 1, argc, at, true)?;
                            return Ok(true);
                        }
                        _ => {
                            self.location_override = self.method_name_location();
                            return raise(format!("Field not found: {name}"));
                        }
                    }
                }
            }
            Value::Dict(map) => map.get(name).cloned().unwrap_or(Value::Null),
            _ => {
                return raise(format!(
                    "Cannot access field or method '{name}' on non-struct value"
                ))
            }
        };
        self.call_at(callee, at + 2, argc, at)
    }

    /// Where the method name of the `CallMethod` being run is written.
    fn method_name_location(&self) -> Option<u32> {
        let frame = self.frames.last()?;
        let call = frame.pc.checked_sub(1)? as u32;
        let proto = &self.program.protos[frame.proto as usize];
        proto
            .method_names
            .iter()
            .find(|(pc, _)| *pc == call)
            .map(|(_, at)| *at)
    }

    /// Pops the top frame, delivering `value` to its caller. Returns `Some(value)` when the
    /// popped frame was `entry`, the first frame of the current `execute`.
    #[inline(always)]
    pub(super) fn return_from_frame(&mut self, value: Value, entry: usize) -> Option<Value> {
        let frame = self.frames.pop()?;
        self.ctx.depth -= 1;
        if frame.receiver {
            if let Value::Cell(cell) = &self.regs[frame.base] {
                let receiver = cell.borrow().clone();
                self.regs[frame.base] = receiver;
            }
        }
        if self.frames.len() <= entry {
            return Some(value);
        }
        // The result register held the closure that just returned: release it with an
        // inline reference-count drop rather than the general value drop.
        match std::mem::replace(&mut self.regs[frame.ret], value) {
            Value::Func(closure) => drop(closure),
            other => drop(other),
        }
        None
    }

    /// The first free register above the top frame.
    fn stack_top(&self) -> usize {
        self.frames.last().map_or(0, |f| {
            f.base + self.program.protos[f.proto as usize].num_regs as usize
        })
    }

    /// Calls a function value from native code (a builtin's callback) and runs it to
    /// completion.
    pub(super) fn call_nested(&mut self, callee: &Value, args: &[Value]) -> RtResult<Value> {
        match callee {
            Value::Func(f) => {
                let f = f.clone();
                self.run_nested(&f, None, args)
            }
            Value::Native(id) => builtins::call(*id, self, args),
            other => raise(format!(
                "Cannot call non-function: {}",
                format::type_name(other)
            )),
        }
    }

    /// Calls method `method` on `receiver` from native code (operator methods).
    pub(super) fn call_method_nested(
        &mut self,
        method: Rc<FuncObj>,
        receiver: Value,
        args: &[Value],
    ) -> RtResult<Value> {
        self.run_nested(&method, Some(receiver), args)
    }

    fn run_nested(
        &mut self,
        func: &Rc<FuncObj>,
        receiver: Option<Value>,
        args: &[Value],
    ) -> RtResult<Value> {
        self.check_native_stack(&self.program.protos[func.proto as usize].name)?;
        let ret = self.stack_top();
        let base = ret + 1;
        let count = args.len() + usize::from(receiver.is_some());
        if self.regs.len() < base + count {
            self.regs.resize(base + count, Value::Null);
        }
        let is_method = receiver.is_some();
        for (i, value) in receiver.into_iter().chain(args.iter().cloned()).enumerate() {
            self.regs[base + i] = value;
        }
        self.regs[ret] = Value::Func(func.clone());
        self.push_frame(func.proto, base, args.len(), ret, is_method)?;
        let entry = self.frames.len() - 1;
        self.execute(entry)
    }
}
