package dev.tether.cli.lab;

import java.util.List;

/**
 * A whole lab run: what --json prints and what the HTML report draws.
 *
 * @param skipped scenarios that were not run, each group with the sentence that says why and how to run them
 */
public record LabReport(String tool, boolean quick, String startedAt, long durationMs, List<ScenarioResult> scenarios,
                        List<Skipped> skipped) {

    /**
     * Scenarios that did not run, and why.
     *
     * @param scenarios their ids
     * @param reason    one sentence: why, and how to run them
     * @param error     whether it is a failure of what the command line asked for (a --redis server
     *                  that cannot be reached), rather than something this machine or the user's
     *                  server does not allow
     */
    public record Skipped(List<String> scenarios, String reason, boolean error) {
    }

    public LabReport(String tool, boolean quick, String startedAt, long durationMs, List<ScenarioResult> scenarios) {
        this(tool, quick, startedAt, durationMs, scenarios, List.of());
    }

    /** Scenarios that could not run (their setup failed), and groups skipped for a failure of what was asked. */
    public long errors() {
        return scenarios.stream().filter(s -> s.error() != null).count() + skipped.stream().filter(Skipped::error).count();
    }
}
