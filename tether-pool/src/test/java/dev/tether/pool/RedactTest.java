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

    @Test
    void anEchoedSecretIsMaskedWholeOrCutShort() {
        assertThat(Redact.echoed("ERR unknown command 'HELLO', with args beginning with: '3' 'AUTH' 'default' 'hunter2' ",
                "hunter2", "default")).isEqualTo("ERR unknown command 'HELLO', with args beginning with: '3' 'AUTH' '***' '***' ");
        // Redis keeps 128 characters of the arguments: a long password may be cut short.
        assertThat(Redact.echoed("ERR unknown command 'AUTH', with args beginning with: 'correct-horse-bat' ",
                "correct-horse-battery-staple")).isEqualTo("ERR unknown command 'AUTH', with args beginning with: '***' ");
        assertThat(Redact.echoed("ends with correct-hor", "correct-horse-battery-staple")).isEqualTo("ends with ***");
        // A short piece inside ordinary words is left alone; a short secret is masked only whole.
        assertThat(Redact.echoed("correct answer, 'cor", "correct-horse")).isEqualTo("correct answer, 'cor");
        assertThat(Redact.echoed("a pw 'ab' here", "ab")).isEqualTo("a pw '***' here");
        assertThat(Redact.echoed("nothing to hide", (String) null, "")).isEqualTo("nothing to hide");
        assertThat(Redact.echoed(null, "x")).isEqualTo("null");
    }
}
