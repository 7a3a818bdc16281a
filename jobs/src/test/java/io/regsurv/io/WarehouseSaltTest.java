package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.config.ConfigLoader;
import io.regsurv.config.PrivacySettings;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warehouse's own hashing salt on the real local file system: made once, private, per warehouse; a configured salt wins. */
class WarehouseSaltTest {
  private static final PrivacySettings NONE = new PrivacySettings(null);

  @TempDir Path dir;

  private final Configuration conf = new Configuration();

  @Test
  void unconfiguredSaltIsCreatedOnceAndReused() {
    String root = dir.resolve("wh").toUri().toString();
    String first = WarehouseSalt.resolve(conf, root, NONE);
    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(Files.isRegularFile(saltFile("wh"))).isTrue();
    assertThat(WarehouseSalt.resolve(conf, root, NONE)).isEqualTo(first);
    // No checksum sidecar: a CRC of the salt would sit next to it with default permissions.
    assertThat(saltFile("wh").resolveSibling(".salt.crc")).doesNotExist();
  }

  @Test
  void warehouseOverloadKeepsTheSaltUnderItsRoot() {
    Warehouse warehouse = new Warehouse(io.regsurv.SharedSpark.spark(), dir.resolve("wh").toString());
    String salt = WarehouseSalt.resolve(warehouse, NONE);
    assertThat(salt).matches("[0-9a-f]{64}");
    assertThat(WarehouseSalt.resolve(conf, warehouse.root(), NONE)).isEqualTo(salt);
    assertThat(Files.isRegularFile(saltFile("wh"))).isTrue();
  }

  @Test
  void saltFileIsOwnerOnlyOnPosix() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    WarehouseSalt.resolve(conf, dir.resolve("wh").toString(), NONE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saltFile("wh")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saltFile("wh").getParent()))).isEqualTo("rwx------");
  }

  @Test
  void twoWarehousesGetDifferentSalts() {
    String a = WarehouseSalt.resolve(conf, dir.resolve("a").toString(), NONE);
    String b = WarehouseSalt.resolve(conf, dir.resolve("b").toString(), NONE);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void configuredSaltWinsAndCreatesNoFile() {
    String salt = WarehouseSalt.resolve(conf, dir.resolve("wh").toString(), new PrivacySettings("my-own-salt"));
    assertThat(salt).isEqualTo("my-own-salt");
    assertThat(dir.resolve("wh")).doesNotExist();
  }

  @Test
  void setOnTheCommandLineWinsOverTheDefault() {
    PrivacySettings set = ConfigLoader.load(null, Map.of("privacy.salt", "from-the-command-line")).privacy();
    assertThat(WarehouseSalt.resolve(conf, dir.resolve("wh").toString(), set)).isEqualTo("from-the-command-line");
    assertThat(dir.resolve("wh")).doesNotExist();
  }

  @Test
  void defaultConfigHasNoSalt() {
    PrivacySettings defaults = ConfigLoader.load(null, Map.of()).privacy();
    assertThat(defaults.configured()).isFalse();
    assertThat(WarehouseSalt.resolve(conf, dir.resolve("wh").toString(), defaults)).matches("[0-9a-f]{64}");
  }

  @Test
  void oldPlaceholderIsTreatedAsNotConfigured() throws IOException {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"privacy\": {\"salt\": \"regsurv-default-salt-change-me\"}}");
    PrivacySettings old = ConfigLoader.load(config, Map.of()).privacy();
    assertThat(old.configured()).isFalse();
    String salt = WarehouseSalt.resolve(conf, dir.resolve("wh").toString(), old);
    assertThat(salt).isNotEqualTo(PrivacySettings.OLD_PLACEHOLDER).matches("[0-9a-f]{64}");
    assertThat(Files.isRegularFile(saltFile("wh"))).isTrue();
  }

  @Test
  void damagedSaltFileFailsWithoutReplacingIt() throws IOException {
    Files.createDirectories(saltFile("wh").getParent());
    Files.writeString(saltFile("wh"), "not-a-salt");
    assertThatThrownBy(() -> WarehouseSalt.resolve(conf, dir.resolve("wh").toString(), NONE))
        .hasMessageContaining("is damaged").hasMessageNotContaining("not-a-salt");
    assertThat(Files.readString(saltFile("wh"))).isEqualTo("not-a-salt");
  }

  @Test
  void toStringNeverShowsTheSalt() {
    assertThat(new PrivacySettings("secret-salt").toString()).doesNotContain("secret-salt");
  }

  private Path saltFile(String warehouse) {
    return dir.resolve(warehouse).resolve("_regsurv").resolve("salt");
  }
}
