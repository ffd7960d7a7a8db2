//! The stores: everything that reads or writes files on disk.
//!
//! Each module turns files into the pure [`crate::model`] types and back:
//! - [`article_file`]: an article file (decoded, normalised) with its sidecar;
//! - [`sidecar`]: the RON sidecar, written atomically;
//! - [`journal`]: the crash journal of unsaved edits;
//! - [`output`]: a command's output (stdout, or a file replaced when complete);
//! - [`schema`]: the optional `marginalia.ron` label schema;
//! - [`walk`] and [`corpus`]: finding articles under folders;
//! - [`import`]: the file side of the import pipeline (inputs, articles,
//!   sidecars) shared by `marginalia import` and File ▸ Import;
//! - [`session`]: one open article with its undo history and save state,
//!   the window's document (no egui in it).
//!
//! Nothing here knows about the window or the command line.

pub mod article_file;
pub mod corpus;
pub mod import;
pub mod journal;
pub mod output;
pub mod schema;
pub mod session;
pub mod sidecar;
pub mod suggester;
pub mod walk;

/// The number of threads worth running at once (`available_parallelism`,
/// at least 1), asked once per process: on Linux each question reads
/// cgroup files, which cost 14 % of `marginalia check` on 10,000 small
/// sidecars when every sidecar read asked.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Below this many bytes a buffer is not worth [`advise_huge_pages`].
pub const HUGE_PAGE_BYTES: usize = 4 << 20;

/// Ask the kernel to back `memory` with huge pages (2 MiB) where it can,
/// before it is first written: a big buffer then takes one page fault per
/// 2 MiB instead of 512. `export` of one 22 MB sidecar took 24,900 page
/// faults, half of its system time. Linux only, and only buffers of at least
/// [`HUGE_PAGE_BYTES`]; elsewhere, or if the kernel declines, nothing changes.
///
/// The advice covers every page `memory` touches, its first and last
/// included: a big allocation is a mapping of its own whose first page also
/// holds the allocator's header, and advice on part of a mapping splits it
/// in two, after which growing the buffer (`realloc`'s `mremap`) fails with
/// `EFAULT` and copies it instead. Joining a 22 MB sidecar's parsed halves
/// copied 12 MB that way.
pub fn advise_huge_pages<T>(memory: &[T]) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let bytes = std::mem::size_of_val(memory);
        if bytes < HUGE_PAGE_BYTES {
            return;
        }
        let from = memory.as_ptr() as usize / PAGE * PAGE;
        let to = (memory.as_ptr() as usize + bytes).next_multiple_of(PAGE);
        // SAFETY: the range is the pages that hold `memory`, which we own
        // (and, at its two ends, what shares those pages); the advice
        // changes how pages are backed, never their contents.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = memory;
}

/// Drop `value` on a thread of its own, so that freeing a big structure
/// (tens of thousands of annotations, each with its own strings) does not
/// hold up the caller; dropped here if no thread can be started. The thread
/// is not waited for: memory a process frees as it exits needs no freeing.
pub fn drop_aside<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new()
        .name("drop-aside".into())
        .spawn(move || drop(value));
    // The closure (and `value` with it) was dropped here if the spawn failed.
    let _ = spawned;
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The mapping of `/proc/self/maps` that holds `address`.
    fn mapping_of(address: usize) -> Option<(usize, usize)> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|line| {
            let (from, to) = line.split_whitespace().next()?.split_once('-')?;
            let from = usize::from_str_radix(from, 16).ok()?;
            let to = usize::from_str_radix(to, 16).ok()?;
            (from <= address && address < to).then_some((from, to))
        })
    }

    #[test]
    fn huge_page_advice_keeps_a_big_buffer_one_mapping() {
        // Beyond glibc's largest dynamic mmap threshold (32 MiB): the
        // buffer is a mapping of its own, its first page shared with the
        // allocator's header.
        let mut buffer: Vec<u8> = Vec::with_capacity(40 << 20);
        super::advise_huge_pages(buffer.spare_capacity_mut());
        let first = buffer.as_ptr() as usize;
        let last = first + buffer.capacity() - 1;
        assert!(mapping_of(first).is_some());
        // Split in two, it could not grow by remapping (mremap: EFAULT).
        assert_eq!(mapping_of(first), mapping_of(last));
        buffer.extend_from_slice(b"kept");
        buffer.reserve_exact(80 << 20);
        assert_eq!(&buffer[..], b"kept");
    }
}
