//! The catalog's data. Target syntax:
//! - `a::b::f`: a free or associated function (`std::fs::File::open`);
//! - `a::b::Type.method`: a method on a receiver of that (canonical) type;
//! - `*.method`: a method whose name alone identifies the API (matched on receivers of
//!   unknown type, never on crate-local types);
//! - `trait a::b::Trait::method`: a trait method, matched where the trait is imported;
//! - `for a::b::Type`: iterating a value of that type blocks.
//!
//! Sources: std, tokio, reqwest, postgres, rusqlite, diesel, redis, ureq, crossbeam docs, as
//! summarised in the project's design notes on blocking APIs.

use super::Hazard::{self, Blocks, PanicsInRuntime};

pub struct BlockingEntry {
    pub targets: &'static [&'static str],
    pub hazard: Hazard,
    /// `{name}` is replaced by the API's last path segment.
    pub replacement: &'static str,
}

const SPAWN_BLOCKING: &str =
    "run it on a blocking thread: `tokio::task::spawn_blocking(move || ..).await`";

pub const BLOCKING: &[BlockingEntry] = &[
    BlockingEntry {
        targets: &["std::thread::sleep", "std::thread::sleep_ms"],
        hazard: Blocks,
        replacement: "use `tokio::time::sleep(duration).await` (or `tokio::time::interval` for a periodic tick)",
    },
    BlockingEntry {
        targets: &["std::thread::sleep_until"],
        hazard: Blocks,
        replacement: "use `tokio::time::sleep_until(deadline).await`",
    },
    BlockingEntry {
        targets: &["std::thread::park", "std::thread::park_timeout"],
        hazard: Blocks,
        replacement: "wait on a `tokio::sync::Notify` with `.notified().await`",
    },
    BlockingEntry {
        targets: &[
            "std::fs::read", "std::fs::read_to_string", "std::fs::write", "std::fs::copy",
            "std::fs::rename", "std::fs::remove_file", "std::fs::remove_dir", "std::fs::remove_dir_all",
            "std::fs::create_dir", "std::fs::create_dir_all", "std::fs::metadata",
            "std::fs::symlink_metadata", "std::fs::read_dir", "std::fs::read_link",
            "std::fs::canonicalize", "std::fs::hard_link", "std::fs::set_permissions",
            "std::fs::exists",
        ],
        hazard: Blocks,
        replacement: "use `tokio::fs::{name}(..).await`, or run it in `tokio::task::spawn_blocking`",
    },
    BlockingEntry {
        targets: &[
            "std::fs::File::open", "std::fs::File::create", "std::fs::File::create_new",
            "std::fs::OpenOptions.open",
        ],
        hazard: Blocks,
        replacement: "use `tokio::fs::File::{name}(..).await` (or `tokio::fs::OpenOptions`)",
    },
    BlockingEntry {
        targets: &[
            "std::fs::File.read", "std::fs::File.read_to_end", "std::fs::File.read_to_string",
            "std::fs::File.read_exact", "std::fs::File.read_vectored", "std::fs::File.write",
            "std::fs::File.write_all", "std::fs::File.write_vectored", "std::fs::File.write_fmt",
            "std::fs::File.flush", "std::fs::File.sync_all", "std::fs::File.sync_data",
            "std::fs::File.set_len", "std::fs::File.metadata", "std::fs::File.seek",
            "std::fs::File.rewind", "std::fs::File.set_permissions",
        ],
        hazard: Blocks,
        replacement: "use `tokio::fs::File` with `tokio::io::AsyncReadExt`/`AsyncWriteExt` (`.{name}(..).await`)",
    },
    BlockingEntry {
        targets: &[
            "std::path::Path.exists", "std::path::Path.is_file", "std::path::Path.is_dir",
            "std::path::Path.is_symlink", "std::path::Path.metadata", "std::path::Path.symlink_metadata",
            "std::path::Path.canonicalize", "std::path::Path.read_dir", "std::path::Path.read_link",
            "std::path::Path.try_exists",
            "std::path::PathBuf.exists", "std::path::PathBuf.is_file", "std::path::PathBuf.is_dir",
            "std::path::PathBuf.is_symlink", "std::path::PathBuf.metadata",
            "std::path::PathBuf.symlink_metadata", "std::path::PathBuf.canonicalize",
            "std::path::PathBuf.read_dir", "std::path::PathBuf.read_link", "std::path::PathBuf.try_exists",
        ],
        hazard: Blocks,
        replacement: "use `tokio::fs::try_exists(path).await` / `tokio::fs::metadata(path).await`",
    },
    BlockingEntry {
        targets: &[
            "std::io::Stdin.read_line", "std::io::Stdin.lines", "std::io::Stdin.read_to_string",
            "std::io::Stdin.read", "std::io::Stdin.read_to_end", "std::io::Stdin.read_exact",
            "std::io::StdinLock.read_line", "std::io::StdinLock.lines", "std::io::StdinLock.read_to_string",
            "std::io::StdinLock.read", "std::io::StdinLock.read_to_end", "std::io::StdinLock.read_exact",
            "std::io::StdinLock.read_until",
        ],
        hazard: Blocks,
        replacement: "read stdin with `tokio::io::stdin()` and `tokio::io::BufReader::new(..).lines()`, or in `spawn_blocking`",
    },
    BlockingEntry {
        targets: &[
            "std::net::TcpStream::connect", "std::net::TcpStream::connect_timeout",
            "std::net::TcpListener::bind", "std::net::UdpSocket::bind",
        ],
        hazard: Blocks,
        replacement: "use the `tokio::net` equivalent (`tokio::net::TcpStream::connect(..).await`)",
    },
    BlockingEntry {
        targets: &[
            "std::net::TcpStream.read", "std::net::TcpStream.read_exact", "std::net::TcpStream.read_to_end",
            "std::net::TcpStream.read_to_string", "std::net::TcpStream.write", "std::net::TcpStream.write_all",
            "std::net::TcpStream.flush", "std::net::TcpStream.peek",
            "std::net::TcpListener.accept", "std::net::TcpListener.incoming",
            "std::net::UdpSocket.recv", "std::net::UdpSocket.recv_from", "std::net::UdpSocket.send",
            "std::net::UdpSocket.send_to", "std::net::UdpSocket.peek", "std::net::UdpSocket.peek_from",
        ],
        hazard: Blocks,
        replacement: "use the `tokio::net` socket types and `.{name}(..).await`",
    },
    BlockingEntry {
        targets: &["trait std::net::ToSocketAddrs::to_socket_addrs"],
        hazard: Blocks,
        replacement: "resolve names with `tokio::net::lookup_host(..).await`",
    },
    BlockingEntry {
        targets: &[
            "std::process::Command.output", "std::process::Command.status",
            "std::process::Child.wait", "std::process::Child.wait_with_output",
        ],
        hazard: Blocks,
        replacement: "use `tokio::process::Command` and `.{name}().await`",
    },
    BlockingEntry {
        targets: &[
            "std::sync::mpsc::Receiver.recv", "std::sync::mpsc::Receiver.recv_timeout",
            "std::sync::mpsc::Receiver.iter", "for std::sync::mpsc::Receiver",
            "std::sync::mpsc::SyncSender.send",
        ],
        hazard: Blocks,
        replacement: "use a `tokio::sync::mpsc` channel and `.{name}(..).await`",
    },
    BlockingEntry {
        targets: &[
            "std::sync::Condvar.wait", "std::sync::Condvar.wait_while", "std::sync::Condvar.wait_timeout",
            "std::sync::Condvar.wait_timeout_while", "std::sync::Condvar.wait_timeout_ms",
        ],
        hazard: Blocks,
        replacement: "use `tokio::sync::Notify` (`notify.notified().await`)",
    },
    BlockingEntry {
        targets: &["std::sync::Barrier.wait"],
        hazard: Blocks,
        replacement: "use `tokio::sync::Barrier` (`barrier.wait().await`)",
    },
    BlockingEntry {
        targets: &["std::thread::JoinHandle.join", "std::thread::scope"],
        hazard: Blocks,
        replacement: "spawn with `tokio::task::spawn_blocking` and `.await` its `JoinHandle`",
    },
    BlockingEntry {
        targets: &[
            "*.blocking_lock", "*.blocking_lock_owned", "*.blocking_read", "*.blocking_write",
            "*.blocking_recv", "*.blocking_recv_many", "*.blocking_send",
        ],
        hazard: PanicsInRuntime,
        replacement: "`.await` the async form instead (`.{name}` without `blocking_`)",
    },
    BlockingEntry {
        targets: &[
            "reqwest::blocking::get", "reqwest::blocking::Client::new",
            "reqwest::blocking::ClientBuilder.build", "reqwest::blocking::RequestBuilder.send",
            "reqwest::blocking::Client.execute",
        ],
        hazard: PanicsInRuntime,
        replacement: "use the async `reqwest::Client` and `.send().await`",
    },
    BlockingEntry {
        targets: &[
            "ureq::Request.call", "ureq::Request.send", "ureq::Request.send_json",
            "ureq::Request.send_string", "ureq::Request.send_form", "ureq::Request.send_bytes",
            "ureq::Request.send_empty",
        ],
        hazard: Blocks,
        replacement: "use an async HTTP client (`reqwest::Client`), or run the request in `spawn_blocking`",
    },
    BlockingEntry {
        targets: &[
            "postgres::Client::connect", "postgres::Config.connect", "postgres::Client.query",
            "postgres::Client.query_one", "postgres::Client.query_opt", "postgres::Client.query_raw",
            "postgres::Client.execute", "postgres::Client.batch_execute", "postgres::Client.simple_query",
            "postgres::Client.prepare", "postgres::Client.transaction", "postgres::Client.copy_in",
            "postgres::Client.copy_out",
        ],
        hazard: PanicsInRuntime,
        replacement: "use `tokio_postgres` (`client.{name}(..).await`)",
    },
    BlockingEntry {
        targets: &[
            "rusqlite::Connection::open", "rusqlite::Connection::open_in_memory",
            "rusqlite::Connection::open_with_flags", "rusqlite::Connection.execute",
            "rusqlite::Connection.execute_batch", "rusqlite::Connection.query_row",
            "rusqlite::Connection.prepare", "rusqlite::Connection.prepare_cached",
            "rusqlite::Connection.transaction", "rusqlite::Statement.execute",
            "rusqlite::Statement.query", "rusqlite::Statement.query_map", "rusqlite::Statement.query_row",
            "rusqlite::Statement.exists", "rusqlite::Statement.insert",
        ],
        hazard: Blocks,
        replacement: SPAWN_BLOCKING,
    },
    BlockingEntry {
        targets: &[
            "diesel::Connection::establish", "diesel::PgConnection::establish",
            "diesel::SqliteConnection::establish", "diesel::MysqlConnection::establish",
            "diesel::pg::PgConnection::establish", "diesel::sqlite::SqliteConnection::establish",
            "diesel::mysql::MysqlConnection::establish",
            "trait diesel::RunQueryDsl::load", "trait diesel::RunQueryDsl::get_result",
            "trait diesel::RunQueryDsl::get_results", "trait diesel::RunQueryDsl::first",
            "trait diesel::RunQueryDsl::execute",
        ],
        hazard: Blocks,
        replacement: "use `diesel-async`, or run the query in `tokio::task::spawn_blocking`",
    },
    BlockingEntry {
        targets: &[
            "redis::Client.get_connection", "redis::Client.get_connection_with_timeout",
            "redis::Cmd.query", "redis::Cmd.execute", "redis::Pipeline.query", "redis::Pipeline.execute",
            "redis::Connection.get", "redis::Connection.set", "redis::Connection.set_ex",
            "redis::Connection.del", "redis::Connection.exists", "redis::Connection.expire",
            "redis::Connection.incr", "redis::Connection.decr", "redis::Connection.hget",
            "redis::Connection.hset", "redis::Connection.hdel", "redis::Connection.hgetall",
            "redis::Connection.lpush", "redis::Connection.rpush", "redis::Connection.lpop",
            "redis::Connection.rpop", "redis::Connection.lrange", "redis::Connection.sadd",
            "redis::Connection.srem", "redis::Connection.smembers", "redis::Connection.publish",
            "redis::Connection.keys", "redis::Connection.mget", "redis::Connection.mset",
            "redis::Connection.zadd", "redis::Connection.zrange",
        ],
        hazard: Blocks,
        replacement: "use redis' async connection (`client.get_multiplexed_async_connection().await`)",
    },
    BlockingEntry {
        targets: &[
            "crossbeam_channel::Receiver.recv", "crossbeam_channel::Receiver.recv_timeout",
            "crossbeam_channel::Receiver.iter", "for crossbeam_channel::Receiver",
        ],
        hazard: Blocks,
        replacement: "use a `tokio::sync::mpsc` channel, or receive in `spawn_blocking`",
    },
];

