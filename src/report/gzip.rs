//! Decompressing gzip reports (RFC 1952) with libdeflate.
//!
//! A report is a kilobyte or two of compressed JSON, so decompression is
//! dominated by building each member's Huffman tables; libdeflate does
//! that in about half the instructions of zlib and, since a report is
//! always in memory whole, its whole-buffer interface costs nothing. Its
//! safe wrapper (`libdeflater`) does not say where a member ends, which a
//! file of several members needs, hence this small binding to the `_ex`
//! call of `libdeflate-sys`.

use std::ptr::NonNull;

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_decompressor, libdeflate_free_decompressor,
    libdeflate_gzip_decompress_ex, libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE,
    libdeflate_result_LIBDEFLATE_SUCCESS,
};

/// Why gzip data could not be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Gunzip {
    /// It decompresses to more than the cap: a gzip bomb, or not a report.
    TooLarge,
    /// Not gzip, truncated, or failing its CRC or size check.
    Broken(&'static str),
}

/// A libdeflate decompressor: its state is allocated once per worker.
pub struct Inflater(NonNull<libdeflate_decompressor>);

// SAFETY: the decompressor is plain memory owned by this value; libdeflate
// keeps no thread-local or global state, so it may move between threads.
unsafe impl Send for Inflater {}

impl Inflater {
    /// `None` only when the allocation of a few kilobytes failed.
    pub fn new() -> Option<Inflater> {
        // SAFETY: no preconditions; a null result is handled.
        NonNull::new(unsafe { libdeflate_alloc_decompressor() }).map(Inflater)
    }

    /// One gzip member from the start of `input` into `out`: (bytes of
    /// input used, bytes written), or whether `out` was too small.
    fn member(&mut self, input: &[u8], out: &mut [u8]) -> Result<(usize, usize), Member> {
        let mut used = 0;
        let mut written = 0;
        // SAFETY: the decompressor is live; the input and output pointers
        // come from slices valid for the lengths passed, and libdeflate
        // writes only within `out` and to the two counters.
        let result = unsafe {
            libdeflate_gzip_decompress_ex(
                self.0.as_ptr(),
                input.as_ptr().cast(),
                input.len(),
                out.as_mut_ptr().cast(),
                out.len(),
                &mut used,
                &mut written,
            )
        };
        #[allow(non_upper_case_globals)]
        match result {
            libdeflate_result_LIBDEFLATE_SUCCESS => Ok((used, written)),
            libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE => Err(Member::NoSpace),
            _ => Err(Member::Bad),
        }
    }

    /// Decompresses gzip data, every member of it, into the start of
    /// `out`, and says how many bytes that is; stops with
    /// [`Gunzip::TooLarge`] past `cap` bytes. `out` is kept from call to
    /// call and only ever grows (zeroed once, never per report or member),
    /// to at most `cap` bytes.
    pub fn gunzip(
        &mut self,
        mut input: &[u8],
        cap: usize,
        out: &mut Vec<u8>,
    ) -> Result<usize, Gunzip> {
        let mut filled = 0;
        while !input.is_empty() {
            let room = cap - filled;
            // ISIZE, the last member's size mod 2^32, is the first guess;
            // a wrong one (several members, or a lie) only costs a retry
            // with four times the space, up to the cap. Deflate expands
            // at most 1032 times, so the input bounds the guess too.
            let hint = match input.len().checked_sub(4).map(|i| &input[i..]) {
                Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize,
                _ => 0,
            };
            let mut avail = hint
                .min(input.len().saturating_mul(1032))
                .max(1024)
                .min(room);
            loop {
                let end = filled + avail;
                if out.len() < end {
                    out.reserve_exact(end - out.len());
                    out.resize(end, 0);
                }
                match self.member(input, &mut out[filled..end]) {
                    Ok((used, written)) => {
                        filled += written;
                        input = &input[used..];
                        break;
                    }
                    Err(Member::NoSpace) if avail < room => {
                        avail = avail.saturating_mul(4).min(room)
                    }
                    Err(Member::NoSpace) => return Err(Gunzip::TooLarge),
                    Err(Member::Bad) => return Err(Gunzip::Broken("truncated, or corrupt")),
                }
            }
            // Trailing zero padding is common after the last member.
            if input.iter().all(|&b| b == 0) {
                break;
            }
        }
        Ok(filled)
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // SAFETY: allocated by libdeflate_alloc_decompressor, freed once.
        unsafe { libdeflate_free_decompressor(self.0.as_ptr()) }
    }
}

