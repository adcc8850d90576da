package dev.tether.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the kernel's TCP socket table (/proc/net/tcp and tcp6), as `ss` does. */
final class ProcNet {
    static final String CLOSE_WAIT = "08";

    private ProcNet() {
    }

    /** States (hex, e.g. "08" for CLOSE_WAIT) of every socket whose local port is {@code port}. */
    static List<String> statesOfLocalPort(int port) throws IOException {
        List<String> states = new ArrayList<>();
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
                String local = f[1];
                int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                if (localPort == port) {
                    states.add(f[3]);
                }
            }
        }
        return states;
    }

    static boolean inCloseWait(int localPort) throws IOException {
        return statesOfLocalPort(localPort).contains(CLOSE_WAIT);
    }
}
