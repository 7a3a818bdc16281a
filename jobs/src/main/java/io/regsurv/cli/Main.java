package io.regsurv.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code regsurv} command: one subcommand per job; exit codes 0 ok, 1 job failed, 2 bad usage or input. */
@Command(
    name = "regsurv",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Spark batch analytics over a company registry: ingest bulk snapshots into Delta (bronze), classify status"
          + " changes (silver), and compute cohort survival curves and headline figures (gold).",
      "",
      "Exit codes: 0 success, 1 job failed, 2 bad usage or bad input."
    },
    subcommands = {
      IngestCommand.class,
      ClassifyCommand.class,
      SurvivalCommand.class,
      ReportCommand.class,
      RunCommand.class,
      DemoCommand.class,
      SqlCommand.class,
      GenerateCommand.class,
      KmCommand.class,
      CoxCommand.class,
      StatusCommand.class,
      MaintainCommand.class,
      io.regsurv.bench.Benchmark.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** Runs with the given streams (tests, notebooks). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  /**
   * Runs with the given standard input too: {@code regsurv sql} without a query reads statements
   * from it (tests feed a script this way). The other commands do not read standard input.
   */
  public static int run(java.io.InputStream in, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    ((SqlCommand) cl.getSubcommands().get("sql").getCommand()).stdin = in;
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(new ErrorHandler())
        .setExecutionExceptionHandler(new ErrorHandler());
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
    return cl;
  }

  /**
   * The command list of {@code regsurv --help}: each command with its header, else the first
   * sentence of its description. Picocli's own list shows the first line of the description, which
   * for a description wrapped by hand stops mid-sentence.
   */
  private static String commandList(CommandLine.Help help) {
    java.util.Map<String, CommandLine.Help> commands = help.subcommands();
    if (commands.isEmpty()) {
      return "";
    }
    java.util.Map<String, String> summaries = new java.util.LinkedHashMap<>();
    for (java.util.Map.Entry<String, CommandLine.Help> command : commands.entrySet()) {
      CommandLine.Model.UsageMessageSpec usage = command.getValue().commandSpec().usageMessage();
      summaries.put(command.getKey(), usage.header().length > 0 ? usage.header()[0] : firstSentence(usage.description()));
    }
    // Picocli's two-column table (names, wrapped text), as its own list lays it out.
    return help.createTextTable(summaries).toString();
  }

  /** The description's lines joined, up to the first full stop that ends a sentence (followed by a space or the end). */
  static String firstSentence(String[] description) {
    String text = String.join(" ", description).strip();
    java.util.regex.Matcher end = java.util.regex.Pattern.compile("[.!?](\\s|$)").matcher(text);
    return end.find() ? text.substring(0, end.start() + 1) : text;
  }

  @Override
  public void run() {
    // "regsurv" alone: show what there is, as a usage error (nothing was asked).
    java.util.List<String> visible = spec.subcommands().entrySet().stream()
        .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey).toList();
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of " + visible);
  }

  /** The version from the build (pom). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      try (InputStream in = Main.class.getClassLoader().getResourceAsStream("regsurv/version.txt")) {
        return new String[] {in == null ? "regsurv (unknown version)" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim()};
      }
    }
  }
}
