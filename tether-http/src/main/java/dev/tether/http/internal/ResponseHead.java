package dev.tether.http.internal;

import dev.tether.http.Headers;

/**
 * A parsed status line and header section, with the fields that decide framing and reuse noted
 * while the section was parsed (so that deciding them scans nothing again): the first value of
 * each and how many fields carried the name. Anything beyond one plain field of a name is left
 * to the careful paths, which read {@link #headers()} as before.
 */
public final class ResponseHead {
    private final int minorVersion;
    private final int status;
    private final String reason;
    private Headers headers = Headers.EMPTY;

    String contentLength;
    int contentLengths;
    String transferEncoding;
    String connection;
    int connections;
    String keepAlive;
    String contentEncoding;

    /**
     * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1
     */
    public ResponseHead(int minorVersion, int status, String reason) {
        this.minorVersion = minorVersion;
        this.status = status;
        this.reason = reason;
    }

    void headers(Headers h) {
        this.headers = h;
    }

    /** Notes a field of the section, its name's {@link Wire#kindOf kind} known. */
    void note(int kind, String value) {
        switch (kind) {
            case Wire.CONTENT_LENGTH:
                if (contentLengths++ == 0) {
                    contentLength = value;
                }
                break;
            case Wire.TRANSFER_ENCODING:
                if (transferEncoding == null) {
                    transferEncoding = value;
                }
                break;
            case Wire.CONNECTION:
                if (connections++ == 0) {
                    connection = value;
                }
                break;
            case Wire.KEEP_ALIVE:
                if (keepAlive == null) {
                    keepAlive = value;
                }
                break;
            case Wire.CONTENT_ENCODING:
                if (contentEncoding == null) {
                    contentEncoding = value;
                }
                break;
            default:
        }
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int minorVersion() {
        return minorVersion;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public Headers headers() {
        return headers;
    }

    /** The first Content-Encoding value, or null. */
    public String contentEncoding() {
        return contentEncoding;
    }

    /**
     * Whether the response's Connection fields hold {@code token} (case-insensitive), as
     * {@link Headers#hasToken} says, answered without a scan for none or one plain field.
     */
    boolean connectionHas(String token) {
        if (connections == 0) {
            return false;
        }
        if (connections == 1 && connection.indexOf(',') < 0) {
            return connection.equalsIgnoreCase(token);
        }
        return headers.hasToken("Connection", token);
    }
}
