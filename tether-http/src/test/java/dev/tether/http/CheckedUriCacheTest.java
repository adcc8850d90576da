package dev.tether.http;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The static cache of checked URIs keeps what repeats, and nothing that may be a secret. */
class CheckedUriCacheTest {

    @Test
    void aPlainUriIsKeptAndHandedOutAgain() {
        String text = "http://127.0.0.1:8080/cache-test/plain";
        HttpRequest first = HttpRequest.get(text);
        assertThat(HttpRequest.Checked.recent(text)).isNotNull();
        HttpRequest second = HttpRequest.get(text);
        assertThat(second.uri()).isSameAs(first.uri());
        assertThat(second.route()).isSameAs(first.route());
    }

    @Test
    void aUriWithAQueryIsCheckedEveryTimeAndNeverKept() {
        String query = "http://127.0.0.1:8080/cache-test/q?token=s3cret";
        HttpRequest.get(query);
        HttpRequest.builder(URI.create(query)).build();
        assertThat(HttpRequest.Checked.recent(query)).isNull();
    }

    @Test
    void aRefusedUriIsNeverKept() {
        for (String bad : new String[] {"ftp://127.0.0.1/cache-test/bad", "http://alice:s3cret@127.0.0.1:8080/cache-test/u"}) {
            assertThatThrownBy(() -> HttpRequest.get(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThat(HttpRequest.Checked.recent(bad)).isNull();
        }
    }
}
