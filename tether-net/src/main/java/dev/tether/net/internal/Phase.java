package dev.tether.net.internal;

/** Where an I/O failure happened: the classifier's main signal besides the exception's type. */
public enum Phase {
    RESOLVE, CONNECT, HANDSHAKE, WRITE, READ
}
