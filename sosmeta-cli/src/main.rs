//! The `sosmeta` command line (see the `sosmeta_cli` library).

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sosmeta_cli::main()
}
