package dev.idem.lab.race;

import dev.idem.testing.Target;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress line on standard error: rewritten in place on a terminal, one line per finished run
 * otherwise (so that CI logs stay readable).
 */
final class ConsoleProgress implements Progress {

    private final PrintWriter err;
    private final boolean terminal;
    private volatile String current = "";
    private volatile long lastPrint;

    ConsoleProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void skipped(Target target, String reason) {
        err.println("race-lab: skipping " + target.id() + " (not available, see above)");
    }

    @Override
    public void started(Cell cell, int index, int total) {
        current = String.format(Locale.ROOT, "[%d/%d] %s", index, total, cell);
        show(current + " ...");
    }

    @Override
    public void round(int done, int rounds) {
        long now = System.nanoTime();
        if (terminal && now - lastPrint > 100_000_000L) {
            lastPrint = now;
            show(current + String.format(Locale.ROOT, "  round %d/%d", done, rounds));
        }
    }

    @Override
    public void finished(Result result) {
        String line = String.format(Locale.ROOT, "%s  %s: %d dup rows, %d errors", current, result.verdict(),
                result.rows().duplicates(), result.callers().errorCount())
                + (result.rows().amounts() == null ? "" : ", " + result.rows().amounts().describe());
        if (terminal) {
            show(line);
        } else {
            err.println("race-lab: " + line);
            err.flush();
        }
    }

    @Override
    public void done() {
        if (terminal) {
            err.print("\r\033[K");
            err.flush();
        }
    }

    private void show(String line) {
        if (terminal) {
            err.print("\r\033[K" + line);
            err.flush();
        }
    }
}
