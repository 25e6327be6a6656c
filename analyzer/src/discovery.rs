//! Finding the files to analyse: the packages of a cargo workspace (through
//! `cargo metadata --no-deps`, which never builds or runs project code), or explicit paths.
//!
//! **Architecture invariant:** discovery is the only part that asks cargo anything; the rest
//! of the engine sees [`SourceFile`]s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::source::{CrateId, Edition, Runtime, SourceFile};

/// What to analyse.
#[derive(Clone, Debug)]
pub enum Target {
    /// The cargo package or workspace found from the working directory or `manifest_path`.
    Cargo { manifest_path: Option<PathBuf>, workspace: bool, packages: Vec<String> },
    /// These files and directories.
    Paths(Vec<PathBuf>),
}

#[derive(Debug)]
pub struct Discovered {
    pub files: Vec<SourceFile>,
    /// The workspace root (cargo mode) or the working directory (path mode): where the
    /// configuration search starts.
    pub root: PathBuf,
}

#[derive(Debug)]
pub enum DiscoveryError {
    /// `cargo metadata` failed (no Cargo.toml, invalid manifest, cargo missing).
    Cargo(String),
    /// `-p NAME` named no package of the workspace.
    UnknownPackage(String),
}

impl std::fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoveryError::Cargo(message) => write!(f, "{message}"),
            DiscoveryError::UnknownPackage(name) => {
                write!(f, "package `{name}` is not a member of the workspace")
            }
        }
    }
}

/// Finds the files of `target`, relative to the working directory `cwd`, sorted by path.
pub fn discover(target: &Target, cwd: &Path) -> Result<Discovered, DiscoveryError> {
    let (mut files, root) = match target {
        Target::Cargo { manifest_path, workspace, packages } => {
            discover_cargo(manifest_path.as_deref(), *workspace, packages, cwd)?
        }
        Target::Paths(paths) => (discover_paths(paths, cwd), cwd.to_path_buf()),
    };
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(Discovered { files, root })
}

struct Package {
    crate_name: String,
    root: PathBuf,
    edition: Edition,
    tokio_time: bool,
    runtime: Runtime,
}

fn discover_cargo(
    manifest_path: Option<&Path>,
    workspace: bool,
    packages: &[String],
    cwd: &Path,
) -> Result<(Vec<SourceFile>, PathBuf), DiscoveryError> {
    let mut command = cargo_metadata::MetadataCommand::new();
    command.no_deps().current_dir(cwd);
    if let Some(path) = manifest_path {
        command.manifest_path(path);
    }
    let metadata = command.exec().map_err(|e| DiscoveryError::Cargo(cargo_error_text(e)))?;
    let members: Vec<&cargo_metadata::Package> = metadata.workspace_packages();
    let selected: Vec<&cargo_metadata::Package> = if !packages.is_empty() {
        let mut chosen = Vec::new();
        for name in packages {
            let package = members.iter().find(|p| p.name.as_str() == name.as_str());
            chosen.push(*package.ok_or_else(|| DiscoveryError::UnknownPackage(name.clone()))?);
        }
        chosen
    } else if workspace {
        members
    } else {
        let manifest = match manifest_path {
            Some(path) => absolute(path, cwd),
            None => find_manifest(cwd).unwrap_or_default(),
        };
        let own = members.iter().find(|p| same_file(p.manifest_path.as_std_path(), &manifest));
        match own {
            Some(package) => vec![*package],
            // A virtual manifest: like cargo, the default members (all members without them).
            None => default_members(&metadata, members),
        }
    };
    let packages: Vec<Package> = selected.into_iter().map(package_facts).collect();
    let files = packages.par_iter().flat_map_iter(|package| package_files(package, cwd)).collect();
    Ok((files, metadata.workspace_root.into_std_path_buf()))
}

/// What discovery needs of a package from `cargo metadata`.
fn package_facts(package: &cargo_metadata::Package) -> Package {
    let root = package.manifest_path.parent().map(|p| p.as_std_path().to_path_buf()).unwrap_or_default();
    let lib_name = package
        .targets
        .iter()
        .find(|t| t.kind.iter().any(|k| matches!(k, cargo_metadata::TargetKind::Lib)))
        .map(|t| t.name.clone())
        .unwrap_or_else(|| package.name.to_string());
    let edition = Edition::parse(package.edition.as_str()).unwrap_or(Edition::E2021);
    let tokio_time = package
        .dependencies
        .iter()
        .any(|d| d.name == "tokio" && d.features.iter().any(|f| f == "time" || f == "full"));
    let runtime = Runtime::of_dependencies(package.dependencies.iter().map(|d| d.name.as_str()));
    Package { crate_name: lib_name.replace('-', "_"), root, edition, tokio_time, runtime }
}

