//! A compact, unambiguous text form of expressions and statements, so tests can assert
//! whole tree shapes in one line.

use crate::syntax::ast::{
    ArrayItem, AssignOp, BinaryOp, Binding, Block, DeclKind, DictEntry, ElseBranch, Expr, ExprKind,
    FuncKind, Function, PatItem, Pattern, Stmt, StmtKind, StrPart, Target, TargetStep, UnaryOp,
    WrapKind,
};

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Float(x) => format!("{x:?}"),
        ExprKind::Str(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|part| match part {
                    StrPart::Lit(text) => format!("{text:?}"),
                    StrPart::Interp(inner) => format!("${{{}}}", expr(inner)),
                })
                .collect();
            format!("(str {})", parts.join(" "))
        }
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Null => "null".into(),
        ExprKind::Name(name) => name.name.to_string(),
        ExprKind::SelfRef => "self".into(),
        ExprKind::Binary { op, lhs, rhs, .. } => {
            let op = match op {
                BinaryOp::Add => "+",
                BinaryOp::Sub => "-",
                BinaryOp::Mul => "*",
                BinaryOp::Div => "/",
                BinaryOp::Mod => "%",
                BinaryOp::Eq => "==",
                BinaryOp::Ne => "!=",
                BinaryOp::Lt => "<",
                BinaryOp::Le => "<=",
                BinaryOp::Gt => ">",
                BinaryOp::Ge => ">=",
            };
            format!("({op} {} {})", expr(lhs), expr(rhs))
        }
        ExprKind::Unary { op, operand, .. } => {
            let op = match op {
                UnaryOp::Neg => "neg",
                UnaryOp::Not => "!",
            };
            format!("({op} {})", expr(operand))
        }
        ExprKind::And(l, r) => format!("(&& {} {})", expr(l), expr(r)),
        ExprKind::Or(l, r) => format!("(|| {} {})", expr(l), expr(r)),
        ExprKind::Coalesce(l, r) => format!("(?? {} {})", expr(l), expr(r)),
        ExprKind::Pipe(l, r) => format!("(|> {} {})", expr(l), expr(r)),
        ExprKind::Call { callee, args } => format!("(call {}{})", expr(callee), list(args)),
        ExprKind::MethodCall {
            receiver,
            name,
            args,
        } => format!("(.{} {}{})", name.name, expr(receiver), list(args)),
        ExprKind::Field { object, name } => format!("(. {} {})", expr(object), name.name),
        ExprKind::OptField { object, name } => format!("(?. {} {})", expr(object), name.name),
        ExprKind::Try { operand, .. } => format!("(? {})", expr(operand)),
        ExprKind::Index { object, index, .. } => format!("([] {} {})", expr(object), expr(index)),
        ExprKind::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|item| match item {
                    ArrayItem::Item(e) => expr(e),
                    ArrayItem::Spread(e) => format!("...{}", expr(e)),
                })
                .collect();
            format!("[{}]", items.join(" "))
        }
        ExprKind::Dict(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|entry| match entry {
                    DictEntry::Pair(k, v) => format!("{}: {}", expr(k), expr(v)),
                    DictEntry::Spread(e) => format!("...{}", expr(e)),
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        ExprKind::StructLit { name, fields } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(field, value)| format!("{}: {}", field.name, expr(value)))
                .collect();
            format!("({} {{{}}})", name.name, fields.join(", "))
        }
        ExprKind::Func(function) => func(function),
        ExprKind::Wrap { kind, value } => {
            let kind = match kind {
                WrapKind::Ok => "Ok",
                WrapKind::Err => "Err",
                WrapKind::Some => "Some",
            };
            format!("({kind} {})", expr(value))
        }
        ExprKind::NoneLit => "None".into(),
        ExprKind::EnumVariant {
            enum_name,
            variant,
            payload,
        } => match payload {
            Some(payload) => format!("({}::{} {})", enum_name.name, variant.name, expr(payload)),
            None => format!("{}::{}", enum_name.name, variant.name),
        },
        ExprKind::Throw(value) => format!("(throw {})", expr(value)),
        ExprKind::Unsupported { feature } => format!("(unsupported {feature})"),
    }
}

fn list(args: &[Expr]) -> String {
    args.iter().map(|a| format!(" {}", expr(a))).collect()
}

pub fn func(f: &Function) -> String {
    let kind = match f.kind {
        FuncKind::Normal => "func",
        FuncKind::Async => "async-func",
        FuncKind::Generator => "func*",
    };
    let name = f
        .name
        .as_ref()
        .map_or(String::new(), |n| format!(" {}", n.name));
    let params: Vec<&str> = f.params.iter().map(|p| &*p.name).collect();
    format!("({kind}{name} ({}) {})", params.join(" "), block(&f.body))
}

