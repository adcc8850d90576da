package dev.tether.cli.lab;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TrialTest {

    @Test
    void recoveryIsTheLongestSpanFromAFailureToTheNextSuccess() {
        assertThat(Trial.recovery(List.of(new Timeline.Event(0, 5, "ok", "")))).isNull();
        assertThat(Trial.recovery(List.of(
                new Timeline.Event(0, 5, "fail", ""), new Timeline.Event(10, 20, "fail", ""), new Timeline.Event(30, 40, "ok", ""),
                new Timeline.Event(50, 55, "fail", ""), new Timeline.Event(60, 62, "ok", "")))).isEqualTo(40L);
        assertThat(Trial.recovery(List.of(new Timeline.Event(0, 5, "fail", "")))).isEqualTo(-1L);
    }
}
