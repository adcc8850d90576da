/**
 * tether-http: the HTTP/1.1 keep-alive client. Only {@code dev.tether.http} is API; the exchange,
 * the parser and the route state in {@code dev.tether.http.internal} are not exported.
 */
module dev.tether.http {
    requires transitive dev.tether.net;
    requires org.slf4j;

    exports dev.tether.http;
}