fn default_members<'a>(
    metadata: &'a cargo_metadata::Metadata,
    members: Vec<&'a cargo_metadata::Package>,
) -> Vec<&'a cargo_metadata::Package> {
    if metadata.workspace_default_members.is_available() {
        let ids = &*metadata.workspace_default_members;
        let chosen: Vec<_> = members.iter().copied().filter(|p| ids.contains(&p.id)).collect();
        if !chosen.is_empty() {
            return chosen;
        }
    }
    members
}

fn cargo_error_text(error: cargo_metadata::Error) -> String {
    match error {
        cargo_metadata::Error::CargoMetadata { stderr } => {
            let text = stderr.trim();
            let text = text.strip_prefix("error: ").unwrap_or(text);
            format!("cargo metadata failed: {text}")
        }
        other => format!("cargo metadata failed: {other}"),
    }
}

fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The nearest `Cargo.toml` at or above `dir`.
fn find_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join("Cargo.toml")).find(|p| p.is_file())
}

/// Every `.rs` file of a package, skipping `target/`, hidden directories and nested packages.
fn package_files(package: &Package, cwd: &Path) -> Vec<SourceFile> {
    let krate = CrateId { name: package.crate_name.clone(), root: package.root.clone() };
    let root = package.root.clone();
    let walker =
        WalkDir::new(&root).follow_links(false).sort_by_file_name().into_iter().filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_dir() {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            !(name == "target" || name.starts_with('.') || entry.path().join("Cargo.toml").is_file())
        });
    walker
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && is_rust_file(entry.path()))
        .map(|entry| {
            let relative = entry.path().strip_prefix(&package.root).unwrap_or(entry.path()).to_path_buf();
            source_file(
                entry.path().to_path_buf(),
                &relative,
                &krate,
                package.edition,
                (package.tokio_time, package.runtime),
                cwd,
            )
        })
        .collect()
}

fn is_rust_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

fn source_file(
    path: PathBuf,
    relative: &Path,
    krate: &CrateId,
    edition: Edition,
    (tokio_time, runtime): (bool, Runtime),
    cwd: &Path,
) -> SourceFile {
    let place = place_in_package(relative);
    let display = display_path(&path, cwd);
    let krate = match &place.target {
        PackageTarget::Library => krate.clone(),
        PackageTarget::Other(target) => {
            CrateId { name: format!("{}__{target}", krate.name), root: krate.root.clone() }
        }
        // Its own crate: its items are not the library's, whatever names they share (a
        // package's `test-macros/tests/debug.rs` does not define `my_crate::debug`).
        PackageTarget::Standalone => {
            CrateId { name: standalone_crate_name(&krate.name, relative), root: krate.root.clone() }
        }
    };
    SourceFile {
        display,
        path,
        edition,
        krate,
        module: place.module,
        is_test_target: place.is_test,
        tokio_time,
        runtime,
    }
}

/// Where a file sits in its package: which crate of the package it belongs to, its module
/// path in that crate, and whether it is test code.
#[derive(Debug, PartialEq, Eq)]
pub struct FilePlace {
    pub target: PackageTarget,
    pub module: Vec<String>,
    pub is_test: bool,
}

