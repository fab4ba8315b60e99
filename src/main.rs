fn main() {
    std::process::exit(ruff::cli::main());
}
