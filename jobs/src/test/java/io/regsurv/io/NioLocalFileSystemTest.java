package io.regsurv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regsurv.SharedSpark;
import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system without chmod/readlink processes: the same permissions and statuses as Hadoop's, and the one local sessions use. */
class NioLocalFileSystemTest {
  static Configuration conf() {
    Configuration conf = new Configuration(false);
    HadoopConf.LOCAL_FILE_SYSTEM.forEach(conf::set);
    conf.set("fs.file.impl.disable.cache", "true"); // this test's own instance, whatever the JVM cached
    return conf;
  }

  @Test
  void setsThePermissionBitsAsChmodWould(@TempDir java.nio.file.Path dir) throws Exception {
    FileSystem fs = FileSystem.get(URI.create("file:///"), conf());
    assertThat(fs).isInstanceOf(NioLocalFileSystem.class);
    Path file = new Path(dir.toUri().toString(), "a/b/data.parquet");
    try (FSDataOutputStream out = fs.create(file)) {
      out.write(1);
    }
    // Hadoop's defaults (0666 for files, 0777 for folders) under its default umask 022.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/data.parquet")))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwxr-xr-x");
    for (String mode : new String[] {"600", "750", "444", "000", "777"}) {
      fs.setPermission(file, new FsPermission(Short.parseShort(mode, 8)));
      assertThat(fs.getFileStatus(file).getPermission().toShort()).as(mode).isEqualTo(Short.parseShort(mode, 8));
    }
    // The sticky bit is beyond java.nio: Hadoop's chmod sets it.
    Path folder = new Path(dir.toUri().toString(), "a");
    fs.setPermission(folder, new FsPermission(Short.parseShort("1777", 8)));
    assertThat(fs.getFileStatus(folder).getPermission().getStickyBit()).isTrue();
  }

  @Test
  void aPathThatIsNoLinkHasItsOwnStatusAndAMissingOneIsNotFound(@TempDir java.nio.file.Path dir) throws Exception {
    FileSystem fs = FileSystem.get(URI.create("file:///"), conf());
    Path file = new Path(dir.toUri().toString(), "data.txt");
    Files.writeString(dir.resolve("data.txt"), "abc");
    FileStatus link = fs.getFileLinkStatus(file);
    assertThat(link.isSymlink()).isFalse();
    assertThat(link.getLen()).isEqualTo(3);
    assertThat(link.getPath()).isEqualTo(fs.getFileStatus(file).getPath());
    assertThatThrownBy(() -> fs.getFileLinkStatus(new Path(dir.toUri().toString(), "missing"))).isInstanceOf(FileNotFoundException.class);
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("data.txt"));
    assertThat(fs.getFileLinkStatus(new Path(dir.resolve("link").toString())).isSymlink()).as("a link, as Hadoop reports it").isTrue();
  }

  @Test
  void fileContextRenamesWithoutOverwritingAsDeltaCommitsNeed(@TempDir java.nio.file.Path dir) throws Exception {
    FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf());
    assertThat(fc.getDefaultFileSystem()).isInstanceOf(NioLocalFs.class);
    Path tmp = new Path(dir.toUri().toString(), ".00001.json.tmp");
    Path commit = new Path(dir.toUri().toString(), "00001.json");
    try (FSDataOutputStream out = fc.create(tmp, java.util.EnumSet.of(CreateFlag.CREATE))) {
      out.write('x');
    }
    fc.rename(tmp, commit, Options.Rename.NONE);
    assertThat(Files.readString(dir.resolve("00001.json"))).isEqualTo("x");
    try (FSDataOutputStream out = fc.create(tmp, java.util.EnumSet.of(CreateFlag.CREATE))) {
      out.write('y');
    }
    // A second writer of the same version loses: Delta's mutual exclusion on a local disk.
    assertThatThrownBy(() -> fc.rename(tmp, commit, Options.Rename.NONE)).isInstanceOf(org.apache.hadoop.fs.FileAlreadyExistsException.class);
    assertThat(Files.readString(dir.resolve("00001.json"))).isEqualTo("x");
  }

  @Test
  void localSessionsUseIt() throws Exception {
    Configuration conf = SharedSpark.spark().sessionState().newHadoopConf();
    assertThat(new Path("file:///tmp").getFileSystem(conf)).isInstanceOf(NioLocalFileSystem.class);
    assertThat(FileContext.getFileContext(URI.create("file:///"), conf).getDefaultFileSystem()).isInstanceOf(NioLocalFs.class);
    assertThat(HadoopConf.fromSparkConf().get("fs.file.impl")).isEqualTo(NioLocalFileSystem.class.getName());
  }
}
