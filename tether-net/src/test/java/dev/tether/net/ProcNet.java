package dev.tether.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's TCP socket table (/proc/net/tcp and tcp6), as `ss` does. Shared with
 * tether-http's tests and tether-bench through tether-net's test-jar.
 */
public final class ProcNet {
    public static final String CLOSE_WAIT = "08";

    private ProcNet() {
    }

    /** One socket: local port, remote port, state (hex, e.g. "08" for CLOSE_WAIT). */
    public record Socket(int localPort, int remotePort, String state) {
    }

    /** Every TCP socket of this machine (this network namespace). */
    public static List<Socket> sockets() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(file);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || f[0].equals("sl")) {
                    continue;
                }
                sockets.add(new Socket(port(f[1]), port(f[2]), f[3]));
            }
        }
        return sockets;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    /** States of every socket whose local port is {@code port}. */
    public static List<String> statesOfLocalPort(int port) throws IOException {
        List<String> states = new ArrayList<>();
        for (Socket s : sockets()) {
            if (s.localPort() == port) {
                states.add(s.state());
            }
        }
        return states;
    }

    public static boolean inCloseWait(int localPort) throws IOException {
        return statesOfLocalPort(localPort).contains(CLOSE_WAIT);
    }

    /** Client sockets in CLOSE_WAIT towards the server port {@code remotePort}. */
    public static int closeWaitTowards(int remotePort) throws IOException {
        int n = 0;
        for (Socket s : sockets()) {
            if (s.remotePort() == remotePort && s.state().equals(CLOSE_WAIT)) {
                n++;
            }
        }
        return n;
    }
}
