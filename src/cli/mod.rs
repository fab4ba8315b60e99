//! Stage 5: the `ruff` command line (clap). Each subcommand reads a file, drives the
//! stages and maps outcomes to the documented exit codes.

mod dump;
pub mod report;
pub mod run;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status for a bad command line.
pub const EXIT_USAGE: i32 = 1;
/// Exit status for a program file that cannot be read (missing, unreadable, not UTF-8).
pub const EXIT_INPUT: i32 = 2;
/// Exit status for lexical, syntax and static errors.
pub const EXIT_PARSE: i32 = 3;
/// Exit status for an uncaught runtime error.
pub const EXIT_RUNTIME: i32 = 4;

#[derive(Parser)]
#[command(
    name = "ruff",
    version,
    about = "Run, check and inspect programs in the Ruff language",
    after_help = "Exit status: 0 success (or a top-level return), n for exit(n), \
                  1 bad command line, 2 unreadable program file, 3 parse or static error, \
                  4 uncaught runtime error (for dump: tier 1 could not compile a function)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// When tier 1 compiles functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JitMode {
    /// Never compile: the interpreter runs everything.
    Off,
    /// Compile functions and loops once they are hot.
    Auto,
    /// Compile every function before its first call.
    Eager,
}

#[derive(Subcommand)]
enum Command {
    /// Run a program.
    Run(run::RunArgs),
    /// Parse and compile a program without running it.
    Check {
        /// The program (`-` reads standard input).
        file: String,
    },
    /// Print what a stage makes of a program.
    Dump(dump::DumpArgs),
}

/// Runs the command line; returns the process exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { 0 };
        }
    };
    init_logging();
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check { file } => run::check(&file),
        Command::Dump(args) => dump::dump(args),
    }
}

/// Logging through `tracing`, filtered by `RUST_LOG`; off (and free) when it is unset.
fn init_logging() {
    if std::env::var_os("RUST_LOG").is_none() {
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
}
