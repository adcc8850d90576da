package dev.tether.http.internal;

import dev.tether.http.Headers;

/**
 * A parsed status line and header section.
 *
 * @param minorVersion 0 for HTTP/1.0, 1 for HTTP/1.1
 */
public record ResponseHead(int minorVersion, int status, String reason, Headers headers) {
}
