package dev.tether.chaos.internal;

/**
 * Bytes read from one side, with the time they arrived, on their way to the other side. A chunk
 * without data is the end of the stream (the sender's FIN).
 */
record Chunk(byte[] data, int offset, int length, long arrivalNanos) {

    static Chunk end(long arrivalNanos) {
        return new Chunk(null, 0, 0, arrivalNanos);
    }

    boolean isEnd() {
        return data == null;
    }

    Chunk slice(int from, int count) {
        return new Chunk(data, offset + from, count, arrivalNanos);
    }

    Chunk arrivedAt(long nanos) {
        return new Chunk(data, offset, length, nanos);
    }
}
