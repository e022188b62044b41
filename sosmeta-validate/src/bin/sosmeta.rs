//! The `sosmeta` command line (see [`sosmeta_validate::cli`]).

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sosmeta_validate::cli::main()
}
