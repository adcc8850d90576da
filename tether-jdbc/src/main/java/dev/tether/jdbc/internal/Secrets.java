package dev.tether.jdbc.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place tether-jdbc hides secrets from what it prints: every message, {@code toString()}
 * and log line that shows a URL or driver properties goes through here.
 *
 * <p>JDBC URLs carry passwords in several shapes, all masked: a parameter whose name contains
 * "password", "secret", "token" or "credential" ({@code ?password=x&}, {@code ;password=x;}),
 * userinfo ({@code //user:secret@host}), and Oracle's thin form ({@code @user/secret@host} or
 * {@code :user/secret@host}).
 */
public final class Secrets {
    public static final String MASK = "****";

    /** name=value where the name looks secret; the value runs to the next & ; ) or end. */
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)([?&;(]\\s*[\\w.-]*(?:password|passwd|pwd|secret|token|credential)[\\w.-]*\\s*=\\s*)[^&;)]*");
    /** //user:secret@ (any scheme's userinfo). */
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@?;]*:)[^/@?;]*(@)");
    /** Oracle thin: jdbc:oracle:thin:user/secret@host. */
    private static final Pattern ORACLE = Pattern.compile("(?i)(jdbc:oracle:[^:]+:[^/@:]+/)[^@]*(@)");

    private Secrets() {
    }

    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        String s = PARAMETER.matcher(url).replaceAll("$1" + MASK);
        s = USERINFO.matcher(s).replaceAll("$1" + MASK + "$2");
        return ORACLE.matcher(s).replaceAll("$1" + MASK + "$2");
    }

    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("passwd") || n.contains("pwd") || n.contains("secret")
                || n.contains("token") || n.contains("credential");
    }

    /** The properties with the value of every secret-looking name masked. */
    public static Map<String, String> redactProperties(Map<String, String> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, isSecretName(k) ? MASK : v));
        return out;
    }
}
