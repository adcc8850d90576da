package dev.tether.pool;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {

    @Test
    void aUriKeepsWhereItGoesAndLosesItsSecrets() {
        assertThat(Redact.uri(URI.create("https://alice:s3cret@api.example:8443/v1/orders?token=abc&page=2#frag")))
                .isEqualTo("https://***@api.example:8443/v1/orders?token=***&page=***");
        assertThat(Redact.uri(URI.create("http://127.0.0.1/plain"))).isEqualTo("http://127.0.0.1/plain");
        assertThat(Redact.uri("redis://default:hunter2@127.0.0.1:6379/0")).isEqualTo("redis://***@127.0.0.1:6379/0");
        assertThat(Redact.uri("jdbc:postgresql://h/db?password=x")).isEqualTo("jdbc:***");
        assertThat(Redact.uri("ht tp://user:pw@host/?q=1")).doesNotContain("pw").doesNotContain("q=1");
        assertThat(Redact.uri((String) null)).isEqualTo("null");
    }

    @Test
    void credentialHeadersAreMasked() {
        for (String name : new String[] {"Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Auth-Token",
                "X-Api-Key", "Client-Secret"}) {
            assertThat(Redact.isSensitiveHeader(name)).as(name).isTrue();
            assertThat(Redact.headerValue(name, "Bearer abc")).isEqualTo("***");
        }
        assertThat(Redact.headerValue("Accept", "text/plain")).isEqualTo("text/plain");
    }
}
