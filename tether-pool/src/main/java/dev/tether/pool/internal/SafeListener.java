package dev.tether.pool.internal;

import dev.tether.pool.PoolListener;
import dev.tether.pool.Reason;

/** Keeps a throwing listener from breaking the pool: what it throws is logged and dropped. */
final class SafeListener<K, C> implements PoolListener<K, C> {
    private final PoolListener<K, C> d;

    SafeListener(PoolListener<K, C> delegate) {
        this.d = delegate;
    }

    /** The listener itself when it is the no-op one (nothing to guard), else a guard around it. */
    static <K, C> PoolListener<K, C> wrap(PoolListener<K, C> listener) {
        return listener == PoolListener.NONE ? listener : new SafeListener<>(listener);
    }

    private static void failed(String event, RuntimeException e) {
        Engine.LOG.warn("pool listener threw from {}; ignored", event, e);
    }

    @Override public void opened(K k, C c, long t) { try { d.opened(k, c, t); } catch (RuntimeException e) { failed("opened", e); } }
    @Override public void openFailed(K k, Throwable x, long t) { try { d.openFailed(k, x, t); } catch (RuntimeException e) { failed("openFailed", e); } }
    @Override public void acquired(K k, C c, long w) { try { d.acquired(k, c, w); } catch (RuntimeException e) { failed("acquired", e); } }
    @Override public void released(K k, C c) { try { d.released(k, c); } catch (RuntimeException e) { failed("released", e); } }
    @Override public void closed(K k, C c, Reason r) { try { d.closed(k, c, r); } catch (RuntimeException e) { failed("closed", e); } }
    @Override public void closed(K k, C c, Reason r, long a, int u) { try { d.closed(k, c, r, a, u); } catch (RuntimeException e) { failed("closed", e); } }
    @Override public void waiting(K k) { try { d.waiting(k); } catch (RuntimeException e) { failed("waiting", e); } }
    @Override public void timedOut(K k, long w) { try { d.timedOut(k, w); } catch (RuntimeException e) { failed("timedOut", e); } }
    @Override public void leakSuspected(K k, C c, long h, Throwable a) { try { d.leakSuspected(k, c, h, a); } catch (RuntimeException e) { failed("leakSuspected", e); } }
    @Override public void leakReturned(K k, C c, long h) { try { d.leakReturned(k, c, h); } catch (RuntimeException e) { failed("leakReturned", e); } }
    @Override public void forgotten(K k) { try { d.forgotten(k); } catch (RuntimeException e) { failed("forgotten", e); } }
}
