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
import dev.tether.chaos.ChaosException;
import dev.tether.chaos.ChaosLab;
import dev.tether.chaos.ChaosProxy;
import dev.tether.chaos.ProxyConfig;
import dev.tether.chaos.Stream;
import dev.tether.chaos.Toxic;
import dev.tether.chaos.ToxicType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy 2.x's HTTP API over a {@link ChaosLab}, served by an {@link HttpListener}.
 *
 * <ol>
 *   <li>The {@link ApiGuard} refuses, on the head alone, any request that a web page could have
 *       sent (Host, Origin, Sec-Fetch-*, User-Agent), so a page in the user's browser cannot
 *       drive the lab.</li>
 *   <li>The path is matched to a route; the method picks the handler, or 405.</li>
 *   <li>Bodies are parsed as JSON trees: unknown fields are ignored, missing ones take
 *       Toxiproxy's defaults, and every bad value is a {@link ChaosException} that names it
 *       ({@link JsonFields}); proxies go through {@link Populate}, the parser that populate files
 *       use too.</li>
 *   <li>The handler calls the Java API, so both APIs fail the same way; any failure is answered
 *       as {@code {"error": "...", "status": N}}, which Toxiproxy's clients parse.</li>
 * </ol>
 */
public final class ApiServer implements AutoCloseable, HttpListener.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final ChaosLab lab;
    private final ApiGuard guard;
    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    private HttpListener listener;

    private ApiServer(ChaosLab lab, ApiGuard guard) {
        this.lab = lab;
        this.guard = guard;
    }

    /**
     * Serves the API on {@code address}, which the caller has checked ({@link Addresses#apiAddress}).
     *
     * @param host   the host the caller named, which requests may use in their {@code Host}
     * @param remote whether other machines may reach it (any IP address is then a valid {@code Host})
     */
    public static ApiServer start(ChaosLab lab, InetSocketAddress address, String host, boolean remote,
                                  HttpListener.Limits limits) {
        ApiServer api = new ApiServer(lab, new ApiGuard(host, remote));
        try {
            api.listener = HttpListener.start(address, api, limits);
        } catch (IOException e) {
            throw new ChaosException(500, "control API cannot listen on " + Addresses.format(address.getAddress(), address.getPort())
                    + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = api.address();
        if (bound.getAddress().isLoopbackAddress()) {
            LOG.info("tether-chaos control API on http://{}", Addresses.format(bound.getAddress(), bound.getPort()));
        } else {
            LOG.warn("tether-chaos control API on http://{}, reachable beyond this machine: whoever reaches it can re-point"
                    + " a proxy's upstream and read the traffic", Addresses.format(bound.getAddress(), bound.getPort()));
        }
        return api;
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
    }

    private record Reply(int status, JsonNode body) {
    }

    @Override
    public HttpListener.Response admit(HttpListener.Request head) {
        try {
            guard.check(head);
            return null;
        } catch (ChaosException e) {
            return bytes(reply(e.status(), e.getMessage()));
        }
    }

    @Override
    public HttpListener.Response handle(HttpListener.Request request) {
        Reply response;
        try {
            response = route(request.method(), request.path(), request.body());
        } catch (ChaosException e) {
            response = reply(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("control API request {} {} failed", request.method(), request.path(), e);
            response = reply(500, "internal error: " + e);
        }
        return bytes(response);
    }

    @Override
    public HttpListener.Response error(int status, String message) {
        return bytes(reply(status, message));
    }

    private HttpListener.Response bytes(Reply response) {
        if (response.body == null) {
            return new HttpListener.Response(response.status, null);
        }
        try {
            return new HttpListener.Response(response.status,
                    (json.writeValueAsString(response.body) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    private Reply reply(int status, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        return new Reply(status, body);
    }

    private Reply route(String method, String path, byte[] body) {
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
            return new Reply(204, null);
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
                        return new Reply(204, null);
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
                            return new Reply(204, null);
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

    private static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    /** The body as JSON; the listener has bounded its size. */
    private JsonNode read(byte[] bytes) {
        if (bytes.length == 0) {
            throw ChaosException.badRequest("bad request body: empty (expected: JSON)");
        }
        try {
            return json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ChaosException.badRequest("bad request body: " + JsonFields.syntaxError(e));
        } catch (IOException e) {
            throw new IllegalStateException("reading bytes in memory failed", e);
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

    private Reply createProxy(JsonNode body) {
        ChaosProxy created = lab.createProxy(Populate.proxy(body));
        return new Reply(201, proxyJson(created));
    }

    private ObjectNode updateProxy(ChaosProxy proxy, JsonNode body) {
        ObjectNode object = object(body, "proxy");
        // Omitted fields keep their current values.
        proxy.update(text(object, "listen", proxy.listen()), text(object, "upstream", proxy.upstream()),
                bool(object, "enabled", proxy.isEnabled()));
        return proxyJson(proxy);
    }

    private Reply populate(JsonNode body) {
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
            return new Reply(e.status(), result);
        }
        result.set("proxies", done);
        return new Reply(201, result);
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
                // Exact, whatever its size: the attribute's range check refuses it rather than a cast changing it.
                b.attribute(f.getKey(), v.isIntegralNumber() ? (Object) v.bigIntegerValue() : (Object) v.decimalValue());
            } else if (v.isTextual()) {
                b.attribute(f.getKey(), v.textValue());
            } else {
                b.attribute(f.getKey(), v.toString());
            }
        }
    }
}
