package dev.tether.cli.lab;

import java.util.List;

/**
 * What one client's application saw in one scenario.
 *
 * @param sent        requests the application sent
 * @param failed      requests that ended in an error the application saw
 * @param duplicates  POSTs the server applied more than once, INCRs applied twice (a counter above the INCRs made)
 * @param appliedUnacknowledged INCRs the server applied though the application saw them fail (a counter above the
 *                    INCRs acknowledged, duplicates aside); null where the lab does not count them (no INCR, not Redis)
 * @param opened      connections the server accepted from this client; -1 unknown (a Redis server shared with others)
 * @param closeWait   most sockets held at once in CLOSE_WAIT for 100 ms or more (the peer closed, the client still holds them); -1 unknown
 * @param timeWait    sockets left in TIME_WAIT at the end, or null where it does not matter here
 * @param recoverMs   longest time from a failure to the next success; null: nothing failed; -1: never recovered
 * @param detail      retries, learned settings, cost per request
 * @param firstError  the first error message the application saw, as it saw it
 */
public record ClientResult(String client, int sent, int failed, int duplicates,
                           Integer appliedUnacknowledged, int opened, int closeWait, Integer timeWait,
                           Long recoverMs, String detail, String firstError, List<Timeline.Event> events,
                           List<Timeline.Sample> samples) {
}