/// Functions and methods that run a future to completion on the current thread.
/// `*.block_on` matches a `block_on` method on a receiver of unknown type (pollster's
/// `FutureExt::block_on`, runtimes reached through untyped expressions).
pub const EXECUTORS: &[&str] = &[
    "futures::executor::block_on",
    "pollster::block_on",
    "async_std::task::block_on",
    "smol::block_on",
    "futures_lite::future::block_on",
    "async_io::block_on",
    "async_global_executor::block_on",
    "tokio::runtime::Runtime.block_on",
    "tokio::runtime::Handle.block_on",
    "tokio::task::LocalSet.block_on",
    "futures::executor::LocalPool.run_until",
    "*.block_on",
];

/// Functions and methods whose closure argument runs on another thread (not in async context).
pub const OFFLOADERS: &[&str] = &[
    "tokio::task::spawn_blocking",
    "tokio::task::block_in_place",
    "std::thread::spawn",
    "rayon::spawn",
    "rayon::spawn_fifo",
    "rayon::scope",
    "rayon::join",
    "async_std::task::spawn_blocking",
    "smol::unblock",
    "blocking::unblock",
    "actix_web::web::block",
    "*.spawn_blocking",
    "*.block_in_place",
    "*.unblock",
];

/// Smart pointers, guards and lazies that auto-deref to their first generic argument.
pub const DEREF_WRAPPERS: &[&str] = &[
    "std::sync::Arc",
    "std::rc::Rc",
    "std::boxed::Box",
    "std::pin::Pin",
    "std::sync::MutexGuard",
    "std::sync::RwLockReadGuard",
    "std::sync::RwLockWriteGuard",
    "std::cell::Ref",
    "std::cell::RefMut",
    "std::sync::LazyLock",
    "std::cell::LazyCell",
    "once_cell::sync::Lazy",
    "once_cell::unsync::Lazy",
    "parking_lot::MutexGuard",
    "tokio::sync::MutexGuard",
    "std::mem::ManuallyDrop",
];

