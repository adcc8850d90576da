package dev.tether.chaos.internal;

import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import dev.tether.chaos.ToxicType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * One direction of a connection: bytes read from {@code in}, passed through the stream's toxics,
 * written to {@code out}.
 *
 * <ol>
 *   <li>A reader thread reads chunks and stamps their arrival time. While the stream has no
 *       toxic and nothing is queued, it writes the chunk itself (the fast path: no thread
 *       hand-off). Both sockets have channels (the proxy makes them so), and the chunk is read
 *       into and written from one direct buffer: the bytes go from kernel to kernel with no
 *       copy through the Java heap. Once a read fills the first buffer, the fast path moves to
 *       a larger one ({@link #BULK_BUFFER}): a bulk transfer then costs a read and a write per
 *       256 KB instead of per 64 KB, while chatty and idle connections keep the small one.</li>
 *   <li>Otherwise it queues a heap copy for the writer thread (started on first need), so a toxic
 *       that waits never stops the reading: latency is measured from arrival, as in Toxiproxy,
 *       and does not add up across chunks.</li>
 *   <li>The writer passes each chunk through the toxic list current at that moment, toxic by
 *       toxic ({@link #pass}); a toxic may wait, cut, drop or end the connection.</li>
 *   <li>Waits are on the chain's change signal, so a toxic updated or removed under a waiting
 *       chunk lets it go on at once: nothing held is lost.</li>
 *   <li>End of stream travels the same way and becomes a FIN on {@code out} (half-close); the
 *       other direction goes on until it ends too.</li>
 * </ol>
 *
 * <p>{@link #pending} counts chunks queued but not yet written. Only the reader increments it,
 * so when the reader sees zero, every earlier chunk is out and the fast path keeps the order.
 */
final class Pipe {

    /** The first buffer, and the most a chunk holds while the stream has toxics (their unit of work). */
    private static final int BUFFER = 64 * 1024;
    /**
     * The fast path's buffer once a read filled {@link #BUFFER}. Each read and write on a
     * blocking channel costs JDK and system call time on top of its copy (user time alone fell
     * from about 60 to 25 µs per MB moved with 256 KB instead of 64 KB); a 1 MB buffer cost more
     * CPU per MB, not less, when measured, likely because the write no longer copies from cache
     * what the read just put there.
     */
    private static final int BULK_BUFFER = 256 * 1024;
    private static final int QUEUE = 32;
    /** A deadline that has already passed. */
    private static final long NOW = Long.MIN_VALUE;

    private final Connection conn;
    private final Stream stream;
    private final Socket in;
    private final Socket out;
    private final ToxicChain chain;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicInteger pending = new AtomicInteger();
    /** Per-connection state of the stateful toxics; touched by the writer thread only. */
    private final Map<ToxicSlot, long[]> state = new HashMap<>();
    private volatile Thread reader;
    private volatile Thread writer;
    /** Set once a FIN went out (or half_close sent one): later data has nowhere to go. */
    private volatile boolean outputEnded;
    /** Set by half_close on the other direction: the next byte from {@code in} is answered with RST. */
    private volatile boolean resetOnRead;
    private OutputStream output;

    Pipe(Connection conn, Stream stream, Socket in, Socket out, ToxicChain chain) {
        this.conn = conn;
        this.stream = stream;
        this.in = in;
        this.out = out;
        this.chain = chain;
    }

    void start() throws IOException {
        output = out.getOutputStream();
        // ProxyRuntime makes both sockets with channels (a listener's and an upstream's adaptor).
        SocketChannel input = in.getChannel();
        SocketChannel direct = out.getChannel();
        reader = Workers.start(conn.threadName(stream, "read"), () -> readLoop(input, direct));
    }

    /** Wakes the threads after the connection closed its sockets. */
    void stop() {
        Thread r = reader;
        Thread w = writer;
        if (r != null) {
            r.interrupt();
        }
        if (w != null) {
            w.interrupt();
        }
    }

    void resetOnNextRead() {
        resetOnRead = true;
    }

    /** half_close: FIN to this direction's receiver; whatever still comes this way is dropped. */
    void endOutput(String reason) {
        outputEnded = true;
        Sockets.finOutput(out, reason);
    }

    /** The reader: one direct buffer, no heap copy on the fast path. */
    private void readLoop(SocketChannel input, SocketChannel direct) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try {
            while (!conn.isClosed()) {
                holdWhileBlackholed();
                buffer.clear();
                if (!fastPath()) {
                    buffer.limit(BUFFER); // toxics see the chunks they always saw
                }
                int n = input.read(buffer);
                if (n < 0) {
                    endOfInput();
                    return;
                }
                if (arrived()) {
                    return;
                }
                buffer.flip();
                if (fastPath()) {
                    write(direct, buffer);
                    if (n == buffer.capacity() && n < BULK_BUFFER) {
                        buffer = ByteBuffer.allocateDirect(BULK_BUFFER); // a bulk transfer: see BULK_BUFFER
                    }
                } else {
                    byte[] copy = new byte[n];
                    buffer.get(copy);
                    deliver(new Chunk(copy, 0, n, System.nanoTime()));
                }
            }
        } catch (IOException e) {
            readFailed(e);
        } catch (InterruptedException e) {
            // The connection is closing.
        }
    }

    /** No toxic on this stream and nothing queued: the reader writes the chunk itself. */
    private boolean fastPath() {
        return pending.get() == 0 && chain.slots(stream).isEmpty();
    }

    /** End of stream from the sender: on through the chain, or an RST after half_close. */
    private void endOfInput() throws InterruptedException {
        if (resetOnRead) {
            conn.close(Sockets.Close.FIN, stream.opposite().jsonName() + " receiver closed after half_close");
            return;
        }
        deliver(Chunk.end(System.nanoTime()));
    }

    /** Bytes arrived: true if they end the connection (after half_close sent the sender a FIN). */
    private boolean arrived() {
        conn.touch();
        if (resetOnRead) {
            conn.close(Sockets.Close.RST, "wrote after half_close sent it a FIN");
            return true;
        }
        return false;
    }

    /**
     * A read fails when the sender reset its side: pass the reset on, as a direct connection
     * would have shown it, unless the lab itself closed the socket.
     */
    private void readFailed(IOException e) {
        conn.close(Sockets.Close.RST, stream.jsonName() + " read failed: " + e.getMessage());
    }

    private void deliver(Chunk chunk) throws InterruptedException {
        if (chunk.isEnd() && fastPath()) {
            end();
            return;
        }
        pending.incrementAndGet();
        if (writer == null) {
            writer = Workers.start(conn.threadName(stream, "write"), this::writeLoop);
        }
        queue.put(chunk);
    }

    private void holdWhileBlackholed() throws InterruptedException {
        while (true) {
            long seen = chain.version();
            boolean held = false;
            for (ToxicSlot slot : chain.slots(stream)) {
                if (slot.toxic().type() == ToxicType.BLACKHOLE && !slot.removed() && conn.applies(slot)) {
                    held = true;
                    break;
                }
            }
            if (!held || conn.isClosed()) {
                return;
            }
            chain.awaitChange(seen, ToxicChain.FOREVER);
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                Chunk chunk = queue.take();
                try {
                    pass(chunk, chain.slots(stream), 0);
                } finally {
                    pending.decrementAndGet();
                }
                if (chunk.isEnd()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // The connection is closing.
        }
    }

    /** Passes a chunk through toxic {@code i} of {@code slots} and on to the ones after it. */
    private void pass(Chunk c, List<ToxicSlot> slots, int i) throws InterruptedException {
        if (conn.isClosed()) {
            return;
        }
        if (i == slots.size()) {
            if (c.isEnd()) {
                end();
            } else {
                write(c.data(), c.offset(), c.length());
            }
            return;
        }
        ToxicSlot slot = slots.get(i);
        if (slot.removed() || !conn.applies(slot)) {
            pass(c, slots, i + 1);
            return;
        }
        Toxic toxic = slot.toxic();
        switch (toxic.type()) {
            case LATENCY -> latency(c, slots, i, slot);
            case BANDWIDTH -> bandwidth(c, slots, i, slot);
            case SLOW_CLOSE -> {
                if (c.isEnd()) {
                    long arrived = c.arrivalNanos();
                    hold(slot, t -> arrived + millis(t, "delay"));
                }
                pass(c, slots, i + 1);
            }
            case TIMEOUT -> {
                // Data is dropped on the floor; the timer in Connection ends the connection.
                if (c.isEnd()) {
                    pass(c, slots, i + 1);
                }
            }
            case RESET_PEER -> resetPeer(c, slots, i, slot);
            case SLICER -> slicer(c, slots, i, slot);
            case LIMIT_DATA -> limitData(c, slots, i, slot);
            case BLACKHOLE -> {
                if (hold(slot, t -> ToxicChain.FOREVER)) {
                    return; // only a closing connection ends a hold forever
                }
                pass(c, slots, i + 1);
            }
            default -> pass(c, slots, i + 1); // connection-level toxics: see Connection.onToxic
        }
    }

    private void latency(Chunk c, List<ToxicSlot> slots, int i, ToxicSlot slot) throws InterruptedException {
        if (c.isEnd()) {
            pass(c, slots, i + 1);
            return;
        }
        // One draw per chunk, in [-1, 1): the delay is latency + f * jitter, Toxiproxy's range.
        double f = ThreadLocalRandom.current().nextDouble(-1.0, 1.0);
        long arrived = c.arrivalNanos();
        ToLongFunction<Toxic> due = t -> arrived + millis(t, "latency") + (long) (f * millis(t, "jitter"));
        boolean held = hold(slot, due);
        // Later latency toxics count from when this one let go, so they add up as in Toxiproxy.
        pass(c.arrivedAt(held ? due.applyAsLong(slot.toxic()) : System.nanoTime()), slots, i + 1);
    }

    private void bandwidth(Chunk c, List<ToxicSlot> slots, int i, ToxicSlot slot) throws InterruptedException {
        if (c.isEnd()) {
            pass(c, slots, i + 1);
            return;
        }
        long[] busyUntil = state.computeIfAbsent(slot, s -> new long[] {System.nanoTime()});
        int done = 0;
        while (done < c.length()) {
            if (!hold(slot, t -> t.longAttribute("rate") == 0 ? ToxicChain.FOREVER : NOW)) {
                pass(c.slice(done, c.length() - done), slots, i + 1);
                return;
            }
            long rate = slot.toxic().longAttribute("rate"); // KB/s = bytes per ms
            if (rate == 0) {
                continue;
            }
            // Pieces of 100 ms worth, each sent once its time has passed: the rate is never exceeded.
            int piece = (int) Math.min(c.length() - done, Math.max(1, rate * 100));
            long start = Math.max(System.nanoTime(), busyUntil[0]);
            long due = start + piece * 1_000_000L / rate;
            if (!hold(slot, t -> due)) {
                pass(c.slice(done, c.length() - done), slots, i + 1);
                return;
            }
            busyUntil[0] = due;
            pass(c.slice(done, piece), slots, i + 1);
            done += piece;
        }
    }

    private void resetPeer(Chunk c, List<ToxicSlot> slots, int i, ToxicSlot slot) throws InterruptedException {
        if (c.isEnd()) {
            pass(c, slots, i + 1);
            return;
        }
        long first = state.computeIfAbsent(slot, s -> new long[] {c.arrivalNanos()})[0];
        if (hold(slot, t -> first + millis(t, "timeout"))) {
            conn.close(Sockets.Close.RST, "reset_peer toxic " + slot.toxic().name());
        } else {
            pass(c, slots, i + 1);
        }
    }

    private void slicer(Chunk c, List<ToxicSlot> slots, int i, ToxicSlot slot) throws InterruptedException {
        if (c.isEnd()) {
            pass(c, slots, i + 1);
            return;
        }
        int done = 0;
        while (done < c.length()) {
            Toxic t = slot.toxic();
            long average = t.longAttribute("average_size");
            long variation = t.longAttribute("size_variation");
            long size = average;
            if (variation > 0) {
                size += ThreadLocalRandom.current().nextLong(-variation, variation + 1);
            }
            int piece = (int) Math.max(1, Math.min(size, c.length() - done));
            pass(c.slice(done, piece), slots, i + 1);
            done += piece;
            if (done < c.length()) {
                long sliced = System.nanoTime();
                if (!hold(slot, x -> sliced + x.longAttribute("delay") * 1000L)) {
                    pass(c.slice(done, c.length() - done), slots, i + 1);
                    return;
                }
            }
        }
    }

    private void limitData(Chunk c, List<ToxicSlot> slots, int i, ToxicSlot slot) throws InterruptedException {
        if (c.isEnd()) {
            pass(c, slots, i + 1);
            return;
        }
        long[] sent = state.computeIfAbsent(slot, s -> new long[1]);
        long limit = slot.toxic().longAttribute("bytes");
        int n = (int) Math.max(0, Math.min(c.length(), limit - sent[0]));
        if (n > 0) {
            pass(c.slice(0, n), slots, i + 1);
            sent[0] += n;
        }
        if (sent[0] >= limit) {
            conn.close(Sockets.Close.FIN, "limit_data toxic " + slot.toxic().name() + " passed " + limit + " bytes");
        }
    }

    /**
     * Waits while the toxic stays in force for this connection and its deadline, recomputed
     * from its current settings after every change, has not passed.
     *
     * @return true if the deadline passed with the toxic in force, false if it was removed or
     *     no longer applies to this connection
     */
    private boolean hold(ToxicSlot slot, ToLongFunction<Toxic> deadline) throws InterruptedException {
        while (true) {
            long seen = chain.version();
            if (slot.removed() || !conn.applies(slot)) {
                return false;
            }
            if (conn.isClosed()) {
                throw new InterruptedException("connection closed");
            }
            long due = deadline.applyAsLong(slot.toxic());
            if (due == NOW || (due != ToxicChain.FOREVER && System.nanoTime() - due >= 0)) {
                return true;
            }
            chain.awaitChange(seen, due);
        }
    }

    private static long millis(Toxic t, String attribute) {
        return t.longAttribute(attribute) * 1_000_000L;
    }

    private void write(byte[] data, int offset, int length) {
        if (outputEnded) {
            return;
        }
        try {
            output.write(data, offset, length);
        } catch (IOException e) {
            conn.close(Sockets.Close.RST, stream.jsonName() + " write failed: " + e.getMessage());
        }
    }

    private void write(SocketChannel direct, ByteBuffer data) {
        if (outputEnded) {
            return;
        }
        try {
            while (data.hasRemaining()) {
                direct.write(data);
            }
        } catch (IOException e) {
            conn.close(Sockets.Close.RST, stream.jsonName() + " write failed: " + e.getMessage());
        }
    }

    /** The sender's FIN reached the end of the chain: pass it on and leave the other way open. */
    private void end() {
        if (!outputEnded) {
            outputEnded = true;
            Sockets.finOutput(out, stream.jsonName() + " sender closed");
        }
        conn.directionEnded(stream);
    }
}