/// The crate of a package a file belongs to.
#[derive(Debug, PartialEq, Eq)]
pub enum PackageTarget {
    /// The library, and `src/main.rs`.
    Library,
    /// `tests`, `benches`, `examples`, `bin` or `build`: the other targets, separate crates
    /// (all the files of one kind share a namespace, so `mod common;` in a test finds
    /// `tests/common/mod.rs`).
    Other(&'static str),
    /// A file outside the usual directories (`fixtures/x.rs`, `scripts/y.rs`): a crate root
    /// of its own.
    Standalone,
}

/// The crate name of a standalone file: the package's, then the file's path as an
/// identifier (`my_crate__fixtures_x`).
fn standalone_crate_name(package: &str, relative: &Path) -> String {
    let path = relative.to_string_lossy();
    let path = path.strip_suffix(".rs").unwrap_or(&path);
    let ident: String = path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("{package}__{ident}")
}

/// `src/db/pool.rs` -> module `db::pool`; `src/db/mod.rs` -> `db`; `tests/api.rs` -> module
/// `api` of the `tests` crates; files outside the usual directories -> a standalone crate.
pub fn place_in_package(relative: &Path) -> FilePlace {
    let parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let root = |target| FilePlace { target, module: Vec::new(), is_test: false };
    let Some(first) = parts.first() else { return root(PackageTarget::Library) };
    let (target, inner): (Option<&'static str>, &[String]) = match first.as_str() {
        "src" if parts.get(1).map(String::as_str) == Some("bin") => (Some("bin"), &parts[2..]),
        "src" => (None, &parts[1..]),
        "tests" => (Some("tests"), &parts[1..]),
        "benches" => (Some("benches"), &parts[1..]),
        "examples" => (Some("examples"), &parts[1..]),
        "build.rs" if parts.len() == 1 => return root(PackageTarget::Other("build")),
        _ => return root(PackageTarget::Standalone),
    };
    let mut module: Vec<String> = inner.iter().map(|s| s.trim_end_matches(".rs").to_string()).collect();
    let is_crate_root_file =
        target.is_none() && module.len() == 1 && matches!(module[0].as_str(), "lib" | "main");
    if is_crate_root_file || matches!(module.last().map(String::as_str), Some("mod")) {
        module.pop();
    } else if target == Some("bin") && module.len() == 2 && module[1] == "main" {
        // `src/bin/tool/main.rs` is the `tool` binary's root.
        module.pop();
    }
    let is_test = matches!(target, Some("tests" | "benches"));
    FilePlace { target: target.map_or(PackageTarget::Library, PackageTarget::Other), module, is_test }
}

/// The path shown to users: relative to the working directory when under it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// Path mode: the given files and directories; each file's crate and edition come from its
/// nearest `Cargo.toml`.
fn discover_paths(paths: &[PathBuf], cwd: &Path) -> Vec<SourceFile> {
    let mut files = Vec::new();
    for path in paths {
        let path = absolute(path, cwd);
        if path.is_dir() {
            // Each entry of the directory is walked on its own, in parallel: a directory of
            // many crates takes a while to walk and to read the manifests of.
            let entries: Vec<PathBuf> = match std::fs::read_dir(&path) {
                Ok(entries) => entries.filter_map(Result::ok).map(|entry| entry.path()).collect(),
                Err(_) => Vec::new(),
            };
            files
                .par_extend(entries.par_iter().with_max_len(1).flat_map_iter(|entry| walk_paths(entry, cwd)));
        } else {
            // A missing or unreadable file is still listed: reading it reports the problem.
            files.push(ManifestCache::default().source_file(&path, cwd));
        }
    }
    files
}

/// The Rust files at or under `path` (an entry of a directory given on the command line),
/// skipping `target/` and hidden directories, `path` itself included.
fn walk_paths(path: &Path, cwd: &Path) -> Vec<SourceFile> {
    let mut manifests = ManifestCache::default();
    let walker = WalkDir::new(path).follow_links(false).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        !e.file_type().is_dir() || !(name == "target" || name.starts_with('.'))
    });
    walker
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && is_rust_file(entry.path()))
        .map(|entry| manifests.source_file(entry.path(), cwd))
        .collect()
}

/// Package facts read from `Cargo.toml` files, cached per directory.
#[derive(Default)]
struct ManifestCache {
    by_dir: HashMap<PathBuf, Option<PackageFacts>>,
}

/// What path mode reads from a `Cargo.toml`.
#[derive(Clone, Debug)]
struct PackageFacts {
    krate: CrateId,
    edition: Edition,
    tokio_time: bool,
    runtime: Runtime,
}

impl ManifestCache {
    fn source_file(&mut self, path: &Path, cwd: &Path) -> SourceFile {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let package = self.package_for(&dir).unwrap_or_else(|| {
            let name =
                path.file_stem().map(|s| sanitize(&s.to_string_lossy())).unwrap_or_else(|| "main".into());
            PackageFacts {
                krate: CrateId { name, root: dir.clone() },
                edition: Edition::E2021,
                tokio_time: false,
                runtime: Runtime::Tokio,
            }
        });
        let relative = path.strip_prefix(&package.krate.root).unwrap_or(path).to_path_buf();
        let deps = (package.tokio_time, package.runtime);
        source_file(path.to_path_buf(), &relative, &package.krate, package.edition, deps, cwd)
    }

