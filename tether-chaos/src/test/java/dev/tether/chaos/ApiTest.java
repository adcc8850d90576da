package dev.tether.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control API over HTTP: every endpoint, Toxiproxy's status codes and every error case. */
class ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ChaosLab lab;
    private static EchoServer echo;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        lab = ChaosLab.create();
        echo = EchoServer.start();
        base = "http://127.0.0.1:" + lab.startApi("127.0.0.1", 0).getPort();
    }

    @AfterAll
    static void stop() throws IOException {
        lab.close();
        echo.close();
    }

    @AfterEach
    void clean() {
        for (ChaosProxy p : lab.proxies()) {
            lab.deleteProxy(p.name());
        }
    }

    record Reply(int status, JsonNode body, String raw) {
    }

    static Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, "tether-test");
    }

    static Reply call(String method, String path, String body, String agent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("User-Agent", agent)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), node, r.body());
    }

    static void assertError(Reply r, int status, String messagePart) {
        assertThat(r.status).as(r.raw).isEqualTo(status);
        assertThat(r.body.get("status").asInt()).isEqualTo(status);
        assertThat(r.body.get("error").asText()).contains(messagePart);
    }

    private String proxyBody(String name) {
        return "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + echo.address() + "\"}";
    }

    @Test
    void createShowListUpdateDeleteAProxy() throws Exception {
        Reply created = call("POST", "/proxies", proxyBody("b"));
        assertThat(created.status).isEqualTo(201);
        assertThat(created.body.get("name").asText()).isEqualTo("b");
        assertThat(created.body.get("enabled").asBoolean()).isTrue();
        assertThat(created.body.get("listen").asText()).matches("127\\.0\\.0\\.1:\\d+").isNotEqualTo("127.0.0.1:0");
        assertThat(created.body.get("toxics").isArray()).isTrue();
        call("POST", "/proxies", proxyBody("a"));

        Reply index = call("GET", "/proxies", null);
        assertThat(index.status).isEqualTo(200);
        List<String> names = new ArrayList<>();
        index.body.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("a", "b");

        assertThat(call("GET", "/proxies/b", null).body.get("upstream").asText()).isEqualTo(echo.address());

        String listen = created.body.get("listen").asText();
        Reply disabled = call("PATCH", "/proxies/b", "{\"enabled\":false}");
        assertThat(disabled.status).isEqualTo(200);
        assertThat(disabled.body.get("enabled").asBoolean()).isFalse();
        assertThat(disabled.body.get("listen").asText()).isEqualTo(listen); // omitted fields kept
        assertThat(call("POST", "/proxies/b", "{\"enabled\":true}").body.get("enabled").asBoolean()).isTrue();

        Reply deleted = call("DELETE", "/proxies/b", null);
        assertThat(deleted.status).isEqualTo(204);
        assertError(call("GET", "/proxies/b", null), 404, "proxy not found");
    }

    @Test
    void toxicsWithToxiproxyDefaultsPartialUpdatesAndRemoval() throws Exception {
        call("POST", "/proxies", proxyBody("p"));
        Reply added = call("POST", "/proxies/p/toxics",
                "{\"type\":\"latency\",\"attributes\":{\"latency\":100},\"surprise\":true}");
        assertThat(added.status).isEqualTo(200);
        assertThat(added.body.get("name").asText()).isEqualTo("latency_downstream");
        assertThat(added.body.get("stream").asText()).isEqualTo("downstream");
        assertThat(added.body.get("toxicity").asDouble()).isEqualTo(1.0);
        assertThat(added.body.get("attributes").get("latency").asLong()).isEqualTo(100);
        assertThat(added.body.get("attributes").get("jitter").asLong()).isEqualTo(0);

        Reply updated = call("PATCH", "/proxies/p/toxics/latency_downstream", "{\"attributes\":{\"jitter\":5}}");
        assertThat(updated.status).isEqualTo(200);
        assertThat(updated.body.get("attributes").get("latency").asLong()).isEqualTo(100);
        assertThat(updated.body.get("attributes").get("jitter").asLong()).isEqualTo(5);
        Reply toxicity = call("POST", "/proxies/p/toxics/latency_downstream", "{\"toxicity\":0.5}");
        assertThat(toxicity.body.get("toxicity").asDouble()).isEqualTo(0.5);
        assertThat(toxicity.body.get("attributes").get("jitter").asLong()).isEqualTo(5);

        call("POST", "/proxies/p/toxics", "{\"type\":\"idle_close\",\"stream\":\"upstream\",\"name\":\"lb\",\"attributes\":{\"timeout\":1000,\"mode\":\"rst\"}}");
        Reply list = call("GET", "/proxies/p/toxics", null);
        assertThat(list.body).hasSize(2);
        assertThat(list.body.get(0).get("name").asText()).isEqualTo("lb"); // upstream first
        assertThat(call("GET", "/proxies/p/toxics/lb", null).body.get("attributes").get("mode").asText()).isEqualTo("rst");
        assertThat(call("GET", "/proxies/p", null).body.get("toxics")).hasSize(2);

        assertThat(call("DELETE", "/proxies/p/toxics/lb", null).status).isEqualTo(204);
        assertError(call("GET", "/proxies/p/toxics/lb", null), 404, "toxic not found");
    }

    @Test
    void resetEnablesEveryProxyAndRemovesEveryToxic() throws Exception {
        call("POST", "/proxies", proxyBody("p"));
        call("POST", "/proxies/p/toxics", "{\"type\":\"blackhole\"}");
        call("POST", "/proxies/p", "{\"enabled\":false}");
        Reply reset = call("POST", "/reset", null);
        assertThat(reset.status).isEqualTo(204);
        JsonNode p = call("GET", "/proxies/p", null).body;
        assertThat(p.get("enabled").asBoolean()).isTrue();
        assertThat(p.get("toxics")).isEmpty();
    }

    @Test
    void populateCreatesKeepsAndReplaces() throws Exception {
        call("POST", "/proxies", proxyBody("kept"));
        call("POST", "/proxies/kept/toxics", "{\"type\":\"blackhole\"}");
        String listen = lab.proxy("kept").listen();
        String body = "[{\"name\":\"kept\",\"listen\":\"" + listen + "\",\"upstream\":\"" + echo.address() + "\"},"
                + "{\"name\":\"new\",\"upstream\":\"" + echo.address() + "\",\"enabled\":false}]";
        Reply r = call("POST", "/populate", body);
        assertThat(r.status).isEqualTo(201);
        assertThat(r.body.get("proxies")).hasSize(2);
        assertThat(lab.proxy("kept").toxics()).hasSize(1); // same listen and upstream: untouched
        assertThat(lab.proxy("new").isEnabled()).isFalse();

        Reply replaced = call("POST", "/populate", "[{\"name\":\"kept\",\"upstream\":\"127.0.0.1:1\"}]");
        assertThat(replaced.status).isEqualTo(201);
        assertThat(lab.proxy("kept").toxics()).isEmpty();
        assertThat(lab.proxy("kept").upstream()).isEqualTo("127.0.0.1:1");
    }

    @Test
    void version() throws Exception {
        Reply r = call("GET", "/version", null);
        assertThat(r.status).isEqualTo(200);
        assertThat(r.body.get("version").asText()).isEqualTo(ChaosLab.VERSION);
    }

    @Test
    void errorsAreJsonWithStatusAndNameTheProblem() throws Exception {
        call("POST", "/proxies", proxyBody("p"));
        assertError(call("POST", "/proxies", proxyBody("p")), 409, "proxy already exists");
        assertError(call("POST", "/proxies", "{\"upstream\":\"127.0.0.1:1\"}"), 400, "missing required field: name");
        assertError(call("POST", "/proxies", "{\"name\":\"x\"}"), 400, "missing required field: upstream");
        assertError(call("POST", "/proxies", "{\"name\":"), 400, "bad request body");
        assertError(call("POST", "/proxies", "[1]"), 400, "must be a JSON object");
        assertError(call("POST", "/proxies", "{\"name\":\"x\",\"upstream\":\"nocolon\"}"), 400, "upstream: nocolon");
        assertError(call("POST", "/proxies", "{\"name\":\"x\",\"upstream\":\"127.0.0.1:1\",\"listen\":\"192.0.2.1:0\"}"), 400, "loopback");
        assertError(call("POST", "/proxies", "{\"name\":\"x\",\"upstream\":\"127.0.0.1:1\",\"enabled\":\"yes\"}"), 400, "enabled");
        assertError(call("GET", "/proxies/missing", null), 404, "proxy not found: missing");
        assertError(call("PATCH", "/proxies/missing", "{}"), 404, "proxy not found");
        assertError(call("DELETE", "/proxies/missing", null), 404, "proxy not found");
        assertError(call("GET", "/proxies/missing/toxics", null), 404, "proxy not found");
        assertError(call("POST", "/proxies/missing/toxics", "{\"type\":\"latency\"}"), 404, "proxy not found");
        assertError(call("PATCH", "/proxies/p", "not json"), 400, "bad request body");

        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"gremlin\"}"), 400, "type: gremlin");
        assertError(call("POST", "/proxies/p/toxics", "{\"attributes\":{}}"), 400, "missing required field: type");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}"), 400,
                "stream: sideways (expected: upstream or downstream)");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":-5}}"), 400,
                "latency: -5 (expected: a whole number of ms from 0 to 3600000)");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":\"soon\"}}"), 400,
                "latency: soon (expected: a whole number of ms from 0 to 3600000)");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"latency\",\"toxicity\":2}"), 400, "toxicity: 2.0");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"idle_close\",\"attributes\":{\"timeout\":5,\"mode\":\"fax\"}}"), 400,
                "mode: fax");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"slicer\"}"), 400, "average_size: 0 (expected: a whole number of bytes from 1 to 1073741824)");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":"), 400, "bad request body");
        assertError(call("POST", "/proxies/p/toxics", ""), 400, "bad request body");
        call("POST", "/proxies/p/toxics", "{\"type\":\"latency\"}");
        assertError(call("POST", "/proxies/p/toxics", "{\"type\":\"latency\"}"), 409, "toxic already exists");
        assertError(call("GET", "/proxies/p/toxics/none", null), 404, "toxic not found");
        assertError(call("PATCH", "/proxies/p/toxics/none", "{}"), 404, "toxic not found");
        assertError(call("DELETE", "/proxies/p/toxics/none", null), 404, "toxic not found");
        assertError(call("PATCH", "/proxies/p/toxics/latency_downstream", "{\"attributes\":{\"jitter\":-1}}"), 400,
                "jitter: -1");

        assertError(call("POST", "/populate", "{}"), 400, "expected: an array");
        assertError(call("POST", "/populate", "[{\"name\":\"q\"}]"), 400, "missing required field: upstream at proxy 1");
        assertError(call("GET", "/nowhere", null), 404, "no such endpoint");
        assertError(call("PUT", "/proxies", "{}"), 405, "not allowed");
        assertError(call("GET", "/reset", null), 405, "not allowed");
    }

    @Test
    void toxicAttributesThatWouldOverflowOrLieAreRefusedWithTheirRange() throws Exception {
        call("POST", "/proxies", proxyBody("p"));
        String ms = " (expected: a whole number of ms from 0 to 3600000)";
        assertError(addToxic("latency", "\"latency\":9223372036854775807"), 400, "latency: 9223372036854775807" + ms);
        assertError(addToxic("latency", "\"jitter\":1e30"), 400, "jitter: 1E+30" + ms);
        assertError(addToxic("latency", "\"latency\":1.5"), 400, "latency: 1.5" + ms);
        assertError(addToxic("timeout", "\"timeout\":-1"), 400, "timeout: -1" + ms);
        assertError(addToxic("bandwidth", "\"rate\":1000000000000000"), 400,
                "rate: 1000000000000000 (expected: a whole number of KB/s from 0 to 100000000)");
        assertError(addToxic("limit_data", "\"bytes\":99999999999999999999999"), 400,
                "bytes: 99999999999999999999999 (expected: a whole number of bytes from 0 to 9223372036854775807)");
        assertError(addToxic("slicer", "\"average_size\":10,\"delay\":3600000001"), 400,
                "delay: 3600000001 (expected: a whole number of µs from 0 to 3600000000)");
        assertThat(lab.proxy("p").toxics()).as("nothing refused was added").isEmpty();

        // The bounds themselves are accepted, and stored as they were sent.
        assertThat(addToxic("latency", "\"latency\":3600000").body.get("attributes").get("latency").asLong()).isEqualTo(3_600_000);
        assertThat(addToxic("limit_data", "\"bytes\":9223372036854775807").body.get("attributes").get("bytes").asLong())
                .isEqualTo(Long.MAX_VALUE);
        assertError(call("PATCH", "/proxies/p/toxics/latency_downstream", "{\"attributes\":{\"latency\":3600001}}"), 400,
                "latency: 3600001" + ms);

        // The Java API checks the same ranges, with the exact value even past a long.
        assertThatThrownBy(() -> Toxic.latency(Duration.ofSeconds(Long.MAX_VALUE)))
                .hasMessage("latency: 9223372036854775807000" + ms);
        assertThatThrownBy(() -> Toxic.bandwidth(Long.MAX_VALUE)).hasMessageStartingWith("rate: 9223372036854775807 (expected");
        assertThatThrownBy(() -> Toxic.idleClose(Duration.ofHours(2), true)).hasMessageStartingWith("timeout: 7200000 (expected");
    }

    private Reply addToxic(String type, String attributes) throws Exception {
        return call("POST", "/proxies/p/toxics", "{\"type\":\"" + type + "\",\"attributes\":{" + attributes + "}}");
    }

    @Test
    void proxyAndToxicNamesAreOneToA128CharactersWithoutSlashOrControlCharacters() throws Exception {
        String rule = "(expected: 1 to 128 characters, none of them '/' or a control character)";
        assertError(call("POST", "/proxies", proxyBody("a/b")), 400, "name: \"a/b\" " + rule);
        assertError(call("POST", "/proxies", proxyBody("a\\u0000b")), 400, "name: \"a\\u0000b\" " + rule);
        assertError(call("POST", "/proxies", proxyBody("a\\r\\nb")), 400, "name: \"a\\u000d\\u000ab\" " + rule);
        assertError(call("POST", "/proxies", proxyBody("a\\tb")), 400, rule);
        assertError(call("POST", "/proxies", proxyBody("")), 400, "missing required field: name");
        assertError(call("POST", "/proxies", proxyBody("x".repeat(900_000))), 400,
                "name: \"" + "x".repeat(40) + "\"... (900000 characters) " + rule);
        assertError(call("POST", "/proxies", proxyBody("x".repeat(129))), 400, rule);
        assertThat(call("POST", "/proxies", proxyBody("x".repeat(128))).status).isEqualTo(201);
        assertThat(call("POST", "/proxies", proxyBody("été 1")).status).isEqualTo(201);
        assertThat(call("GET", "/proxies/%C3%A9t%C3%A9%201", null).body.get("name").asText()).isEqualTo("été 1");
        assertThat(lab.proxies()).hasSize(2);

        assertError(call("POST", "/proxies/" + "x".repeat(128) + "/toxics", "{\"type\":\"latency\",\"name\":\"a/b\"}"), 400,
                "name: \"a/b\" " + rule);
        assertThatThrownBy(() -> new ProxyConfig("a/b", "127.0.0.1:0", "127.0.0.1:1", true)).hasMessageContaining(rule);
        assertThatThrownBy(() -> Toxic.blackhole().withName("line\nbreak")).hasMessageContaining(rule);
    }

    @Test
    void populateTakesOnlyJsonBooleansAndSaysWhereJsonBreaksOnOneLine() throws Exception {
        assertError(call("POST", "/populate", "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\",\"enabled\":\"no\"}]"), 400,
                "enabled: \"no\" (expected: true or false) at proxy 1");
        assertError(call("POST", "/populate", "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\",\"enabled\":0}]"), 400,
                "enabled: 0 (expected: true or false)");
        assertThat(lab.proxies()).isEmpty();
        Reply broken = call("POST", "/populate", "[\n{\"name\":\n tru}]");
        assertError(broken, 400, "bad request body: line 3, column 6: not JSON: Unrecognized token 'tru'");
        assertThat(broken.body.get("error").asText()).doesNotContain("\n").doesNotContain("Source");
    }

    @Test
    void populateFailureReportsTheProxiesDoneBeforeIt() throws Exception {
        int taken;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            taken = s.getLocalPort();
            Reply r = call("POST", "/populate", "[{\"name\":\"ok\",\"upstream\":\"" + echo.address() + "\"},"
                    + "{\"name\":\"clash\",\"listen\":\"127.0.0.1:" + taken + "\",\"upstream\":\"" + echo.address() + "\"}]");
            assertThat(r.status).isEqualTo(500);
            assertThat(r.body.get("error").asText()).contains("127.0.0.1:" + taken);
            assertThat(r.body.get("proxies")).hasSize(1);
        }
    }

    @Test
    void browsersAreRefused() throws Exception {
        assertError(call("GET", "/proxies", null, "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"), 403,
                "user agent not allowed");
        assertError(call("POST", "/reset", null, "Mozilla/5.0"), 403, "user agent not allowed");
    }
}
