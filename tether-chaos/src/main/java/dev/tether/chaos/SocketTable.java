package dev.tether.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's table of TCP sockets, for assertions a fault lab wants: "no socket was left in
 * CLOSE_WAIT towards the server", "the client's socket saw the FIN", "one connection per request
 * left that many in TIME_WAIT". It is what {@code ss -tan} shows, read from
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} of this network namespace.
 *
 * <p><b>Linux only.</b> Elsewhere (or where /proc is not mounted) {@link #available()} is false
 * and every method returns an empty list, which proves nothing: check {@link #available()} first
 * (in JUnit, {@code assumeTrue(SocketTable.available())}) where an empty answer is the assertion.
 *
 * <p>Every call reads the table afresh: poll it with a deadline (Awaitility) until the state you
 * expect shows, since the kernel moves sockets between states on its own time. A table that
 * exists but cannot be read is an {@link UncheckedIOException}. Stateless and thread-safe.
 */
public final class SocketTable {

    private static final Path TCP = Path.of("/proc/net/tcp");
    private static final Path TCP6 = Path.of("/proc/net/tcp6");

    /** TCP states, with the codes of the kernel's {@code include/net/tcp_states.h}. */
    public enum State {
        /** Open both ways. */
        ESTABLISHED(0x01),
        /** This side sent SYN and waits for the answer. */
        SYN_SENT(0x02),
        /** A SYN arrived and was answered; the handshake is not finished. */
        SYN_RECV(0x03),
        /** This side closed (FIN sent), not yet acknowledged. */
        FIN_WAIT1(0x04),
        /** This side's FIN was acknowledged; waiting for the peer's. */
        FIN_WAIT2(0x05),
        /** Both closed, this side first; the kernel keeps the socket a while. */
        TIME_WAIT(0x06),
        /** Closed. */
        CLOSE(0x07),
        /** The peer closed (FIN) and this side has not closed yet: a socket an application forgot. */
        CLOSE_WAIT(0x08),
        /** The peer closed first, then this side; waiting for the last acknowledgement. */
        LAST_ACK(0x09),
        /** A listening socket. */
        LISTEN(0x0A),
        /** Both sides closed at the same time. */
        CLOSING(0x0B),
        /** A connection request not yet accepted (kernel 4.4 and later). */
        NEW_SYN_RECV(0x0C);

        private final int code;

        State(int code) {
            this.code = code;
        }

        /** The state of a kernel code, or null for a code newer than this list (such sockets are left out). */
        static State of(int code) {
            for (State s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            return null;
        }
    }

    /**
     * One socket: its local and remote address and its state.
     *
     * @param local  the local address and port
     * @param remote the remote address and port (the wildcard for a listener)
     * @param state  the TCP state
     */
    public record Entry(InetSocketAddress local, InetSocketAddress remote, State state) {
        @Override
        public String toString() {
            return format(local) + " -> " + format(remote) + " " + state;
        }

        private static String format(InetSocketAddress a) {
            String host = a.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        }
    }

    private SocketTable() {
    }

    /**
     * Whether the table can be read here (Linux with /proc).
     *
     * @return true on Linux with /proc mounted
     */
    public static boolean available() {
        return Files.isReadable(TCP);
    }

    /**
     * Every TCP socket now, IPv4 and IPv6 (IPv4-mapped addresses read as IPv4); empty where not {@link #available()}.
     *
     * @return the sockets, a snapshot
     * @throws java.io.UncheckedIOException if the table exists but cannot be read
     */
    public static List<Entry> read() {
        List<Entry> entries = new ArrayList<>();
        for (Path table : List.of(TCP, TCP6)) {
            if (!Files.exists(table)) {
                continue; // not Linux, or IPv6 is off
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the socket table " + table, e);
            }
            // "  sl  local_address rem_address   st ...", then "0: 0100007F:1F90 0100007F:A3C2 08 ..."
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4) {
                    continue;
                }
                State state = State.of(Integer.parseInt(f[3], 16));
                if (state != null) {
                    entries.add(new Entry(address(f[1]), address(f[2]), state));
                }
            }
        }
        return entries;
    }

    /**
     * The sockets in {@code state} whose remote port is {@code remotePort}: a client's sockets
     * towards a server on that port (as {@code ss state close-wait '( dport = :PORT )'}).
     *
     * @param remotePort the server's port
     * @param state      the state to look for
     * @return the sockets; empty where not {@link #available()}
     */
    public static List<Entry> towards(int remotePort, State state) {
        List<Entry> found = new ArrayList<>();
        for (Entry e : read()) {
            if (e.state() == state && e.remote().getPort() == remotePort) {
                found.add(e);
            }
        }
        return found;
    }

    /**
     * The states of the sockets whose local port is {@code localPort}: for a client socket's
     * ephemeral port, its one state (empty once the kernel has forgotten it).
     *
     * @param localPort the socket's local port
     * @return the states; empty where not {@link #available()}
     */
    public static List<State> statesOf(int localPort) {
        List<State> states = new ArrayList<>();
        for (Entry e : read()) {
            if (e.local().getPort() == localPort) {
                states.add(e.state());
            }
        }
        return states;
    }

    /**
     * The states of the sockets from {@code localPort} to {@code remotePort}: one connection's
     * own side, which another process's socket on the same ephemeral port number (towards another
     * peer) cannot be mistaken for.
     *
     * @param localPort  the socket's local port
     * @param remotePort its peer's port
     * @return the states; empty where not {@link #available()}
     */
    public static List<State> statesOf(int localPort, int remotePort) {
        List<State> states = new ArrayList<>();
        for (Entry e : read()) {
            if (e.local().getPort() == localPort && e.remote().getPort() == remotePort) {
                states.add(e.state());
            }
        }
        return states;
    }

    /**
     * {@code 0100007F:1F90} (IPv4) or 32 hex digits and a port (IPv6). The kernel prints each
     * 32-bit word of the address as the number its bytes make in this machine's byte order.
     */
    private static InetSocketAddress address(String field) {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        int port = Integer.parseInt(field.substring(colon + 1), 16);
        ByteBuffer bytes = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) {
            bytes.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes.array()), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("socket table address of " + bytes.capacity() + " bytes: " + field, e);
        }
    }
}