    fn package_for(&mut self, dir: &Path) -> Option<PackageFacts> {
        if let Some(found) = self.by_dir.get(dir) {
            return found.clone();
        }
        let manifest = dir.join("Cargo.toml");
        let found = if manifest.is_file() { read_package(&manifest) } else { None };
        let found = match found {
            Some(found) => Some(found),
            None => dir.parent().and_then(|parent| self.package_for(parent)),
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        found
    }
}

/// Reads `[package] name` and `edition` (following `edition.workspace = true`), and whether
/// tokio's `time` feature is on.
fn read_package(manifest: &Path) -> Option<PackageFacts> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let value: toml::Table = text.parse().ok()?;
    let package = value.get("package")?.as_table()?;
    let name = package.get("name")?.as_str()?;
    let lib_name = value.get("lib").and_then(|l| l.get("name")).and_then(|n| n.as_str()).unwrap_or(name);
    let edition = match package.get("edition") {
        Some(toml::Value::String(text)) => Edition::parse(text),
        Some(toml::Value::Table(t)) if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) => {
            workspace_edition(manifest)
        }
        _ => Some(Edition::E2015),
    };
    let root = manifest.parent()?.to_path_buf();
    let tokio_time = tokio_time_feature(&value, manifest);
    // Every kind, as cargo metadata lists them: a library's tests may use the runtime alone.
    let dependencies =
        ["dependencies", "dev-dependencies"].into_iter().filter_map(|kind| value.get(kind)?.as_table());
    let runtime = Runtime::of_dependencies(dependencies.flat_map(|d| d.keys().map(String::as_str)));
    Some(PackageFacts {
        krate: CrateId { name: sanitize(lib_name), root },
        edition: edition.unwrap_or(Edition::E2021),
        tokio_time,
        runtime,
    })
}

/// Whether `[dependencies] tokio` enables `time` (or `full`), also through
/// `tokio.workspace = true`.
fn tokio_time_feature(manifest: &toml::Table, path: &Path) -> bool {
    let Some(tokio) = manifest.get("dependencies").and_then(|d| d.get("tokio")) else { return false };
    let has_time = |value: &toml::Value| {
        value
            .get("features")
            .and_then(|f| f.as_array())
            .is_some_and(|features| features.iter().any(|f| matches!(f.as_str(), Some("time" | "full"))))
    };
    if has_time(tokio) {
        return true;
    }
    if tokio.get("workspace").and_then(|w| w.as_bool()) != Some(true) {
        return false;
    }
    path.parent()
        .into_iter()
        .flat_map(Path::ancestors)
        .filter_map(|dir| std::fs::read_to_string(dir.join("Cargo.toml")).ok())
        .filter_map(|text| text.parse::<toml::Table>().ok())
        .find_map(|table| {
            table
                .get("workspace")
                .and_then(|w| w.get("dependencies"))
                .and_then(|d| d.get("tokio"))
                .map(has_time)
        })
        .unwrap_or(false)
}

/// The `[workspace.package] edition` of the workspace a manifest belongs to.
fn workspace_edition(manifest: &Path) -> Option<Edition> {
    for dir in manifest.parent()?.ancestors() {
        let candidate = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&candidate) else {
            continue;
        };
        let Ok(value) = text.parse::<toml::Table>() else {
            continue;
        };
        if let Some(workspace) = value.get("workspace") {
            let edition = workspace.get("package").and_then(|p| p.get("edition")).and_then(|e| e.as_str());
            return edition.and_then(Edition::parse);
        }
    }
    None
}

fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(path: &str) -> (PackageTarget, Vec<String>) {
        let place = place_in_package(Path::new(path));
        (place.target, place.module)
    }

    fn module(path: &str) -> Vec<String> {
        place(path).1
    }

    #[test]
    fn module_paths_follow_cargo_layout() {
        assert!(module("src/lib.rs").is_empty());
        assert!(module("src/main.rs").is_empty());
        assert_eq!(module("src/db.rs"), vec!["db"]);
        assert_eq!(module("src/db/mod.rs"), vec!["db"]);
        assert_eq!(module("src/db/pool.rs"), vec!["db", "pool"]);
        assert_eq!(module("src/db/main.rs"), vec!["db", "main"]);
        assert_eq!(place("src/bin/tool.rs"), (PackageTarget::Other("bin"), vec!["tool".to_string()]));
        assert_eq!(place("src/bin/tool/main.rs"), (PackageTarget::Other("bin"), vec!["tool".to_string()]));
        assert_eq!(place("tests/api.rs"), (PackageTarget::Other("tests"), vec!["api".to_string()]));
        assert_eq!(place("tests/common/mod.rs"), (PackageTarget::Other("tests"), vec!["common".to_string()]));
        assert!(place_in_package(Path::new("tests/api.rs")).is_test);
        assert!(!place_in_package(Path::new("examples/demo.rs")).is_test);
        assert_eq!(place("build.rs"), (PackageTarget::Other("build"), Vec::new()));
        assert_eq!(place("fixtures/x.rs"), (PackageTarget::Standalone, Vec::new()));
        assert_eq!(place("src/lib.rs"), (PackageTarget::Library, Vec::new()));
    }

    #[test]
    fn standalone_files_are_crates_of_their_own() {
        let name = |path: &str| standalone_crate_name("tracing", Path::new(path));
        assert_eq!(name("test-macros/tests/debug.rs"), "tracing__test_macros_tests_debug");
        assert_ne!(name("test-macros/tests/debug.rs"), name("test-macros/tests/info.rs"));
    }
}
