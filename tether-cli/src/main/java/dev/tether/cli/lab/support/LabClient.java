package dev.tether.cli.lab.support;

/**
 * An HTTP client as an application uses it: send a request, get an answer or an error. The lab
 * runs several side by side on the same failure. Implementations never throw from {@link #send}.
 */
public interface LabClient extends ClientView {

    /** One request: method, path (with query) and a unique id the server counts applications of. */
    record Request(String method, String path, String id) {
    }

    /**
     * What the application saw: an answer ({@code reply} as the timeline shows it: an HTTP status,
     * a Redis reply) or an error.
     */
    record Outcome(boolean ok, int status, String error, String reply) {
        public static Outcome ok(int status) {
            return new Outcome(true, status, null, Integer.toString(status));
        }

        /** A Redis reply (there is no status), as the timeline shows it. */
        public static Outcome replied(String reply) {
            return new Outcome(true, -1, null, reply);
        }

        public static Outcome failed(String error) {
            return new Outcome(false, -1, error, null);
        }
    }

    Outcome send(Request request);
}
