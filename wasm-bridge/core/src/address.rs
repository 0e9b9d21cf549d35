//! Addresses and wildcard patterns, as in `clasp-core::address`.
//!
//! An address is `/segment/segment/…`. In patterns, a `*` segment matches exactly one segment
//! and a `**` segment matches any number (zero included). A segment that merely contains `*`
//! (e.g. `fader*`) makes the address a pattern but matches only itself literally.
//! Matching is linear in the lengths (no backtracking blow-up on many `**`).

use std::fmt;

use crate::error::{Error, Result};

/// A parsed address or pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    raw: String,
    segments: Vec<String>,
}

impl Address {
    /// Parses `s`.
    ///
    /// Errors: [`Error::InvalidAddress`] when empty, not starting with `/`, or with an empty
    /// segment before the last one.
    pub fn parse(s: &str) -> Result<Self> {
        if s.is_empty() {
            return Err(Error::InvalidAddress("empty address".to_string()));
        }
        let rest = match s.strip_prefix('/') {
            Some(rest) => rest,
            None => return Err(Error::InvalidAddress(format!("address must start with '/': {}", s))),
        };
        let segments: Vec<String> = rest.split('/').map(str::to_string).collect();
        let last = segments.len() - 1;
        if segments.iter().enumerate().any(|(i, seg)| seg.is_empty() && i < last) {
            return Err(Error::InvalidAddress(format!("empty segment in address: {}", s)));
        }
        Ok(Address { raw: s.to_string(), segments })
    }

    /// The address as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The segments (without slashes).
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The first segment.
    pub fn namespace(&self) -> Option<&str> {
        self.segments.first().map(String::as_str)
    }

    /// The last segment.
    pub fn property(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    /// True when a segment contains `*`.
    pub fn is_pattern(&self) -> bool {
        self.segments.iter().any(|s| s.contains('*'))
    }

    /// True when this address matches `pattern`.
    pub fn matches(&self, pattern: &Address) -> bool {
        match_segments(&self.segments, &pattern.segments)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl TryFrom<&str> for Address {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        Address::parse(s)
    }
}

impl TryFrom<String> for Address {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        Address::parse(&s)
    }
}

/// Segment matching with `**` as a multi-segment wildcard: the classic greedy algorithm that
/// remembers only the last `**` (correct because a later `**` subsumes earlier choices).
fn match_segments<A: AsRef<str>, P: AsRef<str>>(addr: &[A], pattern: &[P]) -> bool {
    let (mut a, mut p) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while a < addr.len() {
        if p < pattern.len() && pattern[p].as_ref() == "**" {
            star = Some((p, a));
            p += 1;
        } else if p < pattern.len() && segment_matches(addr[a].as_ref(), pattern[p].as_ref()) {
            a += 1;
            p += 1;
        } else if let Some((sp, sa)) = star {
            p = sp + 1;
            a = sa + 1;
            star = Some((sp, sa + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|s| s.as_ref() == "**")
}

fn segment_matches(segment: &str, pattern: &str) -> bool {
    pattern == "*" || segment == pattern
}

/// A compiled subscription pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    address: Address,
    wild: bool,
}

impl Pattern {
    /// Compiles `s`.
    ///
    /// Errors: [`Error::InvalidAddress`] as [`Address::parse`].
    pub fn compile(s: &str) -> Result<Self> {
        let address = Address::parse(s)?;
        let wild = address.is_pattern();
        Ok(Pattern { address, wild })
    }

    /// True when `addr` matches (exact comparison for a pattern without wildcards).
    pub fn matches(&self, addr: &str) -> bool {
        if !self.wild {
            return addr == self.address.as_str();
        }
        match addr.strip_prefix('/') {
            Some(rest) => match_segments(&rest.split('/').collect::<Vec<&str>>(), &self.address.segments),
            None => false,
        }
    }

    /// [`matches`](Self::matches) for a parsed address.
    pub fn matches_address(&self, addr: &Address) -> bool {
        self.matches(addr.as_str())
    }

    /// The pattern as an address.
    pub fn address(&self) -> &Address {
        &self.address
    }
}

/// True when `address` matches `pattern` (both `/`-separated).
pub fn glob_match(pattern: &str, address: &str) -> bool {
    let p: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    let a: Vec<&str> = address.trim_start_matches('/').split('/').collect();
    if pattern.starts_with('/') != address.starts_with('/') {
        return false;
    }
    match_segments(&a, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse() {
        let a = Address::parse("/lumen/scene/0/layer/3/opacity").unwrap();
        assert_eq!(a.segments().len(), 6);
        assert_eq!(a.namespace(), Some("lumen"));
        assert_eq!(a.property(), Some("opacity"));
        assert!(Address::parse("").is_err());
        assert!(Address::parse("no/slash").is_err());
        assert!(Address::parse("/a//b").is_err());
        assert!(Address::parse("/a/b/").is_ok());
    }

    #[test]
    fn wildcards() {
        let p = Pattern::compile("/lumen/scene/*/layer/*/opacity").unwrap();
        assert!(p.matches("/lumen/scene/0/layer/3/opacity"));
        assert!(!p.matches("/lumen/scene/0/layer/3/color"));
        assert!(!p.matches("/lumen/scene/opacity"));
        let p = Pattern::compile("/lumen/**/opacity").unwrap();
        assert!(p.matches("/lumen/scene/0/opacity"));
        assert!(p.matches("/lumen/opacity"));
        assert!(!p.matches("/lumen/scene/0/color"));
        let p = Pattern::compile("/demo/**").unwrap();
        assert!(p.matches("/demo/a/b/c"));
        assert!(p.matches("/demo"));
        assert!(!p.matches("/other/a"));
        assert!(Pattern::compile("/**").unwrap().matches("/anything/at/all"));
        assert!(Pattern::compile("/a/**/b/**/c").unwrap().matches("/a/x/b/y/z/c"));
        assert!(!Pattern::compile("/a/**/b/**/c").unwrap().matches("/a/x/b/y/z/d"));
        let addr = Address::parse("/a/b").unwrap();
        assert!(addr.matches(&Address::parse("/a/*").unwrap()));
        assert!(!addr.matches(&Address::parse("/a").unwrap()));
    }

    #[test]
    fn many_double_wildcards_stay_linear() {
        let pattern = format!("{}/x", "/**".repeat(255));
        let address = "/a".repeat(255);
        assert!(!glob_match(&pattern, &address));
        assert!(glob_match(&pattern, &format!("{}/x", address)));
    }
}
