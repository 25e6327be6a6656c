//! A fast, non-cryptographic hasher for the index's maps.
//!
//! The index is asked for paths and names millions of times per run; std's SipHash, which
//! resists flooding by hostile keys, cost about a twentieth of the corpus run. Keys here are
//! the analysed code's own names, so a multiply-rotate hash in the style of rustc's FxHash
//! is enough.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub type FastSet<T> = HashSet<T, BuildHasherDefault<FastHasher>>;

#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

/// An odd constant with well-spread bits (from the golden ratio).
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguishes_similar_paths() {
        let paths = ["crate::a::b", "crate::a::c", "crate::b::a", "crate::a::bb", "crate::a::b::"];
        let set: FastSet<&str> = paths.iter().copied().collect();
        assert_eq!(set.len(), paths.len());
        let hashes: FastSet<u64> = paths
            .iter()
            .map(|p| {
                let mut h = FastHasher::default();
                h.write(p.as_bytes());
                h.finish()
            })
            .collect();
        assert_eq!(hashes.len(), paths.len());
    }
}
