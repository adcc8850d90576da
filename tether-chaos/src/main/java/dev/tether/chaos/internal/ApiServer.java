package dev.tether.chaos.internal;

import static dev.tether.chaos.internal.JsonFields.bool;
import static dev.tether.chaos.internal.JsonFields.number;
import static dev.tether.chaos.internal.JsonFields.object;
import static dev.tether.chaos.internal.JsonFields.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.chaos.ChaosException;
import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.ProxyConfig;
import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import dev.tether.chaos.ToxicType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy 2.x's HTTP API over a {@link ChaosLab}, on the JDK's HTTP server.
 *
 * <ol>
 *   <li>A browser's request (User-Agent starting with {@code Mozilla/}) is refused with 403, so
 *       a web page cannot drive the lab through the user's browser.</li>
 *   <li>The path is matched to a route; the method picks the handler, or 405.</li>
 *   <li>Bodies are parsed as JSON trees: unknown fields are ignored, missing ones take
 *       Toxiproxy's defaults, and every bad value is a {@link ChaosException} that names it
 *       ({@link JsonFields}); proxies go through {@link Populate}, the parser that populate files
 *       use too.</li>
 *   <li>The handler calls the Java API, so both APIs fail the same way; any failure is answered
 *       as {@code {"error": "...", "status": N}}, which Toxiproxy's clients parse.</li>
 * </ol>
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY = 1 << 20;

    private final ChaosLab lab;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    private final HttpServer server;
    private final ExecutorService executor;

    private ApiServer(ChaosLab lab, HttpServer server, ExecutorService executor) {
        this.lab = lab;
        this.server = server;
        this.executor = executor;
    }

    public static ApiServer start(ChaosLab lab, InetSocketAddress address) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new ChaosException(500, "control API cannot listen on " + address + ": " + e.getMessage(), e);
        }
        // Two threads: requests are short, and a slow client must not block the others.
        ExecutorService executor = Executors.newFixedThreadPool(2, Workers.daemon("tether-chaos-api"));
        ApiServer api = new ApiServer(lab, server, executor);
        server.setExecutor(executor);
        server.createContext("/", api::handle);
        server.start();
        LOG.info("tether-chaos control API on http://{}", Addresses.format(
                server.getAddress().getAddress(), server.getAddress().getPort()));
        return api;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Response(int status, JsonNode body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            String agent = exchange.getRequestHeaders().getFirst("User-Agent");
            if (agent != null && agent.startsWith("Mozilla/")) {
                throw new ChaosException(403, "user agent not allowed: the control API refuses browsers");
            }
            response = route(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestBody());
        } catch (ChaosException e) {
            response = error(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("control API request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = error(500, "internal error: " + e);
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (response.body == null) {
                exchange.sendResponseHeaders(response.status, -1);
            } else {
                byte[] bytes = (json.writeValueAsString(response.body) + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(response.status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private Response error(int status, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        return new Response(status, body);
    }

    private Response route(String method, URI uri, InputStream body) throws IOException {
        String path = uri.getPath();
        String[] parts = path.replaceAll("/+$", "").split("/");
        // parts[0] is the empty string before the leading slash.
        if (parts.length == 2 && parts[1].equals("version")) {
            allow(method, path, "GET");
            ObjectNode v = json.createObjectNode();
            v.put("version", ChaosLab.VERSION);
            return ok(v);
        }
        if (parts.length == 2 && parts[1].equals("reset")) {
            allow(method, path, "POST");
            lab.reset();
            return new Response(204, null);
        }
        if (parts.length == 2 && parts[1].equals("populate")) {
            allow(method, path, "POST");
            return populate(read(body));
        }
        if (parts.length >= 2 && parts[1].equals("proxies")) {
            if (parts.length == 2) {
                allow(method, path, "GET", "POST");
                return method.equals("GET") ? ok(proxyIndex()) : createProxy(read(body));
            }
            String proxyName = parts[2];
            if (parts.length == 3) {
                allow(method, path, "GET", "POST", "PATCH", "DELETE");
                switch (method) {
                    case "GET":
                        return ok(proxyJson(lab.proxy(proxyName)));
                    case "DELETE":
                        lab.deleteProxy(proxyName);
                        return new Response(204, null);
                    default:
                        return ok(updateProxy(lab.proxy(proxyName), read(body)));
                }
            }
            if (parts[3].equals("toxics")) {
                ChaosProxy proxy = lab.proxy(proxyName);
                if (parts.length == 4) {
                    allow(method, path, "GET", "POST");
                    if (method.equals("GET")) {
                        return ok(toxicsJson(proxy.toxics()));
                    }
                    return ok(toxicJson(proxy.addToxic(newToxic(read(body)))));
                }
                if (parts.length == 5) {
                    String toxicName = parts[4];
                    allow(method, path, "GET", "POST", "PATCH", "DELETE");
                    switch (method) {
                        case "GET":
                            return ok(toxicJson(proxy.toxic(toxicName)));
                        case "DELETE":
                            proxy.removeToxic(toxicName);
                            return new Response(204, null);
                        default:
                            return ok(toxicJson(proxy.updateToxic(mergeToxic(proxy.toxic(toxicName), read(body)))));
                    }
                }
            }
        }
        throw ChaosException.notFound("no such endpoint: " + path);
    }

    private static void allow(String method, String path, String... methods) {
        for (String m : methods) {
            if (m.equals(method)) {
                return;
            }
        }
        throw new ChaosException(405, "method " + method + " not allowed on " + path
                + " (expected: " + String.join(", ", methods) + ")");
    }

    private static Response ok(JsonNode body) {
        return new Response(200, body);
    }

    private JsonNode read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw ChaosException.badRequest("bad request body: larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw ChaosException.badRequest("bad request body: empty (expected: JSON)");
        }
        try {
            return json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ChaosException.badRequest("bad request body: " + e.getOriginalMessage());
        }
    }

    // Proxies

    private ObjectNode proxyIndex() {
        ObjectNode index = json.createObjectNode();
        for (ChaosProxy p : lab.proxies()) {
            index.set(p.name(), proxyJson(p));
        }
        return index;
    }

    private ObjectNode proxyJson(ChaosProxy p) {
        ObjectNode node = json.createObjectNode();
        node.put("name", p.name());
        node.put("listen", p.listen());
        node.put("upstream", p.upstream());
        node.put("enabled", p.isEnabled());
        node.set("toxics", toxicsJson(p.toxics()));
        return node;
    }

    private Response createProxy(JsonNode body) {
        ChaosProxy created = lab.createProxy(Populate.proxy(body));
        return new Response(201, proxyJson(created));
    }

    private ObjectNode updateProxy(ChaosProxy proxy, JsonNode body) {
        ObjectNode object = object(body, "proxy");
        // Omitted fields keep their current values.
        proxy.update(text(object, "listen", proxy.listen()), text(object, "upstream", proxy.upstream()),
                bool(object, "enabled", proxy.isEnabled()));
        return proxyJson(proxy);
    }

    private Response populate(JsonNode body) {
        List<ProxyConfig> configs = Populate.fromRequest(body);
        ArrayNode done = json.createArrayNode();
        ObjectNode result = json.createObjectNode();
        try {
            for (ProxyConfig config : configs) {
                done.add(proxyJson(lab.populate(config)));
            }
        } catch (ChaosException e) {
            // Toxiproxy's shape: the error, and the proxies populated before it.
            result.put("error", e.getMessage());
            result.put("status", e.status());
            result.set("proxies", done);
            return new Response(e.status(), result);
        }
        result.set("proxies", done);
        return new Response(201, result);
    }

    // Toxics

    private ArrayNode toxicsJson(List<Toxic> toxics) {
        ArrayNode array = json.createArrayNode();
        toxics.forEach(t -> array.add(toxicJson(t)));
        return array;
    }

    private ObjectNode toxicJson(Toxic t) {
        ObjectNode node = json.createObjectNode();
        ObjectNode attributes = node.putObject("attributes");
        for (Map.Entry<String, Object> a : t.attributes().entrySet()) {
            if (a.getValue() instanceof Long l) {
                attributes.put(a.getKey(), l);
            } else {
                attributes.put(a.getKey(), String.valueOf(a.getValue()));
            }
        }
        node.put("name", t.name());
        node.put("type", t.type().jsonName());
        node.put("stream", t.stream().jsonName());
        node.put("toxicity", (float) t.toxicity());
        return node;
    }

    private Toxic newToxic(JsonNode body) {
        ObjectNode object = object(body, "toxic");
        String typeName = text(object, "type", "");
        if (typeName.isEmpty()) {
            throw ChaosException.badRequest("missing required field: type");
        }
        Toxic.Builder b = Toxic.builder(ToxicType.fromJson(typeName))
                .stream(Stream.fromJson(text(object, "stream", "downstream")))
                .toxicity(number(object, "toxicity", 1.0));
        String name = text(object, "name", "");
        b.name(name.isEmpty() ? null : name);
        attributes(object, b);
        return b.build();
    }

    /** A partial update: toxicity and the attributes given replace; everything else stays. */
    private Toxic mergeToxic(Toxic current, JsonNode body) {
        ObjectNode object = object(body, "toxic");
        Toxic.Builder b = current.toBuilder().toxicity(number(object, "toxicity", current.toxicity()));
        attributes(object, b);
        return b.build();
    }

    private static void attributes(ObjectNode object, Toxic.Builder b) {
        JsonNode attributes = object.get("attributes");
        if (attributes == null || attributes.isNull()) {
            return;
        }
        if (!attributes.isObject()) {
            throw ChaosException.badRequest("attributes: " + attributes + " (expected: an object)");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = attributes.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode v = f.getValue();
            if (v.isNumber()) {
                b.attribute(f.getKey(), v.isIntegralNumber() ? (Object) v.longValue() : (Object) v.doubleValue());
            } else if (v.isTextual()) {
                b.attribute(f.getKey(), v.textValue());
            } else {
                b.attribute(f.getKey(), v.toString());
            }
        }
    }
}
