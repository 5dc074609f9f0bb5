package dev.idem.lab.race;

import dev.idem.lab.Documents;
import dev.idem.lab.report.HtmlReport;
import dev.idem.lab.report.JsonReport;
import dev.idem.lab.report.TextReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code race-lab race}: plans the runs, races each, and prints the table or writes the documents. */
@Command(name = "race", sortOptions = false,
        description = "Races each scenario from the users' threads on real databases, naive code next to Idem, and reports "
                + "duplicates, errors by class, throughput and latency for each. The default command of race-lab.")
public final class RaceCommand implements Callable<Integer> {

    @Mixin
    RaceOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return race(options, spec.commandLine());
    }

    /** Runs the race {@code options} ask for and returns the exit status: 1 when {@code --check} failed. */
    public static int race(RaceOptions options, CommandLine command) {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command, e.getMessage(), e);
        }
        PrintWriter out = command.getOut();
        PrintWriter err = command.getErr();
        Report report = new Lab(options, new ConsoleProgress(err, System.console() != null)).run();
        try {
            boolean jsonToStdout = options.json() != null && options.json().toString().equals("-");
            out.print(jsonToStdout ? JsonReport.render(report) : TextReport.render(report));
            out.flush();
            if (options.json() != null && !jsonToStdout) {
                Documents.write(options.json(), JsonReport.render(report));
                err.println("race-lab: wrote " + options.json());
            }
            if (options.html() != null) {
                Documents.write(options.html(), HtmlReport.render(report));
                err.println("race-lab: wrote " + options.html());
            }
        } catch (IOException e) {
            err.println("race-lab: " + e.getMessage());
            return 2;
        }
        return options.check() && !report.broken().isEmpty() ? 1 : 0;
    }
}