/// Return types of well-known constructors and methods (`Type.method` for methods).
pub const RETURNS: &[(&str, &str)] = &[
    ("std::fs::File::open", "std::io::Result<std::fs::File>"),
    ("std::fs::File::create", "std::io::Result<std::fs::File>"),
    (
        "std::fs::File::create_new",
        "std::io::Result<std::fs::File>",
    ),
    ("std::fs::File::options", "std::fs::OpenOptions"),
    ("std::fs::OpenOptions::new", "std::fs::OpenOptions"),
    ("std::fs::OpenOptions.read", "$self"),
    ("std::fs::OpenOptions.write", "$self"),
    ("std::fs::OpenOptions.append", "$self"),
    ("std::fs::OpenOptions.create", "$self"),
    ("std::fs::OpenOptions.create_new", "$self"),
    ("std::fs::OpenOptions.truncate", "$self"),
    (
        "std::fs::OpenOptions.open",
        "std::io::Result<std::fs::File>",
    ),
    ("std::fs::File.try_clone", "std::io::Result<std::fs::File>"),
    ("std::io::stdin", "std::io::Stdin"),
    ("std::io::Stdin.lock", "std::io::StdinLock"),
    ("std::path::Path::new", "&std::path::Path"),
    ("std::path::PathBuf::from", "std::path::PathBuf"),
    ("std::path::PathBuf::new", "std::path::PathBuf"),
    ("std::path::Path.join", "std::path::PathBuf"),
    ("std::path::PathBuf.join", "std::path::PathBuf"),
    ("std::path::Path.to_path_buf", "std::path::PathBuf"),
    ("std::path::PathBuf.as_path", "&std::path::Path"),
    (
        "std::path::Path.parent",
        "std::option::Option<&std::path::Path>",
    ),
    (
        "std::path::PathBuf.parent",
        "std::option::Option<&std::path::Path>",
    ),
    (
        "std::sync::mpsc::channel",
        "(std::sync::mpsc::Sender<$0>, std::sync::mpsc::Receiver<$0>)",
    ),
    (
        "std::sync::mpsc::sync_channel",
        "(std::sync::mpsc::SyncSender, std::sync::mpsc::Receiver)",
    ),
    ("std::sync::mpsc::Sender.clone", "$self"),
    ("std::sync::mpsc::SyncSender.clone", "$self"),
    ("std::thread::spawn", "std::thread::JoinHandle"),
    ("std::thread::Builder::new", "std::thread::Builder"),
    ("std::thread::Builder.name", "$self"),
    ("std::thread::Builder.stack_size", "$self"),
    (
        "std::thread::Builder.spawn",
        "std::io::Result<std::thread::JoinHandle>",
    ),
    ("std::sync::Arc::new", "std::sync::Arc<$0>"),
    ("std::sync::Arc::clone", "$0"),
    ("std::rc::Rc::new", "std::rc::Rc<$0>"),
    ("std::rc::Rc::clone", "$0"),
    ("std::boxed::Box::new", "std::boxed::Box<$0>"),
    ("std::sync::Mutex::new", "std::sync::Mutex<$0>"),
    ("std::sync::RwLock::new", "std::sync::RwLock<$0>"),
    ("std::sync::Condvar::new", "std::sync::Condvar"),
    ("std::sync::Barrier::new", "std::sync::Barrier"),
    ("std::cell::RefCell::new", "std::cell::RefCell<$0>"),
    ("parking_lot::Mutex::new", "parking_lot::Mutex<$0>"),
    ("parking_lot::RwLock::new", "parking_lot::RwLock<$0>"),
    ("tokio::sync::Mutex::new", "tokio::sync::Mutex<$0>"),
    ("tokio::sync::RwLock::new", "tokio::sync::RwLock<$0>"),
    (
        "std::net::TcpStream::connect",
        "std::io::Result<std::net::TcpStream>",
    ),
    (
        "std::net::TcpStream::connect_timeout",
        "std::io::Result<std::net::TcpStream>",
    ),
    (
        "std::net::TcpListener::bind",
        "std::io::Result<std::net::TcpListener>",
    ),
    (
        "std::net::TcpListener.accept",
        "std::io::Result<(std::net::TcpStream, std::net::SocketAddr)>",
    ),
    (
        "std::net::UdpSocket::bind",
        "std::io::Result<std::net::UdpSocket>",
    ),
    ("std::process::Command::new", "std::process::Command"),
    ("std::process::Command.arg", "$self"),
    ("std::process::Command.args", "$self"),
    ("std::process::Command.env", "$self"),
    ("std::process::Command.envs", "$self"),
    ("std::process::Command.env_clear", "$self"),
    ("std::process::Command.env_remove", "$self"),
    ("std::process::Command.current_dir", "$self"),
    ("std::process::Command.stdin", "$self"),
    ("std::process::Command.stdout", "$self"),
    ("std::process::Command.stderr", "$self"),
    (
        "std::process::Command.spawn",
        "std::io::Result<std::process::Child>",
    ),
    (
        "tokio::runtime::Runtime::new",
        "std::io::Result<tokio::runtime::Runtime>",
    ),
    (
        "tokio::runtime::Builder::new_multi_thread",
        "tokio::runtime::Builder",
    ),
    (
        "tokio::runtime::Builder::new_current_thread",
        "tokio::runtime::Builder",
    ),
    ("tokio::runtime::Builder.enable_all", "$self"),
    ("tokio::runtime::Builder.enable_io", "$self"),
    ("tokio::runtime::Builder.enable_time", "$self"),
    ("tokio::runtime::Builder.worker_threads", "$self"),
    ("tokio::runtime::Builder.thread_name", "$self"),
    ("tokio::runtime::Builder.max_blocking_threads", "$self"),
    (
        "tokio::runtime::Builder.build",
        "std::io::Result<tokio::runtime::Runtime>",
    ),
    ("tokio::runtime::Runtime.handle", "&tokio::runtime::Handle"),
    ("tokio::runtime::Handle::current", "tokio::runtime::Handle"),
    (
        "tokio::runtime::Handle::try_current",
        "std::result::Result<tokio::runtime::Handle>",
    ),
    ("tokio::task::LocalSet::new", "tokio::task::LocalSet"),
    (
        "futures::executor::LocalPool::new",
        "futures::executor::LocalPool",
    ),
    (
        "tokio::sync::mpsc::channel",
        "(tokio::sync::mpsc::Sender<$0>, tokio::sync::mpsc::Receiver<$0>)",
    ),
    (
        "tokio::sync::mpsc::unbounded_channel",
        "(tokio::sync::mpsc::UnboundedSender, tokio::sync::mpsc::UnboundedReceiver)",
    ),
    (
        "tokio::sync::oneshot::channel",
        "(tokio::sync::oneshot::Sender, tokio::sync::oneshot::Receiver)",
    ),
    (
        "tokio::sync::broadcast::channel",
        "(tokio::sync::broadcast::Sender, tokio::sync::broadcast::Receiver)",
    ),
    (
        "tokio::sync::watch::channel",
        "(tokio::sync::watch::Sender, tokio::sync::watch::Receiver)",
    ),
    (
        "crossbeam_channel::unbounded",
        "(crossbeam_channel::Sender, crossbeam_channel::Receiver)",
    ),
    (
        "crossbeam_channel::bounded",
        "(crossbeam_channel::Sender, crossbeam_channel::Receiver)",
    ),
    (
        "reqwest::blocking::Client::new",
        "reqwest::blocking::Client",
    ),
    (
        "reqwest::blocking::Client::builder",
        "reqwest::blocking::ClientBuilder",
    ),
    (
        "reqwest::blocking::ClientBuilder::new",
        "reqwest::blocking::ClientBuilder",
    ),
    ("reqwest::blocking::ClientBuilder.timeout", "$self"),
    ("reqwest::blocking::ClientBuilder.user_agent", "$self"),
    (
        "reqwest::blocking::ClientBuilder.build",
        "std::result::Result<reqwest::blocking::Client>",
    ),
    (
        "reqwest::blocking::Client.get",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.post",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.put",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.patch",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.delete",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.head",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.request",
        "reqwest::blocking::RequestBuilder",
    ),
    ("reqwest::blocking::RequestBuilder.header", "$self"),
    ("reqwest::blocking::RequestBuilder.headers", "$self"),
    ("reqwest::blocking::RequestBuilder.query", "$self"),
    ("reqwest::blocking::RequestBuilder.json", "$self"),
    ("reqwest::blocking::RequestBuilder.form", "$self"),
    ("reqwest::blocking::RequestBuilder.body", "$self"),
    ("reqwest::blocking::RequestBuilder.timeout", "$self"),
    ("reqwest::blocking::RequestBuilder.bearer_auth", "$self"),
    ("reqwest::blocking::RequestBuilder.basic_auth", "$self"),
    ("ureq::get", "ureq::Request"),
    ("ureq::post", "ureq::Request"),
    ("ureq::put", "ureq::Request"),
    ("ureq::patch", "ureq::Request"),
    ("ureq::delete", "ureq::Request"),
    ("ureq::head", "ureq::Request"),
    ("ureq::request", "ureq::Request"),
    ("ureq::agent", "ureq::Agent"),
    ("ureq::Agent::new", "ureq::Agent"),
    ("ureq::Agent.get", "ureq::Request"),
    ("ureq::Agent.post", "ureq::Request"),
    ("ureq::Agent.put", "ureq::Request"),
    ("ureq::Agent.delete", "ureq::Request"),
    ("ureq::Agent.request", "ureq::Request"),
    ("ureq::Request.set", "$self"),
    ("ureq::Request.header", "$self"),
    ("ureq::Request.query", "$self"),
    ("ureq::Request.timeout", "$self"),
    (
        "postgres::Client::connect",
        "std::result::Result<postgres::Client>",
    ),
    ("postgres::Config::new", "postgres::Config"),
    (
        "postgres::Config.connect",
        "std::result::Result<postgres::Client>",
    ),
    (
        "rusqlite::Connection::open",
        "std::result::Result<rusqlite::Connection>",
    ),
    (
        "rusqlite::Connection::open_in_memory",
        "std::result::Result<rusqlite::Connection>",
    ),
    (
        "rusqlite::Connection.prepare",
        "std::result::Result<rusqlite::Statement>",
    ),
    ("redis::Client::open", "std::result::Result<redis::Client>"),
    (
        "redis::Client.get_connection",
        "std::result::Result<redis::Connection>",
    ),
    ("redis::cmd", "redis::Cmd"),
    ("redis::Cmd::new", "redis::Cmd"),
    ("redis::Cmd.arg", "$self"),
    ("redis::pipe", "redis::Pipeline"),
    ("redis::Pipeline.cmd", "$self"),
    ("redis::Pipeline.arg", "$self"),
    ("redis::Pipeline.atomic", "$self"),
    ("redis::Pipeline.ignore", "$self"),
    ("std::option::Option::Some", "std::option::Option<$0>"),
    ("std::result::Result::Ok", "std::result::Result<$0>"),
];

