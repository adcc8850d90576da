package dev.tether.pool;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that decides what of a secret may be shown: every message, {@code toString()},
 * log line and command output of tether goes through it. Thread-safe, stateless.
 *
 * <ul>
 *   <li>A URI keeps its scheme, host, port and path; its userinfo becomes {@code ***@} (the user
 *       name too: it is often half of the secret), and each query parameter keeps its name but not
 *       its value ({@code ?token=***&page=***}). Fragments are dropped.</li>
 *   <li>A header value is replaced by {@code ***} when its name is sensitive: Authorization,
 *       Proxy-Authorization, Cookie, Set-Cookie, and any name containing "token", "secret",
 *       "password", "api-key" or "apikey" (case-insensitive).</li>
 *   <li>A text that could not be parsed as a URI is shown only up to where a secret could begin.</li>
 * </ul>
 */
public final class Redact {
    /** What stands in place of a secret. */
    public static final String MASK = "***";

    private static final Set<String> SENSITIVE_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "set-cookie", "x-api-key", "api-key");
    private static final String[] SENSITIVE_PARTS = {"token", "secret", "password", "passwd", "pwd", "credential",
            "api-key", "apikey", "session"};
    private static final String[] SECRET_NAME_PARTS = {"password", "passwd", "pwd", "secret", "token", "credential"};

    /** In a JDBC URL: name=value where the name looks secret; the value runs to the next & ; ) or end. */
    private static final Pattern JDBC_PARAMETER = Pattern.compile(
            "(?i)([?&;(]\\s*[\\w.-]*(?:password|passwd|pwd|secret|token|credential)[\\w.-]*\\s*=\\s*)[^&;)]*");
    /** //user:secret@ (any scheme's userinfo). */
    private static final Pattern JDBC_USERINFO = Pattern.compile("(//[^/:@?;]*:)[^/@?;]*(@)");
    /** Oracle thin: jdbc:oracle:thin:user/secret@host. */
    private static final Pattern JDBC_ORACLE = Pattern.compile("(?i)(jdbc:oracle:[^:]+:[^/@:]+/)[^@]*(@)");

    private Redact() {
    }

    /**
     * A URI without its userinfo and query values.
     *
     * @param uri the URI, or null
     * @return the text to show; {@code "null"} for null
     */
    public static String uri(URI uri) {
        if (uri == null) {
            return "null";
        }
        if (uri.isOpaque()) {
            return uri.getScheme() + ":" + MASK;
        }
        StringBuilder sb = new StringBuilder();
        if (uri.getScheme() != null) {
            sb.append(uri.getScheme()).append("://");
        }
        if (uri.getRawUserInfo() != null) {
            sb.append(MASK).append('@');
        }
        if (uri.getHost() != null) {
            sb.append(uri.getHost());
            if (uri.getPort() >= 0) {
                sb.append(':').append(uri.getPort());
            }
        } else if (uri.getRawAuthority() != null) {
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            sb.append(at >= 0 ? authority.substring(at + 1) : authority);
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            sb.append('?').append(query(uri.getRawQuery()));
        }
        return sb.toString();
    }

    /**
     * A text as a URI without its secrets; a text that is not a URI is cut before anything secret.
     *
     * @param text the URI's text, or null
     * @return the text to show; {@code "null"} for null
     */
    public static String uri(String text) {
        if (text == null) {
            return "null";
        }
        try {
            return uri(new URI(text));
        } catch (java.net.URISyntaxException notAUri) {
            int cut = text.length();
            for (char c : new char[] {'@', '?', '#'}) {
                int i = text.indexOf(c);
                if (i >= 0) {
                    cut = Math.min(cut, c == '@' ? text.lastIndexOf('/', i) + 1 : i);
                }
            }
            return text.substring(0, cut) + (cut < text.length() ? MASK : "");
        }
    }

    /**
     * A query with each parameter's value masked: {@code a=***&b=***}.
     *
     * @param rawQuery the query, without the {@code ?}; not null
     * @return the masked query
     */
    public static String query(String rawQuery) {
        StringBuilder sb = new StringBuilder();
        for (String part : rawQuery.split("&", -1)) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            int eq = part.indexOf('=');
            sb.append(eq >= 0 ? part.substring(0, eq + 1) + MASK : part);
        }
        return sb.toString();
    }

    /**
     * A JDBC URL with its secrets masked, in the shapes drivers accept: a parameter whose name looks
     * secret ({@code ?password=x&}, {@code ;password=x;}), user info ({@code //user:secret@host}) and
     * Oracle's thin form ({@code @user/secret@host}). The rest (driver, host, database, ordinary
     * parameters) stays readable: a JDBC URL is how a reader tells one database from another.
     *
     * @param url the JDBC URL, or null
     * @return the text to show; {@code "null"} for null
     */
    public static String jdbcUrl(String url) {
        if (url == null) {
            return "null";
        }
        String s = JDBC_PARAMETER.matcher(url).replaceAll("$1" + MASK);
        s = JDBC_USERINFO.matcher(s).replaceAll("$1" + MASK + "$2");
        return JDBC_ORACLE.matcher(s).replaceAll("$1" + MASK + "$2");
    }

    /**
     * A text a server sent back ({@code -ERR unknown command 'HELLO', with args beginning with:
     * '3' 'AUTH' 'default' 'hunter2'}) with each of {@code secrets} masked wherever it appears. A
     * server may echo what it was sent, and may cut an echoed argument short (Redis keeps 128
     * characters of them), so a piece of a secret that ends the text or a quoted word is masked
     * too when it is four characters or more: too short a piece says nothing, and masking it would
     * mangle ordinary words.
     *
     * @param text    the server's text, or null
     * @param secrets the secrets it may echo; null and empty ones are ignored
     * @return the text to show; {@code "null"} for null
     */
    public static String echoed(String text, String... secrets) {
        if (text == null) {
            return "null";
        }
        String s = text;
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            s = s.replace(secret, MASK);
            for (int k = secret.length() - 1; k >= 4; k--) {
                s = maskCutShort(s, secret.substring(0, k));
            }
        }
        return s;
    }

    /** {@code s} with each {@code piece} that ends it, or is followed by a quote, masked. */
    private static String maskCutShort(String s, String piece) {
        StringBuilder sb = null;
        int from = 0;
        for (int at = s.indexOf(piece); at >= 0; at = s.indexOf(piece, at + 1)) {
            int end = at + piece.length();
            if (end == s.length() || s.charAt(end) == '\'' || s.charAt(end) == '"') {
                if (sb == null) {
                    sb = new StringBuilder(s.length());
                }
                sb.append(s, from, at).append(MASK);
                from = end;
                at = end - 1;
            }
        }
        return sb == null ? s : sb.append(s, from, s.length()).toString();
    }

    /**
     * Whether a setting or driver property of this name holds a secret (password, token, credential...).
     *
     * @param name the name, or null
     * @return true when its value must not be shown; false for null
     */
    public static boolean isSecretName(String name) {
        if (name == null) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (String p : SECRET_NAME_PARTS) {
            if (n.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a header of this name carries a credential.
     *
     * @param name the header's name, any case, or null
     * @return true when its value must not be shown; false for null
     */
    public static boolean isSensitiveHeader(String name) {
        if (name == null) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (SENSITIVE_HEADERS.contains(n)) {
            return true;
        }
        for (String p : SENSITIVE_PARTS) {
            if (n.contains(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value to show for a header.
     *
     * @param name  the header's name
     * @param value the header's value
     * @return {@code value}, or {@link #MASK} for a sensitive header
     */
    public static String headerValue(String name, String value) {
        return isSensitiveHeader(name) ? MASK : value;
    }
}
