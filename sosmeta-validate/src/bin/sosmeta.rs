//! The `sosmeta` command line (see [`sosmeta_validate::cli`]).

fn main() -> std::process::ExitCode {
    sosmeta_validate::cli::main()
}
