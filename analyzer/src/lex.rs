//! Byte-level lexing shared by the cheap passes that run before (or instead of) syn: the
//! pre-scan and the nesting guard. Each `skip_*` takes the index of a token's first byte and
//! returns the index just past it.

pub(crate) fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

pub(crate) fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while let Some(offset) =
        bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'"' || b == b'\\'))
    {
        i += offset;
        if bytes[i] == b'"' {
            return i + 1;
        }
        i += 2;
    }
    bytes.len()
}

/// Whether `byte` can be part of an identifier (`[A-Za-z0-9_]`; non-ASCII identifiers are
/// not told apart from other text by these passes).
pub(crate) const fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

pub(crate) fn starts_raw_string(bytes: &[u8], i: usize) -> bool {
    let preceded_by_ident = i > 0 && is_ident_byte(bytes[i - 1]);
    if preceded_by_ident {
        return false;
    }
    let mut j = i;
    if bytes[j] == b'b' {
        j += 1;
    }
    if bytes.get(j) != Some(&b'r') {
        return bytes[i] == b'b' && bytes.get(i + 1) == Some(&b'"');
    }
    j += 1;
    while bytes.get(j) == Some(&b'#') {
        j += 1;
    }
    bytes.get(j) == Some(&b'"')
}

pub(crate) fn skip_raw_string(bytes: &[u8], mut i: usize) -> usize {
    if bytes[i] == b'b' {
        i += 1;
    }
    if bytes.get(i) != Some(&b'r') {
        // `b"..."`: an ordinary escaped string.
        return skip_string(bytes, i + 1);
    }
    i += 1;
    let mut hashes = 0;
    while bytes.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    i += 1;
    while i < bytes.len() {
        if bytes[i] == b'"' && bytes[i + 1..].iter().take(hashes).filter(|c| **c == b'#').count() == hashes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    bytes.len()
}

/// `'a'`, `'\n'`, `'\u{1F600}'` are chars; `'a` is a lifetime.
pub(crate) fn skip_char_or_lifetime(bytes: &[u8], i: usize) -> usize {
    match (bytes.get(i + 1), bytes.get(i + 2)) {
        (Some(b'\\'), _) => {
            let mut j = i + 2;
            while j < bytes.len() && bytes[j] != b'\'' && j < i + 12 {
                j += 1;
            }
            j + 1
        }
        (Some(_), Some(b'\'')) => i + 3,
        _ => {
            // A multi-byte char literal, or a lifetime: skip the quote only.
            let next_quote = bytes[i + 1..].iter().take(5).position(|c| *c == b'\'');
            match next_quote {
                Some(offset) if !bytes[i + 1].is_ascii() => i + 2 + offset,
                _ => i + 1,
            }
        }
    }
}