pub fn block(b: &Block) -> String {
    let stmts: Vec<String> = b.stmts.iter().map(stmt).collect();
    format!("{{{}}}", stmts.join("; "))
}

pub fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Decl {
            kind,
            binding,
            value,
        } => {
            let kind = match kind {
                DeclKind::Let => "let",
                DeclKind::Mut => "mut",
                DeclKind::Const => "const",
            };
            format!("({kind} {} {})", bind(binding), expr(value))
        }
        StmtKind::Func(f) => func(f),
        StmtKind::Struct {
            name,
            fields,
            methods,
        } => {
            let fields: Vec<&str> = fields.iter().map(|f| &*f.name).collect();
            let methods: Vec<String> = methods.iter().map(|m| func(m)).collect();
            format!(
                "(struct {} ({}) {})",
                name.name,
                fields.join(" "),
                methods.join(" ")
            )
        }
        StmtKind::Enum { name, variants } => {
            let variants: Vec<&str> = variants.iter().map(|v| &*v.name).collect();
            format!("(enum {} {})", name.name, variants.join(" "))
        }
        StmtKind::If {
            cond,
            then_block,
            else_branch,
        } => {
            let otherwise = match else_branch {
                None => String::new(),
                Some(ElseBranch::Block(b)) => format!(" else {}", block(b)),
                Some(ElseBranch::If(s)) => format!(" else {}", stmt(s)),
            };
            format!("(if {} {}{otherwise})", expr(cond), block(then_block))
        }
        StmtKind::While { cond, body } => format!("(while {} {})", expr(cond), block(body)),
        StmtKind::Loop { body } => format!("(loop {})", block(body)),
        StmtKind::For {
            var,
            iterable,
            body,
        } => format!("(for {} {} {})", var.name, expr(iterable), block(body)),
        StmtKind::Match {
            subject,
            cases,
            default,
        } => {
            let mut arms: Vec<String> = cases
                .iter()
                .map(|c| format!("(case {} {})", pattern(&c.pattern), block(&c.body)))
                .collect();
            if let Some(b) = default {
                arms.push(format!("(default {})", block(b)));
            }
            format!("(match {} {})", expr(subject), arms.join(" "))
        }
        StmtKind::Try {
            body,
            err_name,
            handler,
        } => format!("(try {} {} {})", block(body), err_name.name, block(handler)),
        StmtKind::Return(None) => "(return)".into(),
        StmtKind::Return(Some(e)) => format!("(return {})", expr(e)),
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Assign {
            target, op, value, ..
        } => {
            let op = match op {
                AssignOp::Set => ":=",
                AssignOp::Add => "+=",
                AssignOp::Sub => "-=",
                AssignOp::Mul => "*=",
                AssignOp::Div => "/=",
                AssignOp::Mod => "%=",
            };
            format!("({op} {} {})", target_text(target), expr(value))
        }
        StmtKind::Expr(e) => expr(e),
        StmtKind::Export(inner) => format!("(export {})", stmt(inner)),
        StmtKind::TestBlock => "(test)".into(),
        StmtKind::Unsupported { feature } => format!("(unsupported {feature})"),
    }
}

fn bind(binding: &Binding) -> String {
    let items = |items: &[PatItem]| -> String {
        let items: Vec<String> = items
            .iter()
            .map(|item| match item {
                PatItem::Name(n) => n.name.to_string(),
                PatItem::Rest(n) => format!("...{}", n.name),
            })
            .collect();
        items.join(" ")
    };
    match binding {
        Binding::Name(n) => n.name.to_string(),
        Binding::Array(list) => format!("[{}]", items(list)),
        Binding::Dict(list) => format!("{{{}}}", items(list)),
    }
}

fn target_text(target: &Target) -> String {
    let mut text = target.root.name.to_string();
    for step in &target.path {
        match step {
            TargetStep::Field(name) => text += &format!(".{}", name.name),
            TargetStep::Index { index, .. } => text += &format!("[{}]", expr(index)),
        }
    }
    text
}

pub fn pattern(p: &Pattern) -> String {
    match p {
        Pattern::Wildcard => "_".into(),
        Pattern::Int(n) => n.to_string(),
        Pattern::Float(x) => format!("{x:?}"),
        Pattern::Str(s) => format!("{s:?}"),
        Pattern::Bool(b) => b.to_string(),
        Pattern::Null => "null".into(),
        Pattern::Tag {
            enum_name,
            variant,
            binder,
        } => {
            let path = match enum_name {
                Some(e) => format!("{}::{}", e.name, variant.name),
                None => variant.name.to_string(),
            };
            match binder {
                Some(b) => format!("{path}({})", b.name),
                None => path,
            }
        }
    }
}
