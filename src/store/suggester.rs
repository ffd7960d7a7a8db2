//! Running an external suggester: a command line given by the user, fed
//! JSON lines on stdin, answering JSON lines on stdout, within a time limit.
//!
//! The command runs through the shell (`sh -c` on Unix, `cmd /C` on
//! Windows) so users can write pipelines and use their `PATH`. Its stdin is
//! written on one thread while stdout and stderr are read on two others, so a
//! program that answers before it has read everything never deadlocks. A
//! program still running when the time is up is killed.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use thiserror::Error;

/// Default time limit for an external suggester.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Why an external suggester gave no answer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RunError {
    /// The shell could not be started.
    #[error("could not run `{command}`: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// Why.
        source: std::io::Error,
    },
    /// The program ran past its time limit and was stopped.
    #[error("`{command}` did not finish within {} s and was stopped{}", limit.as_secs_f32(), stderr_tail(stderr))]
    Timeout {
        /// The command line.
        command: String,
        /// The limit.
        limit: Duration,
        /// What it wrote on stderr.
        stderr: String,
    },
    /// The program exited with a failure.
    #[error("`{command}` failed ({status}){}", stderr_tail(stderr))]
    Failed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// What it wrote on stderr.
        stderr: String,
    },
    /// The answer was not UTF-8.
    #[error("`{command}` wrote something that is not UTF-8 on stdout")]
    NotUtf8 {
        /// The command line.
        command: String,
    },
}

fn stderr_tail(stderr: &str) -> String {
    let trimmed = stderr.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    // The last lines say what went wrong; a traceback can be long.
    let lines: Vec<&str> = trimmed.lines().collect();
    let tail = &lines[lines.len().saturating_sub(12)..];
    format!("; its stderr:\n{}", tail.join("\n"))
}

/// Run `command` with `input` on stdin; its stdout when it exits with
/// success before `limit`.
pub fn run(command: &str, input: String, limit: Duration) -> Result<String, RunError> {
    run_in(command, input, limit, None)
}

/// [`run`] in the folder `dir` (else the current one).
pub fn run_in(
    command: &str,
    input: String,
    limit: Duration,
    dir: Option<&std::path::Path>,
) -> Result<String, RunError> {
    // A program may exit without reading all its input; writing to its
    // closed stdin must then be an error we ignore, not a SIGPIPE that ends
    // `marginalia` (the CLI restores SIGPIPE's default action).
    let pipe = IgnoreSigpipe::new();
    let mut cmd = shell(command);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| RunError::Spawn {
            command: command.to_owned(),
            source,
        })?;
    let stdin = child.stdin.take();
    let (written_tx, written) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A program that stops reading early closes the pipe: not our error.
            let _ = stdin.write_all(input.as_bytes());
        }
        let _ = written_tx.send(());
    });
    let out = collect(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = collect(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= limit => {
                kill_group(&mut child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    // The writer may still be writing into a pipe nobody reads; SIGPIPE's
    // default action must not come back while it does.
    if written.recv_timeout(Duration::from_secs(1)).is_err() {
        std::mem::forget(pipe);
    }
    let Some(status) = status else {
        // Whatever it wrote so far; its readers are left to finish on their own.
        let stderr = String::from_utf8_lossy(&err.snapshot()).into_owned();
        return Err(RunError::Timeout {
            command: command.to_owned(),
            limit,
            stderr,
        });
    };
    let stdout = out.finish();
    let stderr = String::from_utf8_lossy(&err.finish()).into_owned();
    if !status.success() {
        return Err(RunError::Failed {
            command: command.to_owned(),
            status: status.to_string(),
            stderr,
        });
    }
    String::from_utf8(stdout).map_err(|_| RunError::NotUtf8 {
        command: command.to_owned(),
    })
}

/// Ignores SIGPIPE while alive and puts back the previous action after.
struct IgnoreSigpipe {
    #[cfg(unix)]
    previous: libc::sighandler_t,
}

impl IgnoreSigpipe {
    fn new() -> IgnoreSigpipe {
        // SAFETY: SIG_IGN is a valid disposition for SIGPIPE; `signal` has no
        // other effect.
        #[cfg(unix)]
        let previous = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        IgnoreSigpipe {
            #[cfg(unix)]
            previous,
        }
    }
}

impl Drop for IgnoreSigpipe {
    fn drop(&mut self) {
        // SAFETY: puts back the disposition `signal` returned before.
        #[cfg(unix)]
        unsafe {
            libc::signal(libc::SIGPIPE, self.previous);
        }
    }
}

/// The shell running `command`, in a process group of its own on Unix so a
/// timeout stops the whole pipeline.
fn shell(command: &str) -> Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let mut c = Command::new("sh");
        c.arg("-c").arg(command).process_group(0);
        c
    }
    #[cfg(not(unix))]
    {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(command);
        c
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The group id is the shell's pid (process_group(0)); std has no killpg.
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .arg(format!("-{}", child.id()))
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A pipe read to its end on a thread of its own.
struct Collector {
    buf: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    done: std::thread::JoinHandle<()>,
}

impl Collector {
    /// What has been read so far.
    fn snapshot(&self) -> Vec<u8> {
        self.buf.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Everything, once the pipe is closed.
    fn finish(self) -> Vec<u8> {
        let Collector { buf, done } = self;
        let _ = done.join();
        buf.lock().map(|b| b.clone()).unwrap_or_default()
    }
}

fn collect(pipe: Option<Box<dyn Read + Send>>) -> Collector {
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = buf.clone();
    let done = std::thread::spawn(move || {
        let Some(mut p) = pipe else { return };
        let mut chunk = [0u8; 8192];
        while let Ok(n) = p.read(&mut chunk) {
            if n == 0 {
                break;
            }
            if let Ok(mut b) = sink.lock() {
                b.extend_from_slice(&chunk[..n]);
            }
        }
    });
    Collector { buf, done }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn stdin_goes_in_and_stdout_comes_out() {
        let out = run("tr a-z A-Z", "abc\n".into(), DEFAULT_TIMEOUT).expect("runs");
        assert_eq!(out, "ABC\n");
    }

    #[test]
    fn a_failure_is_reported_with_its_stderr() {
        let e = run("echo boom >&2; exit 3", String::new(), DEFAULT_TIMEOUT).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("failed") && msg.contains("boom"), "{msg}");
    }

    #[test]
    fn a_slow_program_is_stopped() {
        let started = Instant::now();
        let e = run(
            "echo started >&2; sleep 5 | cat",
            String::new(),
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(matches!(e, RunError::Timeout { .. }), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the whole pipeline was stopped"
        );
    }
}
