package dev.tether.chaos.internal;

import static dev.tether.chaos.internal.JsonFields.bool;
import static dev.tether.chaos.internal.JsonFields.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.chaos.ChaosException;
import dev.tether.chaos.ProxyConfig;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Toxiproxy's populate format, parsed in one place for the control API ({@code POST /populate}
 * and {@code POST /proxies}) and for populate files ({@code tether proxy --config}): a JSON array
 * of objects {@code {name, upstream, listen = "127.0.0.1:0", enabled = true}}.
 *
 * <p>Strict: a field that is present must have its type ({@code "enabled": "yes"} is an error, not
 * true), and a missing name or upstream is an error. Unknown fields are ignored, as Toxiproxy
 * ignores them. Every error is a {@link ChaosException} (400) that says where: the control API's
 * end with {@code at proxy N}, a file's start with {@code config FILE, proxy N:}.
 */
public final class Populate {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    /** How an error names where it happened. */
    private interface Origin {
        /** A problem with the whole list. */
        String whole(String problem);

        /** A problem with the proxy at {@code index} (from 1). */
        String proxy(int index, String problem);
    }

    private static final Origin REQUEST = new Origin() {
        @Override
        public String whole(String problem) {
            return "bad request body: " + problem;
        }

        @Override
        public String proxy(int index, String problem) {
            return problem + " at proxy " + index;
        }
    };

    private Populate() {
    }

    /** One proxy: a {@code POST /proxies} body, or one element of a populate list. */
    public static ProxyConfig proxy(JsonNode node) {
        ObjectNode object = JsonFields.object(node, "proxy");
        // ProxyConfig refuses a missing name or upstream with the message the API has always sent.
        return new ProxyConfig(text(object, "name", ""), text(object, "listen", ""), text(object, "upstream", ""),
                bool(object, "enabled", true));
    }

    /** The body of {@code POST /populate}. */
    public static List<ProxyConfig> fromRequest(JsonNode body) {
        return proxies(body, REQUEST);
    }

    /**
     * Reads a populate file.
     *
     * @throws ChaosException naming the file (and the proxy, by its index from 1) when the file
     *     cannot be read, is not JSON, or breaks the format
     */
    public static List<ProxyConfig> read(Path file) {
        Origin origin = new Origin() {
            @Override
            public String whole(String problem) {
                return "config " + file + ": " + problem;
            }

            @Override
            public String proxy(int index, String problem) {
                return "config " + file + ", proxy " + index + ": " + problem;
            }
        };
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ChaosException(400, origin.whole("cannot read it: " + reason(e)), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ChaosException(400, origin.whole(JsonFields.syntaxError(e)), e);
        } catch (IOException e) {
            throw new ChaosException(400, origin.whole("cannot read it: " + reason(e)), e);
        }
        return proxies(root, origin);
    }

    /** Why a file could not be read, in words (the JDK's message for a missing file is just its name). */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static List<ProxyConfig> proxies(JsonNode root, Origin origin) {
        if (root == null || !root.isArray()) {
            String type = root == null ? "empty" : root.getNodeType().name().toLowerCase(Locale.ROOT);
            throw ChaosException.badRequest(origin.whole(type + " (expected: an array of proxies)"));
        }
        List<ProxyConfig> configs = new ArrayList<>();
        int index = 0;
        for (JsonNode element : root) {
            index++;
            if (!element.isObject()) {
                throw ChaosException.badRequest(origin.proxy(index, "must be a JSON object, got " + element));
            }
            try {
                configs.add(proxy(element));
            } catch (ChaosException e) {
                throw new ChaosException(e.status(), origin.proxy(index, e.getMessage()), e);
            }
        }
        return configs;
    }
}
