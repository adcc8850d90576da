package dev.tether.bench.http;

import dev.tether.http.HttpRequest;
import dev.tether.http.HttpResponse;
import dev.tether.http.RequestBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;

/** tether and its peers behind one small interface, each built with its defaults. */
final class Peers {
    private Peers() {
    }

    interface Client extends AutoCloseable {
        /** Sends a GET or POST and returns the body; throws what the client throws. */
        byte[] send(String method, String url, String requestId) throws Exception;

        @Override
        void close() throws Exception;
    }

    static final String[] NAMES = {"tether", "jdk", "apache", "okhttp"};

    static Client create(String name) {
        switch (name) {
            case "tether": return tether();
            case "jdk": return jdk();
            case "apache": return apache();
            case "okhttp": return okhttp();
            default: throw new IllegalArgumentException("client: " + name + " (expected: tether, jdk, apache or okhttp)");
        }
    }

    static Client tether() {
        dev.tether.http.HttpClient c = dev.tether.http.HttpClient.create();
        return new Client() {
            @Override
            public byte[] send(String method, String url, String id) throws Exception {
                HttpRequest.Builder b = HttpRequest.builder(url);
                if (id != null) {
                    b.header("X-Request-Id", id);
                }
                if (method.equals("POST")) {
                    b.POST(RequestBody.of("payload"));
                }
                try (HttpResponse r = c.send(b.build())) {
                    return r.bytes();
                }
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }

    /** The JDK's client with HTTP/1.1 chosen (its default would offer an h2c upgrade on every first request). */
    static Client jdk() {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return new Client() {
            @Override
            public byte[] send(String method, String url, String id) throws Exception {
                java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(url));
                if (id != null) {
                    b.header("X-Request-Id", id);
                }
                if (method.equals("POST")) {
                    b.POST(java.net.http.HttpRequest.BodyPublishers.ofString("payload"));
                }
                return c.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
            }

            @Override
            public void close() {
                // java 17's client has no close(); its threads end when it is collected
            }
        };
    }

    static Client apache() {
        CloseableHttpClient c = HttpClients.createDefault();
        return new Client() {
            @Override
            public byte[] send(String method, String url, String id) throws Exception {
                org.apache.hc.core5.http.ClassicHttpRequest req;
                if (method.equals("POST")) {
                    HttpPost post = new HttpPost(url);
                    post.setEntity(new StringEntity("payload", ContentType.TEXT_PLAIN));
                    req = post;
                } else {
                    req = new HttpGet(url);
                }
                if (id != null) {
                    req.setHeader("X-Request-Id", id);
                }
                return c.execute(req, resp -> EntityUtils.toByteArray(resp.getEntity()));
            }

            @Override
            public void close() throws Exception {
                c.close();
            }
        };
    }

    static Client okhttp() {
        OkHttpClient c = new OkHttpClient();
        return new Client() {
            @Override
            public byte[] send(String method, String url, String id) throws Exception {
                Request.Builder b = new Request.Builder().url(url);
                if (id != null) {
                    b.header("X-Request-Id", id);
                }
                if (method.equals("POST")) {
                    b.post(okhttp3.RequestBody.create("payload".getBytes(StandardCharsets.UTF_8), MediaType.get("text/plain")));
                }
                try (okhttp3.Response r = c.newCall(b.build()).execute()) {
                    return r.body().bytes();
                }
            }

            @Override
            public void close() {
                c.dispatcher().executorService().shutdown();
                c.connectionPool().evictAll();
            }
        };
    }
}
