//! The `detcat` command. Everything happens in [`detcat::cli`].

fn main() -> std::process::ExitCode {
    detcat::cli::main()
}
