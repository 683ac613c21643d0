//! Decompressing gzip reports (RFC 1952) with flate2 on zlib-rs, a
//! memory-safe inflater.
//!
//! A file may hold several gzip members, one after the other (RFC 1952
//! §2.2), sometimes followed by zero padding: each member is decompressed
//! in turn, its CRC and size checked, until only padding is left. What it
//! may cost is bounded by the caller's cap on the decompressed bytes,
//! whatever the members' size fields claim.

use std::io::Read;

use flate2::bufread::GzDecoder;

/// Why gzip data could not be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Gunzip {
    /// It decompresses to more than the cap: a gzip bomb, or not a report.
    TooLarge,
    /// Not gzip, truncated, or failing its CRC or size check.
    Broken(&'static str),
}

const BROKEN: Gunzip = Gunzip::Broken("truncated, or corrupt");

/// Decompresses gzip data, every member of it, into the start of `out`,
/// and says how many bytes that is; stops with [`Gunzip::TooLarge`] past
/// `cap` bytes. `out` is kept from call to call and only grows (zeroed
/// once, never per report or member), to at most `cap` bytes.
pub fn gunzip(mut input: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<usize, Gunzip> {
    let mut filled = 0;
    while !input.is_empty() {
        // ISIZE, the last member's size mod 2^32, is the first guess of
        // the room needed; a wrong one (several members, or a lie) only
        // costs growing four times over, up to the cap. Deflate expands at
        // most 1032 times, so the input bounds the guess too.
        let hint = match input.len().checked_sub(4).map(|i| &input[i..]) {
            Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize,
            _ => 0,
        };
        let mut want = hint.min(input.len().saturating_mul(1032)).max(1024);
        let mut member = GzDecoder::new(input);
        loop {
            let end = out.len().min(cap);
            if filled == end {
                if end == cap {
                    // Full: one byte more is one too many.
                    let mut probe = [0u8; 1];
                    match member.read(&mut probe) {
                        Ok(0) => break,
                        Ok(_) => return Err(Gunzip::TooLarge),
                        Err(_) => return Err(BROKEN),
                    }
                }
                let next = (filled + want).min(cap);
                out.reserve_exact(next - out.len());
                out.resize(next, 0);
                want = want.saturating_mul(4);
                continue;
            }
            match member.read(&mut out[filled..end]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(BROKEN),
            }
        }
        input = member.into_inner();
        // Trailing zero padding is common after the last member.
        if input.iter().all(|&b| b == 0) {
            break;
        }
    }
    Ok(filled)
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

    fn unzipped(input: &[u8], cap: usize, out: &mut Vec<u8>) -> Result<Vec<u8>, Gunzip> {
        gunzip(input, cap, out).map(|n| out[..n].to_vec())
    }

    #[test]
    fn members_padding_and_the_cap() {
        let mut out = Vec::new();
        assert_eq!(unzipped(&gz(b"hello"), 100, &mut out).unwrap(), b"hello");
        let mut two = gz(b"ab");
        two.extend(gz(b"cd"));
        two.extend([0; 16]);
        assert_eq!(
            unzipped(&two, 100, &mut out).unwrap(),
            b"abcd",
            "every member, and the padding ignored"
        );
        // The same member twice must not read as one.
        let mut twice = gz(b"xy");
        twice.extend(gz(b"xy"));
        assert_eq!(unzipped(&twice, 100, &mut out).unwrap(), b"xyxy");
        let exact = unzipped(&gz(&[b'x'; 1000]), 1000, &mut out).unwrap();
        assert_eq!(exact.len(), 1000, "exactly the cap fits");
        assert!(out.len() <= 1000, "the buffer never outgrows the cap");
        assert_eq!(
            gunzip(&gz(&[b'x'; 1001]), 1000, &mut out),
            Err(Gunzip::TooLarge),
            "one byte past the cap does not"
        );
    }

    #[test]
    fn many_empty_members_cost_no_more_than_their_size() {
        let mut out = Vec::new();
        let empty = gz(b"");
        let many: Vec<u8> = std::iter::repeat_n(&empty[..], 20_000)
            .flatten()
            .copied()
            .collect();
        assert_eq!(gunzip(&many, 16 << 20, &mut out), Ok(0));
        assert!(out.len() <= 1024, "{}", out.len());
        let mut lying = many.clone();
        lying.extend([0xff; 4]);
        assert!(matches!(
            gunzip(&lying, 16 << 20, &mut out),
            Err(Gunzip::Broken(_))
        ));
        assert!(out.len() <= 16 << 20, "{}", out.len());
    }

    #[test]
    fn a_bomb_stops_at_the_cap_even_when_its_size_field_lies() {
        let mut out = Vec::new();
        let big = gz(&vec![b'x'; 100_000]);
        assert_eq!(gunzip(&big, 1000, &mut out), Err(Gunzip::TooLarge));
        assert!(out.capacity() <= 1000, "{}", out.capacity());
        let mut lying = big.clone();
        let n = lying.len();
        lying[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        assert_eq!(gunzip(&lying, 1 << 20, &mut out), Err(BROKEN));
        assert_eq!(gunzip(&lying, 50_000, &mut out), Err(Gunzip::TooLarge));
    }

    #[test]
    fn truncated_and_corrupt_data_is_refused() {
        let mut out = Vec::new();
        let data = gz(&vec![b'x'; 100_000]);
        for bad in [
            &data[..data.len() / 2],
            &data[..data.len() - 1],
            b"\x1f\x8b\x08",
        ] {
            assert!(matches!(
                gunzip(bad, 1 << 20, &mut out),
                Err(Gunzip::Broken(_))
            ));
        }
        let mut flipped = gz(b"a report");
        let n = flipped.len();
        flipped[n - 8] ^= 1;
        assert!(
            matches!(gunzip(&flipped, 100, &mut out), Err(Gunzip::Broken(_))),
            "a CRC mismatch is caught"
        );
    }
}
