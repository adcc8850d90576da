/**
 * tether-chaos, the fault lab: a TCP proxy in the JVM with Toxiproxy's control API, its JUnit 5
 * extension, and the lab's test support (EchoServer, SocketTable). Only {@code dev.tether.chaos}
 * is API; {@code dev.tether.chaos.internal} stays free to change.
 */
module dev.tether.chaos {
    // The control API's JSON trees (jackson-databind brings jackson-core, whose exceptions it uses).
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // Only ChaosExtension needs it, and only a test loads that class: JUnit is the test's to bring.
    // Transitive: the extension's API is JUnit's types, so a test that reads this module reads JUnit's.
    requires static transitive org.junit.jupiter.api;

    exports dev.tether.chaos;
}
