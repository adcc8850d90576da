package dev.tether.cli.lab;

import java.util.List;

/** A whole lab run: what --json prints and what the HTML report draws. */
public record LabReport(String tool, boolean quick, String startedAt, long durationMs, List<ScenarioResult> scenarios) {

    /** Scenarios that could not run (their setup failed). */
    public long errors() {
        return scenarios.stream().filter(s -> s.error() != null).count();
    }
}
