package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader without Spark gives the cells the Spark path gives (Spark's CSV reader as {@code km}
 * calls it, {@link Subjects#from}, {@link RiskCells#collect}) on every file it takes, and takes no
 * file it would read differently: those it leaves to the Spark path.
 */
class CsvCellsTest {
  @TempDir Path dir;

  private static final SubjectSpec GROUPED = SubjectSpec.of("t", "e").withGroup("g");

  @Test
  void plainFilesGiveTheSparkPathsCells() throws IOException {
    // Integers, decimals, exponents, signs, -0, spaces around numbers, an empty group, Han groups, CRLF.
    String plain = "t,e,g\n1,1,a\n2.5,0,a\n 3 ,1, b \n1e1,1,省\n+4,0.0,\n-0,1.0,省\n.5,0,a\n7.,1,b\n2.5,0,a\n";
    assertSameCells(plain, GROUPED);
    assertSameCells(plain.replace("\n", "\r\n"), GROUPED);
    assertSameCells("t,e\n5,1\n6,0", SubjectSpec.of("t", "e")); // no final line end
    // Quoted as R's write.csv quotes: names, text, a comma inside quotes, quoted numbers, empty fields beside them.
    assertSameCells("\"t\",\"e\",\"g\"\n1,1,\"a\"\n2,0,\"a,b\"\n\"3\",\"1\",\"省 市\"\n4,0,\n5,1,\"a\"\n", GROUPED);
    assertSameCells("a,t,e,x\n0,5,1,q\n2,6,0,r\n2,6,0,r\n1.5,9,1,s\n", SubjectSpec.of("t", "e").withEntry("a"));
    String status = "years,status,province\n1,cancelled,北京\n2,active,北京\n3, revoked ,上海\n4,active ,上海\n";
    assertSameCells(status, SubjectSpec.of("years", "status").withGroup("province").withEventValues(List.of("cancelled", "revoked"), null));
    assertSameCells(status, SubjectSpec.of("years", "status").withEventValues(List.of("cancelled", "revoked"), List.of("active")));
    String causes = "t,cause,g\n1,death,a\n2,censor,a\n3,,a\n4, pcm ,b\n5,  ,b\n5,death,b\n";
    assertSameCells(causes, SubjectSpec.of("t", "cause").withGroup("g").withCompeting("censor"));
  }

  @Test
  void aSeededLargeFileGivesTheSparkPathsCells() throws IOException {
    Random random = new Random(7);
    StringBuilder sb = new StringBuilder("id,time,event,group,entry\n");
    for (int i = 0; i < 20_000; i++) {
      int entry = random.nextInt(30);
      sb.append(i).append(',').append(entry + 1 + random.nextInt(400)).append(',').append(random.nextInt(2)).append(',')
          .append("g").append(random.nextInt(12)).append(',').append(entry).append('\n');
    }
    assertSameCells(sb.toString(), SubjectSpec.of("time", "event").withGroup("group"));
    assertSameCells(sb.toString(), SubjectSpec.of("time", "event").withGroup("group").withEntry("entry"));
  }

  /** Files the Spark path reads otherwise, or rejects with a message: left to it. */
  @Test
  void filesReadOtherwiseAreLeftToTheSparkPath() throws IOException {
    for (String csv : List.of(
        "t,e,g\n1,1,\"a\"\"b\"\n",        // a doubled quote inside quotes
        "t,e,g\n1,1,\"a\\\\b\"\n",          // a backslash (Spark's escape) inside quotes
        "t,e,g\n1,1,\"\"\n",               // an empty quoted field (Spark: "", not NULL)
        "t,e,g\n1,1,\"a\"b\n",             // text after the closing quote
        "t,e,g\n1,1,\"a\n2,0,b\"\n",        // a quoted field over two lines
        "t,e,g\n1,1,a\"b\n",              // a quote inside an unquoted field
        "\uFEFFt,e,g\n1,1,a\n",          // byte-order mark
        "t,e,g\n1,1,a\n\n2,0,a\n",       // blank line
        "t,e,g\n1,1\n",                  // too few fields
        "t,e,g\n1,1,a,x\n",              // too many
        "t,e,g\nNaN,1,a\n",              // Spark's special literals and suffixes
        "t,e,g\nInfinity,1,a\n",
        "t,e,g\n1d,1,a\n",
        "t,e,g\n1e999,1,a\n",
        "t,e,g\n,1,a\n",                 // missing time
        "t,e,g\n-1,1,a\n",               // negative
        "t,e,g\n1,2,a\n",                // event outside 0/1
        "t,e,g\n1,,a\n",
        "t,e,g\n1\t,1,a\n",              // a control character
        "t,e,g\n1,1,a\rb\n",             // a lone carriage return
        "t,e,G\n1,1,a\n",                // the group column under another case
        "t,e,T\n1,1,a\n",                // names equal but for case
        "t,e,\n1,1,a\n",                 // an empty name
        "t,e,g\n")) {                    // no data row
      assertThat(CsvCells.read(write(csv), GROUPED, 1_000)).as("%s", csv).isEmpty();
    }
    assertThat(CsvCells.read(write("a,t,e\n5,5,1\n"), SubjectSpec.of("t", "e").withEntry("a"), 1_000)).as("entry = exit").isEmpty();
    assertThat(CsvCells.read(write("t,s\n1,\n"), SubjectSpec.of("t", "s").withEventValues(List.of("x"), null), 1_000)).as("no status").isEmpty();
    assertThat(CsvCells.read(write("t,s\n1,y\n"), SubjectSpec.of("t", "s").withEventValues(List.of("x"), List.of("z")), 1_000))
        .as("status in neither list").isEmpty();
    Path threeCells = write("t,e,g\n1,1,a\n2,1,a\n3,1,a\n");
    assertThat(CsvCells.read(threeCells, GROUPED, 2)).as("more cells than allowed").isEmpty();
    assertThat(CsvCells.read(threeCells, GROUPED, 3)).isPresent();
  }

  private void assertSameCells(String csv, SubjectSpec spec) throws IOException {
    Path file = write(csv);
    Optional<RiskCells> local = CsvCells.read(file, spec, 1_000_000);
    assertThat(local).as("taken without Spark: %s", csv).isPresent();
    Dataset<Row> table = SharedSpark.spark().read().option("header", "true").option("encoding", "UTF-8").option("mode", "FAILFAST")
        .csv(file.toString());
    RiskCells spark = RiskCells.collect(Subjects.from(table, spec, "test"), 1_000_000).orElseThrow();
    assertThat(sorted(local.get())).as("%s", csv).isEqualTo(sorted(spark));
  }

  private static TreeMap<String, List<String>> sorted(RiskCells cells) {
    TreeMap<String, List<String>> out = new TreeMap<>();
    for (String g : cells.groups()) {
      List<String> c = new ArrayList<>(cells.cells(g).stream().map(RiskCells.Cell::toString).toList());
      c.sort(null);
      out.put(g, c);
    }
    return out;
  }

  private Path write(String csv) throws IOException {
    Path file = Files.createTempFile(dir, "subjects", ".csv");
    Files.writeString(file, csv, StandardCharsets.UTF_8);
    return file;
  }
}
