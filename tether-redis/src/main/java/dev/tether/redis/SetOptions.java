package dev.tether.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code SET}: an expiry (relative {@code EX}/{@code PX}, absolute
 * {@code EXAT}/{@code PXAT}, or {@code KEEPTTL}), a condition ({@code NX}, {@code XX}) and
 * {@code GET}. Immutable; each method returns a changed copy.
 *
 * <p>Retries: SET is safe to repeat with no option, {@code XX}, {@code KEEPTTL}, {@code EXAT} or
 * {@code PXAT}. A relative expiry would move when repeated late, {@code NX} would report that it
 * did nothing, {@code GET} would return what the first attempt wrote: with those SET is never
 * re-sent after its bytes may have reached the server.
 */
public final class SetOptions {
    /**
     * No option: a plain SET, safe to repeat.
     */
    public static final SetOptions NONE = new SetOptions(null, null, null, false);

    private final String expiry;
    private final Long expiryValue;
    private final String condition;
    private final boolean get;

    private SetOptions(String expiry, Long expiryValue, String condition, boolean get) {
        this.expiry = expiry;
        this.expiryValue = expiryValue;
        this.condition = condition;
        this.get = get;
    }

    /**
     * Expire {@code ttl} from now (PX, in milliseconds).
     *
     * @param ttl at least 1 ms; finer parts are dropped
     * @return the options
     * @throws IllegalArgumentException if it is null or below 1 ms
     */
    public static SetOptions ttl(Duration ttl) {
        return NONE.withTtl(ttl);
    }

    /**
     * Expire at {@code at} (PXAT).
     *
     * @param at when the key expires, to the millisecond
     * @return the options
     * @throws IllegalArgumentException if it is null
     */
    public static SetOptions expireAt(Instant at) {
        return NONE.withExpireAt(at);
    }

    /**
     * These options with a relative expiry (PX, in milliseconds), replacing any other expiry.
     *
     * @param ttl at least 1 ms; finer parts are dropped
     * @return a changed copy
     * @throws IllegalArgumentException if it is null or below 1 ms
     */
    public SetOptions withTtl(Duration ttl) {
        if (ttl == null || ttl.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 1 ms)");
        }
        return new SetOptions("PX", ttl.toMillis(), condition, get);
    }

    /**
     * These options with an absolute expiry (PXAT), replacing any other expiry.
     *
     * @param at when the key expires, to the millisecond
     * @return a changed copy
     * @throws IllegalArgumentException if it is null
     */
    public SetOptions withExpireAt(Instant at) {
        if (at == null) {
            throw new IllegalArgumentException("expireAt: null (expected: an Instant)");
        }
        return new SetOptions("PXAT", at.toEpochMilli(), condition, get);
    }

    /**
     * Keep the key's time to live (KEEPTTL).
     *
     * @return a changed copy, without any other expiry
     */
    public SetOptions keepTtl() {
        return new SetOptions("KEEPTTL", null, condition, get);
    }

    /**
     * Only if the key does not exist (NX); SET then answers null when it did nothing.
     *
     * @return a changed copy, replacing {@code XX}
     */
    public SetOptions ifAbsent() {
        return new SetOptions(expiry, expiryValue, "NX", get);
    }

    /**
     * Only if the key exists (XX); SET then answers null when it did nothing.
     *
     * @return a changed copy, replacing {@code NX}
     */
    public SetOptions ifPresent() {
        return new SetOptions(expiry, expiryValue, "XX", get);
    }

    /**
     * Answer the previous value (GET).
     *
     * @return a changed copy
     */
    public SetOptions returnPrevious() {
        return new SetOptions(expiry, expiryValue, condition, true);
    }

    /** The options as SET's arguments after key and value. */
    List<Object> arguments() {
        List<Object> a = new ArrayList<>(4);
        if (expiry != null) {
            a.add(expiry);
            if (expiryValue != null) {
                a.add(expiryValue);
            }
        }
        if (condition != null) {
            a.add(condition);
        }
        if (get) {
            a.add("GET");
        }
        return a;
    }

    @Override
    public String toString() {
        return "SetOptions" + arguments();
    }
}
