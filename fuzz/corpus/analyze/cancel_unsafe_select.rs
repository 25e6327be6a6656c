// Fixture for `cancel_unsafe_select`. Lines that must be reported carry an expectation marker
// naming the rule; every other line must stay silent.
use std::sync::Arc;
use std::time::Duration;

use futures::{FutureExt, SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{broadcast, mpsc, Mutex, Notify, RwLock, Semaphore};

struct Conn {
    stream: TcpStream,
    outbox: mpsc::Sender<Vec<u8>>,
    state: Arc<Mutex<u32>>,
    table: RwLock<Vec<u32>>,
    permits: Semaphore,
    wake: Notify,
}

struct Mailbox;

impl Mailbox {
    async fn send(&self, _m: u32) {}
    async fn lock(&self) {}
}

// ---------------------------------------------------------------- must report

async fn read_exact_in_loop(stream: &mut TcpStream, mut stop: broadcast::Receiver<()>) {
    let mut header = [0u8; 4];
    loop {
        tokio::select! {
            res = stream.read_exact(&mut header) => { let _ = res; } //~ cancel_unsafe_select
            _ = stop.recv() => break,
        }
    }
}

async fn read_to_end_in_while(stream: &mut TcpStream, mut rx: mpsc::Receiver<()>, mut running: bool) {
    let mut buf = Vec::new();
    while running {
        tokio::select! {
            _ = stream.read_to_end(&mut buf) => {} //~ cancel_unsafe_select
            _ = rx.recv() => running = false,
        }
    }
}

async fn read_to_string_in_for(stream: &mut TcpStream, rounds: u32) {
    let mut text = String::new();
    for _ in 0..rounds {
        tokio::select! {
            _ = stream.read_to_string(&mut text) => {} //~ cancel_unsafe_select
            _ = tokio::time::sleep(Duration::from_secs(1)) => {} //~ select_timer_reset
        }
    }
}

async fn read_u32_frame(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            len = stream.read_u32() => { let _ = len; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn read_u64_le_frame(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            len = stream.read_u64_le() => { let _ = len; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn read_line_on_bufreader(stream: TcpStream, mut rx: mpsc::Receiver<u8>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        tokio::select! {
            n = reader.read_line(&mut line) => { let _ = n; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn read_until(reader: &mut BufReader<TcpStream>, mut rx: mpsc::Receiver<u8>) {
    let mut buf = Vec::new();
    loop {
        tokio::select! {
            _ = reader.read_until(b'\n', &mut buf) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn write_all_in_loop(stream: &mut TcpStream, mut rx: mpsc::Receiver<Vec<u8>>, frame: Vec<u8>) {
    loop {
        tokio::select! {
            _ = stream.write_all(&frame) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn mpsc_send(conn: &Conn, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = conn.outbox.send(vec![1]) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn mpsc_reserve(tx: mpsc::Sender<u8>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            permit = tx.reserve() => { let _ = permit; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn tokio_mutex_lock(conn: &Conn, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            guard = conn.state.lock() => { let _ = guard; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn rwlock_write(conn: &Conn, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            mut table = conn.table.write() => table.clear(), //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn rwlock_read_owned(table: Arc<RwLock<u32>>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            value = table.clone().read_owned() => { let _ = value; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn semaphore_acquire(conn: &Conn, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            permit = conn.permits.acquire() => { let _ = permit; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn semaphore_acquire_owned(permits: Arc<Semaphore>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            permit = permits.clone().acquire_owned() => { let _ = permit; } //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn notify_notified(conn: &Conn, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = conn.wake.notified() => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn sink_send<S>(mut sink: S, mut rx: mpsc::Receiver<u8>)
where
    S: futures::Sink<u8> + Unpin,
{
    loop {
        tokio::select! {
            _ = sink.send(1u8) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn futures_select_with_fuse(stream: &mut TcpStream, mut rx: futures::channel::mpsc::Receiver<u8>) {
    let mut buf = [0u8; 8];
    loop {
        futures::select! {
            res = stream.read_exact(&mut buf).fuse() => { let _ = res; } //~ cancel_unsafe_select
            msg = rx.next() => { let _ = msg; }
        }
    }
}

async fn futures_select_biased(stream: &mut TcpStream, mut rx: futures::channel::mpsc::Receiver<u8>) {
    loop {
        futures::select_biased! {
            msg = rx.next() => { let _ = msg; }
            _ = stream.write_all(b"ping").fuse() => {} //~ cancel_unsafe_select
            complete => break,
        }
    }
}

async fn biased_with_precondition(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>, ready: bool) {
    let mut buf = [0u8; 2];
    loop {
        tokio::select! {
            biased;
            Some(_) = rx.recv() => {}
            res = stream.read_exact(&mut buf), if ready => { let _ = res; } //~ cancel_unsafe_select
            else => break,
        }
    }
}

async fn boxed_branch(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    let mut buf = [0u8; 2];
    loop {
        tokio::select! {
            _ = Box::pin(stream.read_exact(&mut buf)) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn inside_timeout(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    let mut buf = [0u8; 2];
    loop {
        tokio::select! {
            _ = tokio::time::timeout(Duration::from_secs(1), stream.read_exact(&mut buf)) => {} //~ cancel_unsafe_select, select_timer_reset
            Some(_) = rx.recv() => {}
        }
    }
}

async fn loop_through_blocks(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>, verbose: bool) {
    let mut buf = [0u8; 2];
    loop {
        if verbose {
            {
                tokio::select! {
                    _ = stream.read_exact(&mut buf) => {} //~ cancel_unsafe_select
                    Some(_) = rx.recv() => {}
                }
            }
        }
    }
}

fn loop_inside_spawned_task(mut stream: TcpStream, mut rx: mpsc::Receiver<u8>) {
    tokio::spawn(async move {
        let mut buf = [0u8; 2];
        loop {
            tokio::select! {
                _ = stream.read_exact(&mut buf) => {} //~ cancel_unsafe_select
                Some(_) = rx.recv() => {}
            }
        }
    });
}

async fn imported_select(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    use tokio::select;
    let mut buf = [0u8; 2];
    loop {
        select! {
            _ = stream.read_exact(&mut buf) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn some_pattern_on_unsafe_op(tx: mpsc::Sender<u8>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Ok(()) = tx.send(7) => {} //~ cancel_unsafe_select
            Some(_) = rx.recv() => {}
        }
    }
}

async fn two_unsafe_branches(stream: &mut TcpStream, tx: mpsc::Sender<u8>) {
    let mut buf = [0u8; 2];
    loop {
        tokio::select! {
            _ = stream.read_exact(&mut buf) => {} //~ cancel_unsafe_select
            _ = tx.send(1) => {} //~ cancel_unsafe_select
        }
    }
}

// ---------------------------------------------------------------- must stay silent

async fn cancel_safe_operations(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>, mut b: broadcast::Receiver<u8>) {
    let mut buf = [0u8; 64];
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            n = stream.read(&mut buf) => { let _ = n; }
            Some(_) = rx.recv() => {}
            _ = b.recv() => {}
            _ = tick.tick() => {}
            _ = stream.write(b"x") => {}
            _ = stream.readable() => {}
        }
    }
}

async fn pinned_outside_the_loop(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    let mut buf = [0u8; 4];
    let read = stream.read_exact(&mut buf);
    tokio::pin!(read);
    loop {
        tokio::select! {
            res = &mut read => { let _ = res; break; }
            Some(_) = rx.recv() => {}
        }
    }
}

async fn select_outside_any_loop(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    let mut buf = [0u8; 4];
    tokio::select! {
        _ = stream.read_exact(&mut buf) => {}
        Some(_) = rx.recv() => {}
    }
}

async fn lines_next_line(stream: TcpStream, mut rx: mpsc::Receiver<u8>) {
    let mut lines = BufReader::new(stream).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => { let _ = line; }
            Some(_) = rx.recv() => {}
        }
    }
}

async fn sync_and_cancel_safe_senders(b: broadcast::Sender<u8>, u: mpsc::UnboundedSender<u8>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(v) = rx.recv() => {
                let _ = b.send(v);
                let _ = u.send(v);
            }
        }
    }
}

async fn unsafe_op_in_handler_not_branch(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            Some(v) = rx.recv() => {
                stream.write_all(&[v]).await.ok();
            }
        }
    }
}

async fn own_types_with_tokio_names(mailbox: &Mailbox, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = mailbox.send(1) => {}
            _ = mailbox.lock() => {}
            Some(_) = rx.recv() => {}
        }
    }
}

async fn loop_in_closure_does_not_count(stream: Arc<Mutex<TcpStream>>, mut rx: mpsc::Receiver<u8>) {
    let _retry = || loop {};
    tokio::select! {
        _ = stream.lock() => {}
        Some(_) = rx.recv() => {}
    }
}

async fn async_block_inside_loop_is_its_own_context(mut stream: TcpStream) {
    loop {
        let task = async move {
            let mut buf = [0u8; 2];
            tokio::select! {
                _ = stream.read_exact(&mut buf) => {}
            }
        };
        task.await;
        break;
    }
}

async fn stream_next_and_token(mut frames: futures::stream::BoxStream<'static, u8>, token: tokio_util::sync::CancellationToken) {
    loop {
        tokio::select! {
            frame = frames.next() => { let _ = frame; }
            _ = token.cancelled() => break,
        }
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, mut stop: mpsc::Receiver<()>) {
    loop {
        tokio::select! {
            conn = listener.accept() => { let _ = conn; }
            _ = stop.recv() => break,
        }
    }
}

async fn join_handle_branch(mut handle: tokio::task::JoinHandle<()>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = &mut handle => break,
            Some(_) = rx.recv() => {}
        }
    }
}

async fn io_write_with_buffer_arg(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            n = stream.write(b"hello") => { let _ = n; }
            Some(_) = rx.recv() => {}
        }
    }
}

async fn watch_changed(mut w: tokio::sync::watch::Receiver<u8>, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = w.changed() => {}
            Some(_) = rx.recv() => {}
        }
    }
}

async fn signal_ctrl_c(mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            Some(_) = rx.recv() => {}
        }
    }
}

async fn read_u8_is_safe(stream: &mut TcpStream, mut rx: mpsc::Receiver<u8>) {
    loop {
        tokio::select! {
            b = stream.read_u8() => { let _ = b; }
            Some(_) = rx.recv() => {}
        }
    }
}
