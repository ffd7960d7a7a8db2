//! The `marginalia` binary: parse the command line and hand over (no
//! subcommand opens the window on PATH, or on the bundled sample).

use clap::Parser;
use marginalia::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    let result = match args.command {
        Some(command) => cli::run(command),
        None => marginalia::window::run(args.path).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