/// Canonical spellings: a path equal to the left side (or starting with it, when it ends in
/// `::`) is rewritten to the right side. Re-exports and facade crates.
pub const ALIASES: &[(&str, &str)] = &[
    ("core::", "std::"),
    ("alloc::", "std::"),
    ("futures_util::", "futures::"),
    ("futures_executor::", "futures::executor::"),
    (
        "futures::executor::block_on::block_on",
        "futures::executor::block_on",
    ),
    ("smol::future::", "futures_lite::future::"),
    ("crossbeam::channel::", "crossbeam_channel::"),
    ("tokio::spawn", "tokio::task::spawn"),
    ("diesel::prelude::", "diesel::"),
    ("diesel::query_dsl::RunQueryDsl", "diesel::RunQueryDsl"),
    ("diesel::connection::Connection", "diesel::Connection"),
    ("std::io::prelude::", "std::io::"),
];

/// Further paths that exist, so glob imports of their modules resolve.
pub const KNOWN_PATHS: &[&str] = &[
    "std::mem::drop",
    "std::mem::forget",
    "std::sync::Mutex",
    "std::sync::RwLock",
    "std::sync::Arc",
    "std::time::Duration",
    "std::time::Instant",
    "std::thread::spawn",
    "tokio::time::sleep",
    "tokio::time::sleep_until",
    "tokio::time::timeout",
    "tokio::time::interval",
    "tokio::task::spawn",
    "tokio::task::spawn_local",
    "tokio::sync::Mutex",
    "tokio::sync::RwLock",
    "tokio::sync::Notify",
    "tokio::sync::Semaphore",
    "tokio::runtime::Runtime",
    "tokio::runtime::Handle",
    "tokio::runtime::Builder",
    "diesel::RunQueryDsl",
    "diesel::Connection",
    "diesel::PgConnection",
    "diesel::SqliteConnection",
    "diesel::MysqlConnection",
    "std::net::ToSocketAddrs",
    "std::io::Read",
    "std::io::Write",
    "std::io::BufRead",
];