enum Member {
    NoSpace,
    Bad,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn gunzip(
        z: &mut Inflater,
        input: &[u8],
        cap: usize,
        out: &mut Vec<u8>,
    ) -> Result<Vec<u8>, Gunzip> {
        z.gunzip(input, cap, out).map(|n| out[..n].to_vec())
    }

    #[test]
    fn members_padding_and_the_cap() {
        let mut z = Inflater::new().unwrap();
        let mut out = Vec::new();
        assert_eq!(
            gunzip(&mut z, &gz(b"hello"), 100, &mut out).unwrap(),
            b"hello"
        );
        let mut two = gz(b"ab");
        two.extend(gz(b"cd"));
        two.extend([0; 16]);
        assert_eq!(
            gunzip(&mut z, &two, 100, &mut out).unwrap(),
            b"abcd",
            "every member, and the padding ignored"
        );
        // The same member twice must not read as one.
        let mut twice = gz(b"xy");
        twice.extend(gz(b"xy"));
        assert_eq!(gunzip(&mut z, &twice, 100, &mut out).unwrap(), b"xyxy");
        let exact = gunzip(&mut z, &gz(&[b'x'; 1000]), 1000, &mut out).unwrap();
        assert_eq!(exact.len(), 1000, "exactly the cap fits");
        assert!(out.len() <= 1000, "the buffer never outgrows the cap");
    }

    #[test]
    fn many_empty_members_cost_no_more_than_their_size() {
        let mut z = Inflater::new().unwrap();
        let mut out = Vec::new();
        let empty = gz(b"");
        let many: Vec<u8> = std::iter::repeat_n(&empty[..], 20_000)
            .flatten()
            .copied()
            .collect();
        assert_eq!(z.gunzip(&many, 16 << 20, &mut out), Ok(0));
        assert!(out.len() <= 1024, "{}", out.len());
        let mut lying = many.clone();
        lying.extend([0xff; 4]);
        assert!(matches!(
            z.gunzip(&lying, 16 << 20, &mut out),
            Err(Gunzip::Broken(_))
        ));
        // The lie is believed once, up to the cap, and never zeroed again.
        assert!(out.len() <= 16 << 20, "{}", out.len());
    }

    #[test]
    fn a_bomb_stops_at_the_cap_even_when_its_size_field_lies() {
        let mut z = Inflater::new().unwrap();
        let mut out = Vec::new();
        let big = gz(&vec![b'x'; 100_000]);
        assert_eq!(z.gunzip(&big, 1000, &mut out), Err(Gunzip::TooLarge));
        assert!(out.capacity() <= 1000, "{}", out.capacity());
        let mut lying = big.clone();
        let n = lying.len();
        lying[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        assert_eq!(
            z.gunzip(&lying, 1 << 20, &mut out),
            Err(Gunzip::Broken("truncated, or corrupt"))
        );
        assert_eq!(z.gunzip(&lying, 50_000, &mut out), Err(Gunzip::TooLarge));
    }

    #[test]
    fn truncated_and_corrupt_data_is_refused() {
        let mut z = Inflater::new().unwrap();
        let mut out = Vec::new();
        let data = gz(&vec![b'x'; 100_000]);
        for bad in [
            &data[..data.len() / 2],
            &data[..data.len() - 1],
            b"\x1f\x8b\x08",
        ] {
            assert!(matches!(
                z.gunzip(bad, 1 << 20, &mut out),
                Err(Gunzip::Broken(_))
            ));
        }
        let mut flipped = gz(b"a report");
        let n = flipped.len();
        flipped[n - 8] ^= 1;
        assert!(
            matches!(z.gunzip(&flipped, 100, &mut out), Err(Gunzip::Broken(_))),
            "a CRC mismatch is caught"
        );
    }
}
