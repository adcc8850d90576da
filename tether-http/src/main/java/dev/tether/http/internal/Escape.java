package dev.tether.http.internal;

/** Quotes bytes from the wire for a message: printable ASCII as is, the rest escaped, long input truncated. */
public final class Escape {
    /** At most this many bytes are quoted: enough to recognise the line, never a whole header section. */
    public static final int MAX = 80;

    private Escape() {
    }

    public static String quote(CharSequence s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX) + 8).append('"');
        int n = Math.min(s.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r': sb.append("\\r"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                default:
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\x%02x", (int) c & 0xff));
                    }
            }
        }
        sb.append('"');
        if (s.length() > MAX) {
            sb.append("... (").append(s.length()).append(" bytes)");
        }
        return sb.toString();
    }
}
