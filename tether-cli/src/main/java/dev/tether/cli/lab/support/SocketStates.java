package dev.tether.cli.lab.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Counts this machine's TCP sockets in a state, towards a remote port, from /proc/net/tcp and
 * /proc/net/tcp6 (the same as {@code ss -Htn state close-wait '( dport = :PORT )'}). The sockets a
 * client holds towards a lab server are those whose remote port is the server's.
 */
public final class SocketStates {
    public static final String CLOSE_WAIT = "08";
    public static final String TIME_WAIT = "06";

    private SocketStates() {
    }

    /** Whether the counts can be read here (Linux); otherwise {@link #count} returns -1. */
    public static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /** Sockets in {@code state} (hex, as in /proc: 08 CLOSE_WAIT, 06 TIME_WAIT) whose remote port is {@code port}. */
    public static int count(String state, int port) {
        return available() ? list(state, port).size() : -1;
    }

    /** The local addresses (hex, as in /proc) of the sockets in {@code state} whose remote port is {@code port}. */
    public static java.util.Set<String> list(String state, int port) {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 4 || !f[3].equals(state)) {
                    continue;
                }
                String rem = f[2];
                int colon = rem.lastIndexOf(':');
                if (colon > 0 && Integer.parseInt(rem.substring(colon + 1), 16) == port) {
                    found.add(f[1]);
                }
            }
        }
        return found;
    }
}
