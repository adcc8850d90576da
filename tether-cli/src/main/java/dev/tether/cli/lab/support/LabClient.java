package dev.tether.cli.lab.support;

/**
 * A client as an application uses it: send a request, get an answer or an error. The lab runs
 * several side by side on the same failure. Implementations never throw from {@link #send}.
 */
public interface LabClient extends AutoCloseable {

    /** One request: method, path (with query) and a unique id the server counts applications of. */
    record Request(String method, String path, String id) {
    }

    /** What the application saw. */
    record Outcome(boolean ok, int status, String error) {
        public static Outcome ok(int status) {
            return new Outcome(true, status, null);
        }

        public static Outcome failed(String error) {
            return new Outcome(false, -1, error);
        }
    }

    Outcome send(Request request);

    /** Connections held idle now. */
    int idle();

    /** Connections in use now. */
    int leased();

    /** Something worth a line in the report (retries, settings), or null. */
    default String detail() {
        return null;
    }

    @Override
    void close();
}
