package io.regsurv.io;

import io.regsurv.config.PrivacySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The salt of the legal-representative hash for one warehouse: the configured {@code privacy.salt}
 * if there is one, otherwise a random salt made on first use and kept in the warehouse itself.
 *
 * <p>Keeping it with the data means every run on the same warehouse hashes a name the same way
 * (hashes stay joinable across snapshots) while no two warehouses share a salt and no public default
 * exists to enumerate short names against. The value is never printed or logged: messages name the
 * file, not its contents.
 */
public final class WarehouseSalt {
  /** Under the root but outside every database folder, so table listings never see it. */
  static final String RELATIVE_PATH = "_regsurv/salt";

  private static final int BYTES = 32;
  private static final Pattern HEX_64 = Pattern.compile("[0-9a-f]{64}");
  private static final FsPermission OWNER_ONLY_FILE = new FsPermission((short) 0600);
  private static final FsPermission OWNER_ONLY_DIR = new FsPermission((short) 0700);

  private WarehouseSalt() {}

  /** The salt for {@code warehouse}, by its session's Hadoop configuration (HDFS, S3, local alike). */
  public static String resolve(Warehouse warehouse, PrivacySettings settings) {
    return resolve(warehouse.spark().sparkContext().hadoopConfiguration(), warehouse.root(), settings);
  }

  /** As {@link #resolve(Warehouse, PrivacySettings)}, for a warehouse root URI and a Hadoop configuration. */
  public static String resolve(Configuration conf, String warehouseRoot, PrivacySettings settings) {
    if (settings != null && settings.configured()) {
      return settings.salt();
    }
    Path file = new Path(warehouseRoot, RELATIVE_PATH);
    try {
      FileSystem fs = withoutChecksums(file.getFileSystem(conf));
      if (!fs.exists(file)) {
        try {
          create(fs, file);
        } catch (FileAlreadyExistsException e) {
          // Another run created it first: its salt is the warehouse's.
        }
      }
      return read(fs, file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the warehouse's hashing salt " + file, e);
    }
  }

  /**
   * The local file system writes a {@code .salt.crc} sidecar with default permissions; a CRC of the
   * salt is a clue to it, so the salt goes through the raw file system, which writes only the file.
   */
  private static FileSystem withoutChecksums(FileSystem fs) {
    return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  private static void create(FileSystem fs, Path file) throws IOException {
    fs.mkdirs(file.getParent(), OWNER_ONLY_DIR);
    byte[] bytes = new byte[BYTES];
    new SecureRandom().nextBytes(bytes);
    byte[] hex = HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII);
    // overwrite = false: of two first runs racing, one fails here and reads the other's salt.
    try (OutputStream out = fs.create(file, OWNER_ONLY_FILE, false, 4096, fs.getDefaultReplication(file),
        fs.getDefaultBlockSize(file), null)) {
      // create() applies the umask, and some stores ignore the permission there: set it again
      // before any byte is written. Object stores without permissions (S3) make this a no-op.
      restrict(fs, file);
      out.write(hex);
    }
  }

  private static void restrict(FileSystem fs, Path file) throws IOException {
    try {
      fs.setPermission(file, OWNER_ONLY_FILE);
    } catch (UnsupportedOperationException e) {
      // A file system without POSIX permissions: access is the store's own (bucket policy, ACLs).
    }
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (InputStream in = fs.open(file)) {
      in.transferTo(buffer);
    }
    String salt = buffer.toString(StandardCharsets.US_ASCII).strip();
    if (!HEX_64.matcher(salt).matches()) {
      // Never replaced silently: a new salt would change every hash already stored.
      throw new IllegalStateException("The warehouse's hashing salt " + file + " is damaged (expected 64 hex digits);"
          + " restore it from a backup, or set privacy.salt");
    }
    return salt;
  }
}
