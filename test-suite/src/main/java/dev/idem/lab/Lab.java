package dev.idem.lab;

import dev.idem.testing.Engine;
import dev.idem.testing.Target;
import dev.idem.testing.Servers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plans the runs the options ask for, finds the databases, runs each race and collects the report. */
final class Lab {

    private final LabOptions options;
    private final Progress progress;

    Lab(LabOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    Report run() {
        Instant startedAt = Instant.now();
        Race.Settings settings = new Race.Settings(options.workers(), options.rounds(), options.think());
        List<Target> targets = options.targets(Servers.explicitSelection());
        List<Report.DatabaseStatus> statuses = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        for (Target target : targets) {
            String problem = problem(target);
            if (problem != null) {
                statuses.add(new Report.DatabaseStatus(target.id(), false, null, problem));
                progress.skipped(target, problem);
            } else {
                cells.addAll(plan(target));
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            progress.started(cell, i + 1, cells.size());
            Result result = runOne(cell, settings);
            results.add(result);
            progress.finished(result);
        }
        for (Target target : targets) {
            if (statuses.stream().noneMatch(s -> s.database().equals(target.id()))) {
                String version = results.stream().filter(r -> r.database().equals(target.id()) && r.version() != null)
                        .map(Result::version).findFirst().orElse(null);
                statuses.add(new Report.DatabaseStatus(target.id(), true, version, null));
            }
        }
        statuses.sort((a, b) -> Integer.compare(LabOptions.ORDER.indexOf(Target.fromId(a.database())),
                LabOptions.ORDER.indexOf(Target.fromId(b.database()))));
        progress.done();
        return new Report(startedAt, options.workers(), options.rounds(), options.think().toMillis(), statuses, results);
    }

    /** The runs on {@code target}: every wanted strategy of every wanted scenario, in each of its wanted modes. */
    List<Cell> plan(Target target) {
        Engine engine = target.engine();
        List<Cell> cells = new ArrayList<>();
        for (Scenario scenario : Scenarios.all()) {
            if (!options.wants(scenario)) {
                continue;
            }
            for (Strategy strategy : scenario.strategies()) {
                if (!options.wants(strategy)) {
                    continue;
                }
                for (Isolation isolation : strategy.isolations(engine)) {
                    if (options.wants(isolation) && isolation.availableOn(engine)) {
                        cells.add(new Cell(target, scenario, strategy, isolation));
                    }
                }
            }
        }
        return cells;
    }

    /** Why {@code target} cannot run here, or null when it can. */
    static String problem(Target target) {
        if (!target.isServer()) {
            return null;
        }
        Servers.Availability availability = Servers.availability(target);
        return availability.available() ? null : availability.problem();
    }

    private Result runOne(Cell cell, Race.Settings settings) {
        try {
            return Race.run(cell, settings, progress);
        } catch (Exception e) {
            // The run itself broke (the database went away, a worker hung): say so in the report, never drop the row.
            return new Result(cell.target().id(), null, cell.scenario().id(), cell.strategy().id(), cell.isolation().id(),
                    settings.workers(), settings.rounds(), 0, 0, 0, 0, 0, 0, Map.of("run_failed", 1L),
                    Map.of("run_failed", ErrorClasses.sample(e)), 0, 0, 0, 0, cell.strategy().raceFree(),
                    "the run could not complete: " + e.getMessage());
        }
    }
}
