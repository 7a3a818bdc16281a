package io.regsurv.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs pipeline stages as their own subcommands in this JVM (sharing its SparkSession), so that
 * {@code run} and {@code demo} behave exactly like the commands a user would type one by one.
 */
final class Stages {
  private final CommandLine.Model.CommandSpec spec;
  private final CommonOptions common;

  Stages(CommandLine.Model.CommandSpec spec, CommonOptions common) {
    this.spec = spec;
    this.common = common;
  }

  /** Runs {@code regsurv <stage> <args> <common options>}; returns its exit code. */
  int run(String stage, String... args) {
    CommandLine cl = Main.commandLine();
    CommandLine.Model.CommandSpec target = cl.getSubcommands().get(stage).getCommandSpec();
    List<String> argv = new ArrayList<>();
    argv.add(stage);
    argv.addAll(List.of(args));
    argv.addAll(commonArgs(target));
    PrintWriter err = spec.commandLine().getErr();
    err.println("regsurv " + spec.name() + ": --- " + stage + " " + String.join(" ", args));
    err.flush();
    cl.setOut(spec.commandLine().getOut());
    cl.setErr(err);
    long started = System.nanoTime();
    int code = cl.execute(argv.toArray(String[]::new));
    if (code == 0) {
      // Only on success: after a failure the stage's own error line must stay the last one.
      err.printf("regsurv %s: --- %s done in %.1f s%n", spec.name(), stage, (System.nanoTime() - started) / 1e9);
      err.flush();
    }
    return code;
  }

  /** Runs stages in order and stops at the first that fails. */
  int runAll(List<String[]> stages) {
    for (String[] s : stages) {
      int code = run(s[0], java.util.Arrays.copyOfRange(s, 1, s.length));
      if (code != 0) {
        return code;
      }
    }
    return 0;
  }

  /** The shared options the target stage accepts (generate has no warehouse, for one). */
  private List<String> commonArgs(CommandLine.Model.CommandSpec target) {
    List<String> a = new ArrayList<>();
    if (target.findOption("--warehouse") == null) {
      return a;
    }
    if (common.configFile != null) {
      a.add("--config");
      a.add(common.configFile.toString());
    }
    if (common.warehouse != null) {
      a.add("--warehouse");
      a.add(common.warehouse);
    }
    for (Map.Entry<String, String> e : common.overrides.entrySet()) {
      a.add("--set");
      a.add(e.getKey() + "=" + e.getValue());
    }
    if (common.verbose) {
      a.add("--verbose");
    }
    return a;
  }
}
