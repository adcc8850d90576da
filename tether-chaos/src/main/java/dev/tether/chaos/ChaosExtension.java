package dev.tether.chaos;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: one lab per test class, proxies on demand, and a clean slate for every test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ChaosExtension chaos = new ChaosExtension();
 *
 * @Test
 * void survivesAReset() {
 *     ChaosProxy db = chaos.proxy("db", "127.0.0.1:5432");
 *     connect(db.listenAddress());
 *     db.resetConnections();
 * }
 * }</pre>
 *
 * <ol>
 *   <li>The lab starts with the class (or at first use) and closes after it.</li>
 *   <li>{@link #proxy} returns the proxy of that name, creating it in front of the upstream, or
 *       pointing an existing one at a new upstream.</li>
 *   <li>After each test every toxic is removed and every proxy enabled, so no fault leaks into
 *       the next test. Proxies and their ports stay for the class.</li>
 * </ol>
 * A {@link ChaosLab} parameter of a test or lifecycle method receives the lab. Registered on an
 * instance field instead of a static one, the lab lives for one test.
 */
public final class ChaosExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback,
        ParameterResolver {

    private volatile ChaosLab lab;
    private volatile boolean classScoped;

    /** An extension whose lab starts with the test class, or at first use. */
    public ChaosExtension() {
    }

    /**
     * The lab, started on first use.
     *
     * @return the lab
     */
    public ChaosLab lab() {
        ChaosLab current = lab;
        if (current == null) {
            current = ChaosLab.create();
            lab = current;
        }
        return current;
    }

    /**
     * The proxy of that name in front of {@code upstream} ({@code host:port}), created if needed.
     *
     * @param name the proxy's name
     * @param upstream {@code host:port} to forward to
     * @return the proxy, listening and enabled
     * @throws ChaosException as {@link ChaosLab#createProxy(String, String)}
     */
    public ChaosProxy proxy(String name, String upstream) {
        ChaosLab l = lab();
        return l.findProxy(name)
                .map(p -> p.upstream().equals(upstream) ? p : p.update(p.listen(), upstream, true))
                .orElseGet(() -> l.createProxy(name, upstream));
    }

    /**
     * The proxy of that name in front of {@code 127.0.0.1:upstreamPort}.
     *
     * @param name the proxy's name
     * @param upstreamPort the upstream's loopback port
     * @return the proxy, listening and enabled
     * @throws ChaosException as {@link ChaosLab#createProxy(String, String)}
     */
    public ChaosProxy proxy(String name, int upstreamPort) {
        return proxy(name, "127.0.0.1:" + upstreamPort);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        classScoped = true;
        lab();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ChaosLab l = lab;
        if (l == null) {
            return;
        }
        if (classScoped) {
            List<ChaosProxy> proxies = l.proxies();
            for (ChaosProxy p : proxies) {
                p.removeAllToxics();
                p.enable();
            }
        } else {
            // Registered on an instance field: there is no class to outlive, so the test's lab ends with it.
            l.close();
            lab = null;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ChaosLab l = lab;
        lab = null;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ChaosLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return lab();
    }
}
