package dev.tether.micrometer;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' SLF4J provider: every line at every level is kept in memory (and lines at INFO and
 * above also go to stderr, for the surefire report), so that a test can count what tether logged.
 * Registered in META-INF/services; it is the only provider on this module's test class path.
 */
public final class CapturedLogs implements SLF4JServiceProvider {

    /** One line as logged. */
    public record Line(Level level, String logger, String message, Throwable cause) {
        @Override
        public String toString() {
            return level + " " + logger + " " + message;
        }
    }

    private static final List<Line> LINES = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, Captor::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Everything captured since the last {@link #clear()}. */
    public static List<Line> lines() {
        return List.copyOf(LINES);
    }

    /** Lines of tether's loggers at {@code level} or above. */
    public static List<Line> tether(Level atLeast) {
        return LINES.stream().filter(l -> l.logger().startsWith("dev.tether") && l.level().toInt() >= atLeast.toInt()).toList();
    }

    public static void clear() {
        LINES.clear();
    }

    @Override public ILoggerFactory getLoggerFactory() { return factory; }
    @Override public IMarkerFactory getMarkerFactory() { return markers; }
    @Override public MDCAdapter getMDCAdapter() { return mdc; }
    @Override public String getRequestedApiVersion() { return "2.0.99"; }
    @Override public void initialize() { }

    private static final class Captor extends AbstractLogger {
        Captor(String name) {
            this.name = name;
        }

        @Override public boolean isTraceEnabled() { return false; }
        @Override public boolean isTraceEnabled(Marker marker) { return false; }
        @Override public boolean isDebugEnabled() { return true; }
        @Override public boolean isDebugEnabled(Marker marker) { return true; }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public boolean isInfoEnabled(Marker marker) { return true; }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public boolean isWarnEnabled(Marker marker) { return true; }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public boolean isErrorEnabled(Marker marker) { return true; }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            String message = MessageFormatter.basicArrayFormat(pattern, args);
            Line line = new Line(level, name, message, t);
            LINES.add(line);
            if (level.toInt() >= Level.INFO.toInt()) {
                System.err.println(line);
            }
        }
    }
}
