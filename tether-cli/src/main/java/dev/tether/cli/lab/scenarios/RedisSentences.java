package dev.tether.cli.lab.scenarios;

import dev.tether.cli.lab.ClientResult;
import dev.tether.cli.lab.Format;
import dev.tether.cli.lab.Timeline;

/**
 * Parts of the Redis scenarios' sentences that every one of them says alike, each read from what a
 * client measured (its counts and its timeline), never from what the scenario expects of it.
 */
final class RedisSentences {
    private RedisSentences() {
    }

    /**
     * What the bare connection's commands came to, as its timeline shows it, to follow "the bare
     * connection": "failed 10 of its 11 commands, every one from its first failure on: it never reconnects".
     */
    static String bareFailures(ClientResult bare) {
        if (bare.failed() == 0) {
            return "failed none of its " + Format.count(bare.sent(), "command");
        }
        String n = "failed " + bare.failed() + " of its " + Format.count(bare.sent(), "command");
        return answeredAfterFirstFailure(bare) ? n + ", though some were answered after its first failure"
                : n + ", every one from its first failure on: it never reconnects";
    }

    private static boolean answeredAfterFirstFailure(ClientResult c) {
        boolean failed = false;
        for (Timeline.Event e : c.events()) {
            failed |= e.kind().equals("fail");
            if (failed && e.kind().equals("ok")) {
                return true;
            }
        }
        return false;
    }

    /** How many commands a naive client did not send, since its one socket was still waiting for an earlier reply. */
    static int notSent(ClientResult c) {
        return (int) c.events().stream().filter(e -> e.kind().equals("fail") && e.label().contains(": not sent: ")).count();
    }

    /** The first failed command's name ("INCR"), from the timeline; "?" if nothing failed. */
    static String firstFailed(ClientResult c) {
        Timeline.Event e = firstFailure(c);
        return e == null ? "?" : e.label().split(" ", 2)[0];
    }

    /** How long the first failed command waited before it ended, in ms (a hang: until the lab gave up); -1 if nothing failed. */
    static long firstFailureMs(ClientResult c) {
        Timeline.Event e = firstFailure(c);
        return e == null ? -1 : e.end() - e.t();
    }

    private static Timeline.Event firstFailure(ClientResult c) {
        return c.events().stream().filter(e -> e.kind().equals("fail")).findFirst().orElse(null);
    }

    /** What the counter says of the INCRs that failed: "1 failed INCR was applied all the same". */
    static String appliedAfterFailure(ClientResult c) {
        Integer n = c.appliedUnacknowledged();
        if (n == null) {
            return "the counter could not be read";
        }
        return n == 0 ? "no failed INCR was applied" : Format.count(n, "failed INCR") + (n == 1 ? " was" : " were") + " applied all the same";
    }
}
