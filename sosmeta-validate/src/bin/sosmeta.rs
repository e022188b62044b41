//! The `sosmeta` command line.
fn main() {
    eprintln!("sosmeta: not yet implemented");
    std::process::exit(2);
}
