//! Types as far as a syntax-only analyzer can know them: declared types with their paths
//! resolved to canonical names. No inference beyond what [`crate::semantics`] derives.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// A named type with its generic arguments: `std::sync::Mutex<u32>`.
    Path {
        path: String,
        args: Vec<Ty>,
    },
    /// `&T`, `&mut T`, `*const T`: all peeled the same way by auto-deref.
    Ref(Box<Ty>),
    Tuple(Vec<Ty>),
    /// `[T]` and `[T; N]`.
    Slice(Box<Ty>),
    /// `impl A + B` and `dyn A + B`: the bounds, resolved.
    Bounds(Vec<Ty>),
    /// Anything else (fn pointers, macros, inference holes).
    Unknown,
}

impl Ty {
    pub fn path(path: impl Into<String>, args: Vec<Ty>) -> Ty {
        Ty::Path { path: path.into(), args }
    }

    pub fn simple(path: impl Into<String>) -> Ty {
        Ty::Path { path: path.into(), args: Vec::new() }
    }

    pub fn path_str(&self) -> Option<&str> {
        match self {
            Ty::Path { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn args(&self) -> &[Ty] {
        match self {
            Ty::Path { args, .. } => args,
            _ => &[],
        }
    }

    pub fn is_path(&self, wanted: &str) -> bool {
        self.path_str() == Some(wanted)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Ty::Unknown)
    }

    /// Nothing is known about the value: `Unknown`, or a reference to it (`&T` where `T` is a
    /// generic parameter or an unresolved type).
    pub fn is_opaque(&self) -> bool {
        match self {
            Ty::Unknown => true,
            Ty::Ref(inner) => inner.is_opaque(),
            _ => false,
        }
    }

    /// The first generic argument, or `Unknown`.
    pub fn first_arg(&self) -> Ty {
        self.args().first().cloned().unwrap_or(Ty::Unknown)
    }

    /// `Result<T, _>` and `Option<T>` yield `T` (what `?`, `unwrap` and `expect` produce);
    /// any other type is returned unchanged, as custom `Result` aliases are common.
    pub fn unwrapped(&self) -> Ty {
        // `is_result` also takes a crate's `Result<T>` (`anyhow::Result<()>`, `io::Result<u8>`).
        if self.is_option_or_result() || self.is_result() {
            self.first_arg()
        } else {
            self.clone()
        }
    }

    /// std's `Option`, `Result` or `io::Result`.
    pub fn is_option_or_result(&self) -> bool {
        matches!(self.path_str(), Some("std::result::Result" | "std::option::Option" | "std::io::Result"))
    }

    /// A struct's field type with the struct's type arguments (`args`) in place of its
    /// parameters' placeholders (`$0`, `$1`, see `resolve::TypeParams`); a parameter with no
    /// argument written is `Unknown`.
    pub fn instantiate(&self, args: &[Ty]) -> Ty {
        match self {
            Ty::Path { path, args: own } => {
                match path.strip_prefix('$').and_then(|i| i.parse::<usize>().ok()) {
                    Some(i) => args.get(i).cloned().unwrap_or(Ty::Unknown),
                    None => Ty::Path {
                        path: path.clone(),
                        args: own.iter().map(|a| a.instantiate(args)).collect(),
                    },
                }
            }
            Ty::Ref(inner) => Ty::Ref(Box::new(inner.instantiate(args))),
            Ty::Tuple(items) => Ty::Tuple(items.iter().map(|t| t.instantiate(args)).collect()),
            Ty::Slice(inner) => Ty::Slice(Box::new(inner.instantiate(args))),
            Ty::Bounds(bounds) => Ty::Bounds(bounds.iter().map(|t| t.instantiate(args)).collect()),
            Ty::Unknown => Ty::Unknown,
        }
    }

    /// Whether the declared type says the value is a `Result` (the output of a fallible task).
    pub fn is_result(&self) -> bool {
        match self.path_str() {
            Some(path) => path == "std::result::Result" || path.ends_with("::Result"),
            None => false,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Path { path, args } => {
                write!(f, "{path}")?;
                if !args.is_empty() {
                    write!(f, "<")?;
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            write!(f, ", ")?;
                        }
                        write!(f, "{arg}")?;
                    }
                    write!(f, ">")?;
                }
                Ok(())
            }
            Ty::Ref(inner) => write!(f, "&{inner}"),
            Ty::Tuple(items) => {
                write!(f, "(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, ")")
            }
            Ty::Slice(inner) => write!(f, "[{inner}]"),
            Ty::Bounds(bounds) => {
                write!(f, "impl ")?;
                for (i, bound) in bounds.iter().enumerate() {
                    if i > 0 {
                        write!(f, " + ")?;
                    }
                    write!(f, "{bound}")?;
                }
                Ok(())
            }
            Ty::Unknown => write!(f, "_"),
        }
    }
}
