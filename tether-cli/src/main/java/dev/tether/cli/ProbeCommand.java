package dev.tether.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Placeholder replaced below. */
@Command(name = "probe", mixinStandardHelpOptions = true, description = "Measures a server's keep-alive behaviour.")
public final class ProbeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
