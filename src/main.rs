//! The `marginalia` binary: parse the command line and hand over (no
//! subcommand opens the window on PATH, or on the bundled sample).

use clap::Parser;
use marginalia::cli::{self, Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    return_big_blocks_to_the_system();
    let args = Cli::parse();
    let result = match args.command {
        Some(command) => {
            quiet_on_closed_pipe();
            cli::run(command)
        }
        None => marginalia::window::run(args.path, args.encoding.encoding).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Let a subcommand whose reader went away (`marginalia agree --json | head`)
/// end quietly, as Unix filters do, instead of panicking in `println!` or
/// reporting "Broken pipe". Rust ignores SIGPIPE by default, which turns every
/// write to a closed pipe into an error; the default action ends the process
/// without a word. The window keeps Rust's setting: its sockets (X11, D-Bus)
/// report errors rather than kill it.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up before any thread is spawned; SIG_DFL
    // is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Serve every allocation of 1 MiB or more with its own mapping, returned
/// to the system when freed. glibc's default threshold rises (up to 32 MiB)
/// each time such a block is freed, after which the big buffers of a load
/// or a save (sidecar texts, annotation vectors of 20+ MB) come from the
/// heap, where freeing them leaves holes that keep counting as resident
/// memory, and growing one copies it instead of remapping: `marginalia
/// bench` on 50,000 annotations peaked at 154 MB resident, 137 MB with this.
fn return_big_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called once at start-up, before any thread is spawned or
    // anything allocated by us; M_MMAP_THRESHOLD takes a byte count.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
